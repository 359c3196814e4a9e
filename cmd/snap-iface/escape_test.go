package main

import (
	"bytes"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
)

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"plain é 日本 \ufffd":    "plain é 日本 \ufffd",
		"tab\tkept":            "tab\tkept",
		"a\nb\r\x00\x1b[2J":    `a\nb\r\x00\x1b[2J`,
		"\x7f\u0085":           `\x7f\u0085`,
		"line\u2028para\u2029": `line\u2028para\u2029`,
		"bad\xffbyte\xc3":      `bad\xffbyte\xc3`,
		`already \n escaped`:   `already \n escaped`,
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
		if got := printable(want); got != want {
			t.Errorf("printable(%q) = %q: not printable yet", want, got)
		}
	}
}

// A raw control character reaches the terminal from no write, whatever
// its source; the newlines between lines stay.
func TestLineCutterEscapes(t *testing.T) {
	var out bytes.Buffer
	c := &lineCutter{w: &out}
	for _, piece := range []string{"reserved char from ?[]{}^\"\x00\n", "\x1b]0;title\x07", "\r\n"} {
		if _, err := c.Write([]byte(piece)); err != nil {
			t.Fatal(err)
		}
	}
	if want := "reserved char from ?[]{}^\"\\x00\n\\x1b]0;title\\a\\r\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

// forged starts the line that a value tries to print of its own.
const forged = "FORGED: connected automatically"

// checkNoForgedLine fails when output has a line that starts with forged,
// or a control character other than newline and tab.
func checkNoForgedLine(t *testing.T, args []string, output string) {
	t.Helper()
	for _, line := range strings.Split(output, "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, " "), forged) {
			t.Errorf("%q: forged line %q in:\n%s", args, line, output)
		}
		if printable(line) != line {
			t.Errorf("%q: line %q holds a control character", args, line)
		}
	}
}

// Values holding newlines and control characters, from snap.yaml, file
// names, flags and kernel logs, and snapd's own messages with a raw NUL,
// print within their line.
func TestNoForgedLines(t *testing.T) {
	evil := "name: evil\nversion: 1\napps:\n  app: {command: bin/app, slots: [ids, names]}\nslots:\n" +
		"  ids: {interface: shared-memory, shared-memory: [\"x\\n" + forged + "\"]}\n" +
		"  names: {interface: shared-memory, write: [\"a\\0\", \"b\\n" + forged + "\"]}\n"
	consumer := "name: consumer\nversion: 1\napps:\n  app: {command: bin/app, plugs: [shm]}\nplugs:\n  shm: {interface: shared-memory}\n"
	provider := "name: provider\nversion: 1\napps:\n  app: {command: bin/app, slots: [shm]}\nslots:\n  shm: {interface: shared-memory, write: [a]}\n"
	name := hex.EncodeToString([]byte("/dev/shm/x\n" + forged))
	log := `audit: type=1400 audit(1764756041.021:112): apparmor="DENIED" operation="open" class="file" profile="snap.provider.app" name=` + name + ` pid=2211 comm="app" requested_mask="r" denied_mask="r" fsuid=1000 ouid=1000` + "\n"
	dir := writeFiles(t, map[string]string{
		"evil.yaml":                       evil,
		"consumer.yaml":                   consumer,
		"provider.yaml":                   provider,
		"x\n" + forged + "/consumer.yaml": consumer,
		"denials.log":                     log,
	})
	for _, args := range [][]string{
		{"lint", "evil.yaml", "consumer.yaml"},
		{"connect", "consumer.yaml", "evil.yaml:ids"},
		{"connect", "consumer.yaml", "evil.yaml:names"},
		{"connect", filepath.Join("x\n"+forged, "consumer.yaml"), "provider.yaml"},
		{"connect", "--plug-publisher", "x\n" + forged, "--slot-publisher", "acme", "consumer.yaml", "provider.yaml"},
		{"lint", "x\n" + forged + ".yaml"},
		{"suggest", "denials.log"},
	} {
		r := runIn(t, dir, args...)
		if r.stdout == "" && r.stderr == "" {
			t.Errorf("%q: no output", args)
		}
		checkNoForgedLine(t, args, r.stdout)
		checkNoForgedLine(t, args, r.stderr)
	}
	// snapd's message keeps its raw NUL in the library, and prints escaped;
	// the set before it ends with the backslash.
	r := runIn(t, dir, "lint", "evil.yaml")
	if !strings.Contains(r.stdout, `reserved apparmor char from ?[]{}^"\\x00`) {
		t.Errorf("lint: no escaped NUL in:\n%s", r.stdout)
	}
}
