package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/snapd-shm/snapd-shm/snap/snapyaml"
)

// binary is the snap-iface command built once for the whole test run.
var binary string

// moduleRoot is where the examples' paths start, as in the Makefile.
var moduleRoot string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "snap-iface-test-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot make a directory for the binary: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "snap-iface")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout = os.Stderr
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "cannot build snap-iface: %v\n", err)
		return 1
	}
	if moduleRoot, err = filepath.Abs("../.."); err != nil {
		fmt.Fprintf(os.Stderr, "cannot find the module root: %v\n", err)
		return 1
	}
	return m.Run()
}

// result is what a user sees from one run of snap-iface.
type result struct {
	stdout, stderr string
	status         int
}

// runIn runs snap-iface with args in dir.
func runIn(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	status := 0
	switch {
	case errors.As(err, &exitErr):
		status = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("cannot run snap-iface %q: %v", args, err)
	}
	return result{stdout.String(), stderr.String(), status}
}

// writeFiles writes each path to its content under a new temporary
// directory, and returns the directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for path, content := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(path)), 0755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, path), []byte(content), 0644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestBadInput(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"invalid.yaml": "name: [\n",
		"noname.yaml":  "version: 1\n",
		"two-plugs.yaml": `name: two-plugs
version: 1
plugs:
  first: {interface: shared-memory}
  second: {interface: shared-memory}
  files: home
`,
		"no-shm.yaml": "name: no-shm\nversion: 1\nplugs:\n  files: home\n",
		"same-name.yaml": `name: same-name
version: 1
plugs:
  ipc: {interface: shared-memory}
slots:
  ipc: {interface: shared-memory, write: [a]}
`,
		"provider-copy.yaml": "name: provider\nversion: 2\nslots:\n  shmem: {interface: shared-memory, write: [b]}\n",
		"huge.yaml":          "name: huge\nversion: 1\ndescription: " + strings.Repeat("x", snapyaml.MaxSize) + "\n",
		"aliases.yaml": "name: aliases\nversion: 1\nsummary: &a " + strings.Repeat("x", 100000) +
			"\nplugs:\n  shm: {interface: shared-memory, write: [" + strings.TrimSuffix(strings.Repeat("*a, ", 1000), ", ") + "]}\n",
		"project/snap/snapcraft.yaml": "name: project\nversion: '1'\nplugs:\n  first: {interface: shared-memory}\n  second: {interface: shared-memory}\nparts: {}\n",
		"pipe/keep":                   "",
		"dup/snapcraft.yaml":          "name: dup\nversion: '1'\nplugs:\n  a: {interface: shared-memory}\nplugs:\n  b: {interface: shared-memory}\nparts: {}\n",
		"provider.yaml": `name: provider
version: 1
slots:
  shmem: {interface: shared-memory, write: [a]}
  other: {interface: content}
`,
	})
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe", "snap.yaml"), 0644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "missing command"},
		{[]string{"frob"}, `unknown command "frob"`},
		{[]string{"connect", "provider.yaml"}, "connect: want 2 arguments"},
		{[]string{"connect", "two-plugs.yaml:first", "provider.yaml", "provider.yaml"}, "connect: want 2 arguments"},
		{[]string{"connect", "missing.yaml", "provider.yaml"}, "cannot read snap.yaml: open missing.yaml: no such file or directory"},
		{[]string{"connect", "invalid.yaml", "provider.yaml"}, "invalid.yaml: cannot parse snap.yaml: yaml: line 1"},
		{[]string{"connect", "noname.yaml", "provider.yaml"}, `noname.yaml: snapd would refuse to install snap "": snap name cannot be empty`},
		{[]string{"connect", "two-plugs.yaml:missing", "provider.yaml"}, `snap "two-plugs" (two-plugs.yaml) has no plug "missing"`},
		{[]string{"connect", "two-plugs.yaml", "provider.yaml"}, `snap "two-plugs" (two-plugs.yaml) has 2 shared-memory plugs (first, second): name one as two-plugs.yaml:PLUG`},
		{[]string{"connect", "two-plugs.yaml:files", "provider.yaml"}, `plug "files" of snap "two-plugs" (two-plugs.yaml) has interface "home", not shared-memory`},
		{[]string{"connect", "no-shm.yaml", "provider.yaml"}, `snap "no-shm" (no-shm.yaml) has no shared-memory plug`},
		{[]string{"connect", "provider-copy.yaml", "provider.yaml"}, `snap-iface: provider-copy.yaml and provider.yaml both declare snap "provider": give one file for a snap on both sides, or an instance key to preview two installs`},
		{[]string{"connect", "two-plugs.yaml:first", "provider.yaml:missing"}, `snap "provider" (provider.yaml) has no slot "missing"`},
		{[]string{"connect", "two-plugs.yaml:first", "provider.yaml:other"}, `slot "other" of snap "provider" (provider.yaml) has interface "content", not shared-memory`},
		{[]string{"connect", "two-plugs.yaml:first", "no-shm.yaml"}, `snap "no-shm" (no-shm.yaml) has no shared-memory slot`},
		{[]string{"connect", "--bogus", "two-plugs.yaml:first", "provider.yaml"}, "connect: flag provided but not defined: -bogus"},
		{[]string{"connect", "--plug-publisher", "pub.lisher", "two-plugs.yaml:first", "provider.yaml"}, `--plug-publisher: cannot make snap declaration: invalid name "pub.lisher"`},
		{[]string{"connect", "two-plugs.yaml:first", "provider.yaml", "--slot-publisher", ""}, ""},
		{[]string{"lint"}, "lint: want at least one SNAP_YAML argument"},
		{[]string{"lint", "--strict", "provider.yaml"}, "lint: flag provided but not defined: -strict"},
		{[]string{"lint", "missing.yaml"}, "cannot read snap.yaml: open missing.yaml: no such file or directory"},
		{[]string{"lint", "invalid.yaml"}, "invalid.yaml: cannot parse snap.yaml"},
		{[]string{"shm-audit", "extra"}, `shm-audit: want no arguments, got "extra"`},
		{[]string{"shm-audit", "--snaps", "good,Bad"}, `shm-audit: --snaps: invalid snap name: "Bad"`},
		{[]string{"shm-audit", "--root", "missing-root"}, `cannot inspect shared memory: cannot open root "missing-root": no such file or directory`},
		{[]string{"shm-audit", "--snaps", ""}, "shm-audit: --snaps is empty: name the installed snap instances, or leave it out to read them from /snap"},
		{[]string{"connect", "/dev/zero", "provider.yaml"}, "cannot read /dev/zero: not a regular file"},
		{[]string{"connect", "huge.yaml", "provider.yaml"}, "cannot read huge.yaml: larger than 1048576 bytes (1 MiB)"},
		{[]string{"lint", "/dev/zero"}, "cannot read /dev/zero: not a regular file"},
		{[]string{"connect", ".", "provider.yaml"}, `cannot find a snap in directory ".": it has none of snapcraft.yaml, snap/snapcraft.yaml, build-aux/snap/snapcraft.yaml, .snapcraft.yaml, meta/snap.yaml, snap.yaml`},
		{[]string{"connect", "same-name.yaml", "provider.yaml"}, `same-name.yaml: snapd would refuse to install snap "same-name": cannot have plug and slot with the same name: "ipc"`},
		{[]string{"connect", "two-plugs.yaml:first", "provider.yaml", "--slot-instance-key", "Bad"}, `--slot-instance-key: cannot use instance key "Bad"`},
		{[]string{"connect", "--slot-granted", "two-plugs.yaml:first", "provider.yaml"}, "connect: --slot-granted needs --slot-publisher"},
		{[]string{"connect", "two-plugs.yaml:first", "system:other"}, `snap "snapd" (system) has no slot "other"`},
		{[]string{"shm-audit", "--roots", "/"}, "shm-audit: flag provided but not defined: -roots"},
		{[]string{"connect", "aliases.yaml", "provider.yaml"}, "aliases.yaml: expands to more than 1048576 bytes (1 MiB) through its aliases"},
		{[]string{"lint", "aliases.yaml"}, "aliases.yaml: expands to more than 1048576 bytes (1 MiB) through its aliases"},
		{[]string{"connect", "pipe", "provider.yaml"}, "cannot read pipe/snap.yaml: not a regular file"},
		{[]string{"lint", "pipe/snap.yaml"}, "cannot read pipe/snap.yaml: not a regular file"},
		{[]string{"lint", "dup"}, `dup/snapcraft.yaml: found duplicate key "plugs"`},
		{[]string{"connect", "dup", "provider.yaml"}, `dup/snapcraft.yaml: found duplicate key "plugs"`},
		{[]string{"connect", "project", "provider.yaml"}, `snap "project" (project/snap/snapcraft.yaml) has 2 shared-memory plugs (first, second): name one as project:PLUG`},
	} {
		if tc.want == "" {
			// An empty publisher means no snap declaration: not bad input.
			if r := runIn(t, dir, tc.args...); r.status != exitOK {
				t.Errorf("snap-iface %q: status %d, want 0; stderr %q", tc.args, r.status, r.stderr)
			}
			continue
		}
		r := runIn(t, dir, tc.args...)
		if r.status != exitUsage {
			t.Errorf("snap-iface %q: status %d, want %d", tc.args, r.status, exitUsage)
		}
		if r.stdout != "" {
			t.Errorf("snap-iface %q: printed on stdout: %q", tc.args, r.stdout)
		}
		lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
		if len(lines) != 1 || !strings.HasSuffix(r.stderr, "\n") {
			t.Errorf("snap-iface %q: want one line on stderr, got %q", tc.args, r.stderr)
		}
		if !strings.HasPrefix(r.stderr, "snap-iface: ") || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("snap-iface %q: stderr %q, want \"snap-iface: ...%s...\"", tc.args, r.stderr, tc.want)
		}
		for _, trace := range []string{"goroutine", "panic"} {
			if strings.Contains(r.stderr, trace) {
				t.Errorf("snap-iface %q: stderr holds %q: %s", tc.args, trace, r.stderr)
			}
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}} {
		r := runIn(t, moduleRoot, args...)
		if r.status != exitOK || !strings.HasPrefix(r.stdout, "usage:\n") || r.stderr != "" {
			t.Errorf("snap-iface %q: status %d, stdout %q, stderr %q; want usage on stdout", args, r.status, r.stdout, r.stderr)
		}
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"connect", "-h"}, []string{"usage: snap-iface connect ", "\nFlags:\n", "  -slot-granted\n", "\nExit status:\n  0  ", "\nExample:\n  snap-iface connect "}},
		{[]string{"help", "connect"}, []string{"usage: snap-iface connect ", "  -plug-instance-key KEY\n"}},
		{[]string{"lint", "--help"}, []string{"usage: snap-iface lint ", "\nExit status:\n", "\nExample:\n  snap-iface lint "}},
		{[]string{"suggest", "--help"}, []string{"usage: snap-iface suggest ", "  -exact\n", "\nExit status:\n", "\nExample:\n  journalctl -k | snap-iface suggest"}},
		{[]string{"shm-audit", "--help"}, []string{"usage: snap-iface shm-audit ", "  -root DIR\n", "\nExit status:\n", "\nExample:\n  snap-iface shm-audit", "installed when DIR/snap/NAME/current exists", "Other objects are not reported."}},
	} {
		r := runIn(t, moduleRoot, tc.args...)
		if r.status != exitOK || r.stderr != "" {
			t.Errorf("snap-iface %q: status %d, stderr %q", tc.args, r.status, r.stderr)
		}
		for _, want := range tc.want {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("snap-iface %q: help lacks %q:\n%s", tc.args, want, r.stdout)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	r := runIn(t, moduleRoot, "--version")
	if r.status != exitOK || !strings.HasPrefix(r.stdout, "snap-iface ") || !strings.Contains(r.stdout, ", snapd v0.0.0-20240725183026-98a40cf5b5f2, go1.") {
		t.Errorf("status %d, stdout %q; want the version, snapd's and Go's", r.status, r.stdout)
	}
}

// A huge value is not echoed in full in text, and stays whole in JSON.
func TestLongLinesAreCut(t *testing.T) {
	name := strings.Repeat("é", 3000)
	dir := writeFiles(t, map[string]string{
		"big.yaml":      "name: big\nversion: 1\nslots:\n  s: {interface: shared-memory, write: [" + name + "]}\n",
		"consumer.yaml": "name: consumer\nversion: 1\nplugs:\n  s: {interface: shared-memory}\n",
	})
	for _, args := range [][]string{{"lint", "big.yaml"}, {"connect", "consumer.yaml", "big.yaml"}} {
		r := runIn(t, dir, args...)
		if !strings.Contains(r.stdout, "… [cut at 1000 bytes]\n") {
			t.Errorf("%q: no line cut:\n%.300s", args, r.stdout)
		}
		for _, line := range strings.Split(r.stdout, "\n") {
			if len(line) > maxLineSize+len("… [cut at 1000 bytes]") || !utf8.ValidString(line) {
				t.Errorf("%q: line of %d bytes, valid UTF-8 %v", args, len(line), utf8.ValidString(line))
			}
		}
	}
	report := connectJSON(t, dir, exitFindings, "consumer.yaml", "big.yaml")
	if len(report.Slot.Errors) != 1 || !strings.Contains(report.Slot.Errors[0].Error, name) {
		t.Errorf("JSON errors %.300v, want the whole name", report.Slot.Errors)
	}
}

// Lines are cut however the writes split them.
func TestLineCutter(t *testing.T) {
	var out bytes.Buffer
	c := &lineCutter{w: &out}
	long := strings.Repeat("x", maxLineSize+10)
	for _, piece := range []string{"short\n", long[:600], long[600:], "\nnext", " line\n"} {
		if n, err := c.Write([]byte(piece)); err != nil || n != len(piece) {
			t.Fatalf("Write(%d bytes) = %d, %v", len(piece), n, err)
		}
	}
	want := "short\n" + long[:maxLineSize] + "… [cut at 1000 bytes]\nnext line\n"
	if out.String() != want {
		t.Errorf("got %q", out.String())
	}
}
