package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/snapd-shm/snapd-shm/interfaces/review"
)

// lintCommand is "snap-iface lint" and its help.
var lintCommand = command{
	name:     "lint",
	synopsis: "snap-iface lint [--json] SNAP...",
	about: `Checks shared-memory plugs and slots as a store reviewer would, on the
attributes as written, and pairs plugs with the slots of the snaps given.
A snap is given as for connect.`,
	exits: `0  no findings
1  findings (errors or warnings)
2  the command could not run`,
	example: `snap-iface lint testdata/wildcard/consumer.yaml testdata/wildcard/provider.yaml`,
	flags:   func() *flag.FlagSet { return lintFlags(new(bool)) },
	run:     runLint,
}

func lintFlags(json *bool) *flag.FlagSet {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	fs.BoolVar(json, "json", false, "print a JSON document")
	return fs
}

// lintFinding is a finding as lint --json prints it.
type lintFinding struct {
	File      string          `json:"file"`
	Severity  review.Severity `json:"severity"`
	Check     review.Check    `json:"check"`
	Kind      string          `json:"kind,omitempty"`
	Name      string          `json:"name,omitempty"`
	Attribute string          `json:"attribute,omitempty"`
	Value     interface{}     `json:"value,omitempty"`
	Message   string          `json:"message"`
	Text      string          `json:"text"`
}

// runLint reviews the files it can read, then reports those it cannot.
func runLint(args []string, stdout io.Writer) (int, error) {
	var asJSON bool
	args, err := parseFlags(lintFlags(&asJSON), args)
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
		snaps = append(snaps, review.Snap{Label: s.Path, Info: s.Declared, BadInterfaces: s.Installed.BadInterfaces, YAML: s.YAML})
	}
	findings, err := review.Snaps(snaps)
	if err != nil {
		return 0, err
	}
	if asJSON {
		doc := struct {
			Findings []lintFinding `json:"findings"`
		}{[]lintFinding{}}
		for _, f := range findings {
			doc.Findings = append(doc.Findings, lintFinding{f.Label, f.Severity(), f.Check, f.Kind, f.Name, f.Attr, f.Value, f.Message, f.String()})
		}
		if err := writeJSON(stdout, doc); err != nil {
			return 0, err
		}
	} else {
		for _, f := range findings {
			printf(stdout, "%s\n", f)
		}
		if len(findings) == 0 && len(snaps) > 0 {
			fmt.Fprintf(stdout, "no findings in %s\n", count(len(snaps), "file", "files"))
		}
	}
	if err := errors.Join(loadErrs...); err != nil {
		return 0, err
	}
	if len(findings) > 0 {
		return exitFindings, nil
	}
	return exitOK, nil
}
