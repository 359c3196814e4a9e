package main

import (
	"errors"
	"flag"
	"io"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/suggest"
)

// suggestCommand is "snap-iface suggest" and its help.
var suggestCommand = command{
	name:     "suggest",
	synopsis: "snap-iface suggest [--json] [--exact] [--check] [--pair SNAP,SNAP] [LOG...]",
	about: `Reads kernel log text (dmesg, journalctl -k, syslog, audit.log; stdin when no
LOG is given), prints the shared-memory plugs, slots and snap connect commands
that allow snap apps' AppArmor denials in /dev/shm, checked by the sanitizer
and lint: the fewest patterns, or a private /dev/shm for a snap that shares none.`,
	exits: `0  every denial is covered, and with --check the profiles compile
1  a name cannot be declared, lint warns about a suggestion, or apparmor_parser rejects a profile
2  the command could not run`,
	example: `journalctl -k | snap-iface suggest
snap-iface suggest --json /var/log/audit/audit.log`,
	flags: func() *flag.FlagSet { return suggestFlags(new(bool), new(suggest.Options)) },
	run:   runSuggest,
}

func suggestFlags(json *bool, opts *suggest.Options) *flag.FlagSet {
	fs := flag.NewFlagSet("suggest", flag.ContinueOnError)
	fs.BoolVar(json, "json", false, "print a JSON document")
	fs.BoolVar(&opts.Exact, "exact", false, "list the names as seen, rather than patterns")
	fs.BoolVar(&opts.Check, "check", false, "compile the snaps' profiles with the suggestions with apparmor_parser")
	fs.Func("pair", "connect the `snaps` though the log shows neither touching an object the other created (repeatable)", func(value string) error {
		a, b, ok := strings.Cut(value, ",")
		if !ok || a == "" || b == "" || strings.Contains(b, ",") {
			return errors.New("want two snap names separated by a comma, such as camera,viewer")
		}
		opts.Pairs = append(opts.Pairs, [2]string{a, b})
		return nil
	})
	return fs
}

// runSuggest reads the logs, or standard input when none is given.
func runSuggest(args []string, stdout io.Writer) (int, error) {
	var asJSON bool
	var opts suggest.Options
	args, err := parseFlags(suggestFlags(&asJSON, &opts), args)
	if err != nil {
		return 0, err
	}
	log, err := suggest.ReadLogs(args)
	if err != nil {
		return 0, err
	}
	r, err := suggest.Suggest(log, opts)
	if err != nil {
		return 0, err
	}
	if asJSON {
		if err := writeJSON(stdout, r); err != nil {
			return 0, err
		}
	} else {
		for _, line := range r.Lines() {
			printf(stdout, "%s\n", line)
		}
	}
	if !r.OK() {
		return exitFindings, nil
	}
	return exitOK, nil
}
