package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/shmaudit"
)

// mockRoot makes a host root whose /dev/shm holds an installed snap's
// private directory with a bad mode and a semaphore a removed snap left
// behind, and returns the root.
func mockRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	shm := filepath.Join(root, "dev/shm")
	for _, dir := range []string{shm, filepath.Join(shm, "snap.open")} {
		if err := os.MkdirAll(dir, 0755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(shm, os.ModeSticky|0777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shm, "sem.snap.gone.lock"), make([]byte, 32), 0644); err != nil {
		t.Fatal(err)
	}
	return root
}

// wantFindings is what the library finds in root, one line each.
func wantFindings(t *testing.T, root string, installed map[string]bool) string {
	t.Helper()
	r, err := shmaudit.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	report, err := r.Audit(installed)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, f := range report.Findings {
		text.WriteString(f.String() + "\n")
	}
	return text.String()
}

// shm-audit prints the library's findings, whether the installed snaps are
// given or read from the root, and exits 1.
func TestShmAudit(t *testing.T) {
	root := mockRoot(t)
	want := wantFindings(t, root, map[string]bool{"open": true})
	if !strings.Contains(want, `/dev/shm/snap.open": private directory has mode`) || !strings.Contains(want, `/dev/shm/sem.snap.gone.lock": left behind: no installed snap "gone"`) {
		t.Fatalf("the mock root does not give the findings this test is about:\n%s", want)
	}
	r := runIn(t, moduleRoot, "shm-audit", "--root", root, "--snaps", "open")
	if r.status != exitFindings || r.stdout != want || r.stderr != "" {
		t.Errorf("--snaps open: status %d, stdout %q, stderr %q; want %d, %q", r.status, r.stdout, r.stderr, exitFindings, want)
	}
	for _, dir := range []string{"snap/open/x1", "snap/gone"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("x1", filepath.Join(root, "snap/open/current")); err != nil {
		t.Fatal(err)
	}
	r = runIn(t, moduleRoot, "shm-audit", "--root", root)
	if r.status != exitFindings || r.stdout != want || r.stderr != "" {
		t.Errorf("installed snaps read from the root: status %d, stdout %q, stderr %q; want %d, %q", r.status, r.stdout, r.stderr, exitFindings, want)
	}
}

// With nothing to report, shm-audit says what it inspected, and exits 0.
func TestShmAuditClean(t *testing.T) {
	root := t.TempDir()
	shm := filepath.Join(root, "dev/shm")
	for _, dir := range []string{shm, filepath.Join(shm, "snap.good")} {
		if err := os.MkdirAll(dir, 0755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, os.ModeSticky|0777); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"snap.good.frames", "other"} {
		if err := os.WriteFile(filepath.Join(shm, name), nil, 0644); err != nil {
			t.Fatal(err)
		}
	}
	inspected := `no findings in "` + shm + `" `
	r := runIn(t, moduleRoot, "shm-audit", "--root", root, "--snaps", "good")
	if want := inspected + "(2 snap entries, 1 installed snap)\n"; r.status != exitOK || r.stdout != want || r.stderr != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want %d, %q", r.status, r.stdout, r.stderr, exitOK, want)
	}
	// Without ROOT/snap, nothing is known to be left behind: say so.
	r = runIn(t, moduleRoot, "shm-audit", "--root", root)
	warning := "snap-iface: warning: no " + filepath.Join(root, "snap") + ": cannot tell which snaps are installed"
	if want := inspected + "(2 snap entries, installed snaps unknown)\n"; r.status != exitOK || r.stdout != want || !strings.HasPrefix(r.stderr, warning) {
		t.Errorf("status %d, stdout %q, stderr %q; want %d, %q and a warning %q", r.status, r.stdout, r.stderr, exitOK, want, warning)
	}
	for _, name := range []string{"good", "other"} {
		if err := os.MkdirAll(filepath.Join(root, "snap", name, "x1"), 0755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("x1", filepath.Join(root, "snap", name, "current")); err != nil {
			t.Fatal(err)
		}
	}
	r = runIn(t, moduleRoot, "shm-audit", "--root", root)
	if want := inspected + "(2 snap entries, 2 installed snaps)\n"; r.status != exitOK || r.stdout != want || r.stderr != "" {
		t.Errorf("installed snaps read from the root: status %d, stdout %q, stderr %q; want %d, %q", r.status, r.stdout, r.stderr, exitOK, want)
	}
}
