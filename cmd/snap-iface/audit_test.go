package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// mockShm makes a host root whose /dev/shm holds one entry of each kind
// shm-audit looks at, and returns the root.
func mockShm(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	shm := filepath.Join(root, "dev/shm")
	mkdir := func(name string, mode os.FileMode) string {
		path := filepath.Join(shm, name)
		if err := os.MkdirAll(path, 0755); err != nil {
			t.Fatal(err)
		}
		// Set after creation: the umask would clear bits.
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write := func(path string, size int) {
		if err := os.WriteFile(path, []byte(strings.Repeat("x", size)), 0644); err != nil {
			t.Fatal(err)
		}
	}
	mkdir("", os.ModeSticky|0777)
	mkdir("snap.good", os.ModeSticky|0777)
	mkdir("snap.good_parallel", os.ModeSticky|0777)
	mkdir("snap.open", 0777)
	mkdir("snap.setgid", os.ModeSticky|os.ModeSetgid|0777)
	notRoot := mkdir("snap.notroot", os.ModeSticky|0777)
	if err := os.Chown(notRoot, 1000, 1000); err != nil {
		t.Fatalf("shm-audit tests run as root, to give a directory away: %v", err)
	}
	if err := os.Symlink("/tmp", filepath.Join(shm, "snap.link")); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(shm, "snap.file"), 1)
	// Objects a snap made itself are not private directories.
	write(filepath.Join(shm, "snap.good.frames"), 10)
	write(filepath.Join(shm, "sem.snap.good.lock"), 32)
	write(filepath.Join(shm, "other"), 7)
	// What removed snaps left behind.
	old := mkdir("snap.old", os.ModeSticky|0777)
	write(filepath.Join(old, "a"), 3)
	mkdir("snap.old/sub", 0700)
	write(filepath.Join(old, "sub/b"), 5)
	if err := os.Symlink("/etc/passwd", filepath.Join(old, "sub/link")); err != nil {
		t.Fatal(err)
	}
	gone := mkdir("snap.gone.cache", 0700)
	write(filepath.Join(gone, "c"), 11)
	return root
}

func TestShmAudit(t *testing.T) {
	root := mockShm(t)
	shm := filepath.Join(root, "dev/shm")
	private := []string{
		`snap.link: private directory is a symlink to "/tmp"`,
		`snap.file: private directory is not a directory but a regular file`,
		`snap.notroot: private directory is owned by uid 1000, not root`,
		`snap.open: private directory has mode 0777, not 01777`,
		`snap.setgid: private directory has mode 3777, not 01777`,
	}
	for _, tc := range []struct {
		summary string
		args    []string
		want    []string
	}{{
		summary: "no installed snaps given: private directories only",
		want:    private,
	}, {
		summary: "installed snaps given: memory of the others is left behind",
		args:    []string{"--snaps", "good,good_parallel,open,setgid,notroot,link,file"},
		want: append([]string{
			`snap.gone.cache: left behind: no installed snap "gone"; 11 bytes in 1 files`,
			`snap.old: left behind: no installed snap "old"; 8 bytes in 2 files`,
		}, private...),
	}, {
		summary: "no snap installed",
		args:    []string{"--snaps", ""},
		want: append([]string{
			`snap.gone.cache: left behind: no installed snap "gone"; 11 bytes in 1 files`,
			`snap.good: left behind: no installed snap "good"; 0 bytes in 0 files`,
			`snap.good_parallel: left behind: no installed snap "good_parallel"; 0 bytes in 0 files`,
			`snap.notroot: left behind: no installed snap "notroot"; 0 bytes in 0 files`,
			`snap.old: left behind: no installed snap "old"; 8 bytes in 2 files`,
			`snap.open: left behind: no installed snap "open"; 0 bytes in 0 files`,
			`snap.setgid: left behind: no installed snap "setgid"; 0 bytes in 0 files`,
		}, private...),
	}} {
		r := runIn(t, moduleRoot, append([]string{"shm-audit", "--root", root}, tc.args...)...)
		if r.status != exitFindings || r.stderr != "" {
			t.Errorf("%s: status %d, stderr %q; want %d", tc.summary, r.status, r.stderr, exitFindings)
		}
		got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		for i, line := range got {
			got[i] = strings.TrimPrefix(line, shm+"/")
		}
		// Findings come in entry order; compare them as sets.
		want := append([]string(nil), tc.want...)
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: findings\n%s\nwant\n%s", tc.summary, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

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
	r := runIn(t, moduleRoot, "shm-audit", "--root", root, "--snaps", "good")
	if r.status != exitOK || r.stdout != "" || r.stderr != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want a silent success", r.status, r.stdout, r.stderr)
	}
}
