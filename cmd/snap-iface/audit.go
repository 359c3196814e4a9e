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

// auditCommand is "snap-iface shm-audit" and its help.
var auditCommand = command{
	name:     "shm-audit",
	synopsis: "snap-iface shm-audit [--root DIR] [--snaps NAME,...]",
	about: `Inspects DIR/dev/shm: private directories snap.<instance> that are unsafe
(a danger when an installed snap has a private plug: snapd 2.64 then runs it
in the host's /dev/shm, or in a directory another user owns), and memory left behind by snaps that are not installed (directories
snap.<instance>, objects snap.<instance>.* and semaphores
sem.snap.<instance>.*), measured in allocated bytes. A snap counts as
installed when DIR/snap/NAME/current exists (or
DIR/var/lib/snapd/snap/NAME/current). An entry named like a snap's whose
instance name is not valid belongs to no snap, and is reported with its
size. Objects named like glibc's temporary semaphores, sem. and 6 letters or
digits, are reported with their owner unless an installed snap's slot
declares them (read from DIR/snap/NAME/current/meta/snap.yaml): the rule
for those names exposes them to every snap that has it and runs as their
owner. Other objects are not reported.

It follows no symlink but a snap's "current", to a revision beside it: a
symlinked DIR/dev or DIR/dev/shm is itself a finding. Paths are printed quoted. With nothing to report, one line says
what was inspected.`,
	exits: `0  no findings
1  findings
2  the command could not run`,
	example: `snap-iface shm-audit
snap-iface shm-audit --root /mnt/image --snaps firefox,ros2-talker`,
	flags: func() *flag.FlagSet { return auditFlags(new(auditOptions)) },
	run:   runAudit,
}

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
