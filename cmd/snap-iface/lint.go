package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/snapd-shm/snapd-shm/interfaces/review"
)

// runLint reviews the files it can read, then reports those it cannot.
func runLint(args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	args, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(args) == 0 {
		return 0, fmt.Errorf("lint: want at least one SNAP_YAML argument")
	}
	var snaps []review.Snap
	var loadErrs []error
	for _, path := range args {
		s, err := loadSnap(path)
		if err != nil {
			loadErrs = append(loadErrs, err)
			continue
		}
		snaps = append(snaps, review.Snap{Label: s.Path, Info: s.Declared, BadInterfaces: s.Installed.BadInterfaces})
	}
	findings, err := review.Snaps(snaps)
	if err != nil {
		return 0, err
	}
	for _, f := range findings {
		printf(stdout, "%s\n", f)
	}
	if len(findings) == 0 && len(snaps) > 0 {
		fmt.Fprintf(stdout, "no findings in %s\n", count(len(snaps), "file", "files"))
	}
	if err := errors.Join(loadErrs...); err != nil {
		return 0, err
	}
	if len(findings) > 0 {
		return exitFindings, nil
	}
	return exitOK, nil
}
