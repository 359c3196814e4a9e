package main

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// memoryLimit is the ulimit -v (KiB) under which a snap-iface built with
// cgo cannot start: runtime/cgo's pthread_create fails.
const memoryLimit = "1500000"

// The snap-iface that make install builds is static and stamped with its
// commit, and every command runs under a memory limit.
func TestStaticBinary(t *testing.T) {
	gobin := t.TempDir()
	if out, err := exec.Command("make", "-s", "-C", moduleRoot, "install", "GOBIN="+gobin).CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	bin := filepath.Join(gobin, "snap-iface")

	exe, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer exe.Close()
	for _, prog := range exe.Progs {
		if prog.Type == elf.PT_INTERP {
			t.Errorf("%s has a program interpreter: it is linked dynamically", bin)
		}
	}
	if libs, err := exe.ImportedLibraries(); err != nil || len(libs) != 0 {
		t.Errorf("%s needs shared libraries %q (%v)", bin, libs, err)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
		t.Errorf("built with CGO_ENABLED=%q -trimpath=%q, want 0 and true", settings["CGO_ENABLED"], settings["-trimpath"])
	}

	commit, err := exec.Command("git", "-C", moduleRoot, "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse: %v", err)
	}
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "dev/shm"), 0755); err != nil {
		t.Fatal(err)
	}
	reference := []string{"testdata/reference/consumer.yaml", "testdata/reference/provider.yaml"}
	for _, tc := range []struct {
		args   []string
		status int
		want   string
	}{
		{append([]string{"connect"}, reference...), exitOK, "\nRules granted once connected:\n"},
		{append([]string{"lint"}, reference...), exitOK, "no findings in 2 files\n"},
		{[]string{"lint", "/dev/zero"}, exitUsage, "snap-iface: cannot read /dev/zero: not a regular file"},
		{[]string{"shm-audit", "--root", root, "--snaps", "good"}, exitOK, `no findings in "` + root + `/dev/shm" (0 snap entries, 1 installed snap)`},
		{[]string{"--version"}, exitOK, "snap-iface " + strings.TrimSpace(string(commit))},
		{[]string{"--version"}, exitOK, ", snapd v0.0.0-20240725183026-98a40cf5b5f2, go1."},
		{[]string{"help"}, exitOK, "usage:\n  snap-iface connect "},
	} {
		cmd := exec.Command("/bin/sh", append([]string{"-c", `ulimit -v ` + memoryLimit + ` && exec "$0" "$@"`, bin}, tc.args...)...)
		cmd.Dir = moduleRoot
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		status := 0
		var exitErr *exec.ExitError
		if err := cmd.Run(); errors.As(err, &exitErr) {
			status = exitErr.ExitCode()
		} else if err != nil {
			t.Fatalf("cannot run %q: %v", tc.args, err)
		}
		if status != tc.status || !strings.Contains(stdout.String()+stderr.String(), tc.want) {
			t.Errorf("ulimit -v %s; snap-iface %q: status %d, stdout %q, stderr %q; want %d and %q", memoryLimit, tc.args, status, stdout.String(), stderr.String(), tc.status, tc.want)
		}
	}
}

// No build output is committed: no file in git is an executable, and what
// go build ./cmd/snap-iface leaves at the top is ignored.
func TestNoBuildOutputCommitted(t *testing.T) {
	files, err := exec.Command("git", "-C", moduleRoot, "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files (this test needs git and a git checkout; apt-get install git): %v", err)
	}
	for _, file := range strings.Split(strings.TrimRight(string(files), "\x00"), "\x00") {
		f, err := os.Open(filepath.Join(moduleRoot, file))
		if err != nil {
			continue // deleted in the work tree
		}
		magic := make([]byte, 4)
		n, _ := f.Read(magic)
		f.Close()
		if bytes.Equal(magic[:n], []byte("\x7fELF")) {
			t.Errorf("%s is an executable committed to git: remove it, and let .gitignore keep it out", file)
		}
	}
	for _, output := range []string{"snap-iface", "cmd/snap-iface/snap-iface.test"} {
		if err := exec.Command("git", "-C", moduleRoot, "check-ignore", "-q", output).Run(); err != nil {
			t.Errorf("git does not ignore the build output %s (%v): add it to .gitignore", output, err)
		}
	}
}

// make run builds snap-iface once for all its examples.
func TestMakeRunBuildsOnce(t *testing.T) {
	out, err := exec.Command("make", "-n", "-C", moduleRoot, "run").Output()
	if err != nil {
		t.Fatalf("make -n run: %v", err)
	}
	recipe := string(out)
	if builds := strings.Count(recipe, "go build"); builds != 1 || strings.Contains(recipe, "go run") {
		t.Errorf("make run builds snap-iface %d times, with go run: %v; want one go build:\n%s", builds, strings.Contains(recipe, "go run"), recipe)
	}
}
