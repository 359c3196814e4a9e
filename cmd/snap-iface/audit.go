package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/shmaudit"
)

type auditOptions struct {
	root, snaps string
}

func auditFlags(opts *auditOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("shm-audit", flag.ContinueOnError)
	fs.StringVar(&opts.root, "root", "/", "inspect the host whose root directory is `DIR`")
	fs.StringVar(&opts.snaps, "snaps", "", "comma-separated `NAME`s of the installed snap instances (default: those under DIR/snap)")
	return fs
}

func runAudit(args []string, stdout io.Writer) (int, error) {
	var opts auditOptions
	fs := auditFlags(&opts)
	args, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(args) != 0 {
		return 0, fmt.Errorf("shm-audit: want no arguments, got %q", args[0])
	}
	root, err := shmaudit.Open(opts.root)
	if err != nil {
		return 0, err
	}
	defer root.Close()
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "snaps" })
	var installed map[string]bool
	if given {
		installed, err = parseInstalled(opts.snaps, root)
	} else {
		installed, err = root.InstalledSnaps()
		if errors.Is(err, shmaudit.ErrNoSnapMountDir) {
			warn("no %s: cannot tell which snaps are installed, so memory left behind is not looked for; give --snaps", root.SnapMountDir())
			err = nil
		}
	}
	if err != nil {
		return 0, err
	}
	report, err := root.Audit(installed)
	if err != nil {
		return 0, err
	}
	for _, f := range report.Findings {
		printf(stdout, "%s\n", f)
	}
	if len(report.Findings) > 0 {
		return exitFindings, nil
	}
	snaps := "installed snaps unknown"
	if installed != nil {
		snaps = count(len(installed), "installed snap", "installed snaps")
	}
	fmt.Fprintf(stdout, "no findings in %q (%s, %s)\n", report.Dir, count(report.Entries, "snap entry", "snap entries"), snaps)
	return exitOK, nil
}

// count writes n and a noun, singular for 1.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// parseInstalled reads the value of --snaps.
func parseInstalled(list string, root *shmaudit.Root) (map[string]bool, error) {
	if list == "" {
		return nil, fmt.Errorf("shm-audit: --snaps is empty: name the installed snap instances, or leave it out to read them from %s", root.SnapMountDir())
	}
	installed := map[string]bool{}
	for _, name := range strings.Split(list, ",") {
		if err := snap.ValidateInstanceName(name); err != nil {
			return nil, fmt.Errorf("shm-audit: --snaps: %v", err)
		}
		installed[name] = true
	}
	return installed, nil
}
