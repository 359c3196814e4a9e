// Command snap-iface previews, lints and audits shared-memory declarations.
//
//	snap-iface connect [FLAGS] PLUG_SNAP[:PLUG] SLOT_SNAP[:SLOT]
//	snap-iface lint SNAP...
//	snap-iface shm-audit [--root DIR] [--snaps NAME,...]
//	snap-iface suggest [--json] [--exact] [--check] [--pair SNAP,SNAP] [LOG...]
//
// connect shows what snapd would decide and generate for one connection:
// the verdict of the sanitizer, of the policy engine and the security rules
// of both sides. lint reports what a store reviewer would object to. shm-audit
// inspects a host's /dev/shm for unsafe private directories and memory left
// behind by removed snaps. "snap-iface help COMMAND" describes each.
//
// Exit status: 0 when all is well, 1 when there are findings, 2 when the
// command could not run.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// command is one snap-iface command and its help.
type command struct {
	name, synopsis string
	// about says what it does; exits what each exit status means.
	about, exits, example string
	// flags returns the command's flags, for help; nil when it has none.
	flags func() *flag.FlagSet
	run   func(args []string, stdout io.Writer) (int, error)
}

// commands are snap-iface's commands, in the order help lists them.
var commands = []command{connectCommand, lintCommand, auditCommand, suggestCommand}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// warningOutput is where the commands print what they could not take into
// account, one line each.
var warningOutput io.Writer = os.Stderr

// run executes one command and returns its exit status. Any error that
// stops the command is printed as one line on stderr. Lines of text are
// made printable and cut at maxLineSize.
func run(args []string, stdout, stderr io.Writer) int {
	stdout, stderr = &lineCutter{w: stdout}, &lineCutter{w: stderr}
	warningOutput = stderr
	if len(args) == 0 {
		fmt.Fprintln(stderr, "snap-iface: missing command: want connect, lint, shm-audit or suggest (see snap-iface help)")
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if cmd := findCommand(args[1]); cmd != nil {
				writeCommandHelp(stdout, cmd)
				return exitOK
			}
		}
		writeUsage(stdout)
		return exitOK
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, version())
		return exitOK
	}
	cmd := findCommand(args[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "snap-iface: unknown command %q: want connect, lint, shm-audit or suggest\n", args[0])
		return exitUsage
	}
	status, err := cmd.run(args[1:], stdout)
	if errors.Is(err, flag.ErrHelp) {
		writeCommandHelp(stdout, cmd)
		return exitOK
	}
	if err != nil {
		printf(stderr, "snap-iface: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
		return exitUsage
	}
	return status
}

func findCommand(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func writeUsage(w io.Writer) {
	fmt.Fprintf(w, "usage:\n")
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %s\n", cmd.synopsis)
	}
	fmt.Fprintf(w, "  snap-iface --version\n\nsnap-iface help COMMAND describes a command.\n")
}

func writeCommandHelp(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", cmd.synopsis, cmd.about)
	if cmd.flags != nil {
		fmt.Fprintf(w, "\nFlags:\n")
		fs := cmd.flags()
		fs.SetOutput(w)
		fs.PrintDefaults()
	}
	fmt.Fprintf(w, "\nExit status:\n%s\n\nExample:\n%s\n", indent(cmd.exits), indent(cmd.example))
}

func indent(text string) string {
	return "  " + strings.ReplaceAll(text, "\n", "\n  ")
}

// buildVersion is the commit snap-iface was built from, as make install
// stamps it; when empty, the version is the module's.
var buildVersion string

// version names the module version, the commit it was built from when
// known, and the snapd it was built against.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "snap-iface (unknown version)"
	}
	v := "snap-iface " + buildVersion
	if buildVersion == "" {
		v += info.Main.Version
		for _, setting := range info.Settings {
			if setting.Key == "vcs.revision" {
				v += " " + setting.Value
			}
		}
	}
	for _, dep := range info.Deps {
		if dep.Path == "github.com/snapcore/snapd" {
			v += ", snapd " + dep.Version
		}
	}
	return v + ", " + info.GoVersion
}

// warn prints one warning line.
func warn(format string, args ...interface{}) {
	printf(warningOutput, "snap-iface: warning: %s\n", fmt.Sprintf(format, args...))
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

// maxLineSize is the most of one line of text that a command prints, so
// that a huge value in its input is not echoed in full.
const maxLineSize = 1000

// printable returns s with each control character but tab, each line or
// paragraph separator and each byte that is not UTF-8 written as a Go
// escape ("\n", "\x00", "\u2028", "\xff"), so that it prints as one line
// and cannot move the terminal's cursor. Printable text comes back as it
// is.
func printable(s string) string {
	var b strings.Builder
	escaped := false
	for i, r := range s {
		var escape string
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], string(utf8.RuneError)):
			escape = fmt.Sprintf(`\x%02x`, s[i])
		case r != '\t' && (unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp)):
			quoted := strconv.QuoteRuneToASCII(r)
			escape = quoted[1 : len(quoted)-1]
		}
		switch {
		case escape != "" && !escaped:
			b.WriteString(s[:i])
			escaped = true
			fallthrough
		case escape != "":
			b.WriteString(escape)
		case escaped:
			b.WriteRune(r)
		}
	}
	if !escaped {
		return s
	}
	return b.String()
}

// printf writes a message as fmt.Fprintf does, with each string, error and
// Stringer argument made printable: whatever a value holds, it cannot start
// a line of its own.
func printf(w io.Writer, format string, args ...interface{}) {
	for i, arg := range args {
		switch v := arg.(type) {
		case string:
			args[i] = printable(v)
		case error:
			args[i] = printable(v.Error())
		case fmt.Stringer:
			args[i] = printable(v.String())
		}
	}
	fmt.Fprintf(w, format, args...)
}

// lineCutter writes to w, making each line printable and cutting it at
// maxLineSize bytes.
type lineCutter struct {
	w io.Writer
	// size counts the bytes of the current line so far.
	size int
}

func (c *lineCutter) Write(p []byte) (int, error) {
	for rest := p; len(rest) > 0; {
		raw, tail, newline := bytes.Cut(rest, []byte("\n"))
		line := []byte(printable(string(raw)))
		keep := line[:min(len(line), max(maxLineSize-c.size, 0))]
		for len(keep) > 0 && !utf8.Valid(keep) {
			keep = keep[:len(keep)-1]
		}
		out := append([]byte(nil), keep...)
		if c.size <= maxLineSize && c.size+len(line) > maxLineSize {
			out = append(out, fmt.Sprintf("… [cut at %d bytes]", maxLineSize)...)
		}
		c.size += len(line)
		if newline {
			out = append(out, '\n')
			c.size = 0
		}
		if _, err := c.w.Write(out); err != nil {
			return 0, err
		}
		rest = tail
	}
	return len(p), nil
}

// uncut returns the writer behind a lineCutter, for output such as JSON
// that must not be cut.
func uncut(w io.Writer) io.Writer {
	if c, ok := w.(*lineCutter); ok {
		return c.w
	}
	return w
}

// writeJSON prints v as an indented JSON document, never cut.
func writeJSON(w io.Writer, v interface{}) error {
	enc := json.NewEncoder(uncut(w))
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("cannot encode the document: %v", err)
	}
	return nil
}
