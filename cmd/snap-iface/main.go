// Command snap-iface previews, lints and audits shared-memory declarations.
//
//	snap-iface connect [--json] [--check] [--plug-publisher ID] [--slot-publisher ID] PLUG_SNAP_YAML[:PLUG] SLOT_SNAP_YAML[:SLOT]
//	snap-iface lint SNAP_YAML...
//	snap-iface shm-audit [--root DIR] [--snaps NAME,...]
//
// connect shows what snapd would decide and generate for one connection:
// the verdict of the sanitizer, of the policy engine and the security rules
// of both sides. lint reports what a store reviewer would object to. shm-audit
// inspects a host's /dev/shm for unsafe private directories and memory left
// behind by removed snaps.
//
// Exit status: 0 when all is well, 1 when there are findings (invalid
// declarations, lint warnings, audit findings, a profile the parser
// rejects), 2 when the command could not run.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

const usage = `usage:
  snap-iface connect [--json] [--check] [--plug-publisher ID] [--slot-publisher ID] PLUG_SNAP_YAML[:PLUG] SLOT_SNAP_YAML[:SLOT]
  snap-iface lint SNAP_YAML...
  snap-iface shm-audit [--root DIR] [--snaps NAME,...]
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command and returns its exit status. Any error that
// stops the command is printed as one line on stderr.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "snap-iface: missing command: want connect, lint or shm-audit")
		return exitUsage
	}
	var status int
	var err error
	switch args[0] {
	case "connect":
		status, err = runConnect(args[1:], stdout)
	case "lint":
		status, err = runLint(args[1:], stdout)
	case "shm-audit":
		status, err = runAudit(args[1:], stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	default:
		err = fmt.Errorf("unknown command %q: want connect, lint or shm-audit", args[0])
	}
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "snap-iface: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		return exitUsage
	}
	return status
}

// parseFlags parses the flags of a command, which may come before, between
// or after its arguments, and returns the arguments. After "--" everything is
// an argument.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}
