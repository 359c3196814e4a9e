package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
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
	writeFile(t, filepath.Join(shm, "snap.file"), 1)
	// Objects an installed snap made itself are not private directories.
	writeFile(t, filepath.Join(shm, "snap.good.frames"), 10)
	writeFile(t, filepath.Join(shm, "sem.snap.good.lock"), 32)
	writeFile(t, filepath.Join(shm, "other"), 7)
	// What removed snaps left behind: a directory with a sparse file of
	// 1 TiB and a hard link, objects and a semaphore.
	old := mkdir("snap.old", os.ModeSticky|0777)
	writeFile(t, filepath.Join(old, "a"), 5000)
	mkdir("snap.old/sub", 0700)
	if err := os.Link(filepath.Join(old, "a"), filepath.Join(old, "sub/a-again")); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(createFile(t, filepath.Join(old, "sparse")), 1<<40); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(old, "sub/link")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(shm, "snap.gone.cache"), 11)
	writeFile(t, filepath.Join(shm, "sem.snap.gone.lock"), 32)
	// A name made to forge a line of output.
	mkdir("snap.evil\nfake line", os.ModeSticky|0777)
	return root
}

func createFile(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

func writeFile(t *testing.T, path string, size int) {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Repeat("x", size)), 0644); err != nil {
		t.Fatal(err)
	}
}

// allocated is the memory a file holds, as the file system reports it.
func allocated(t *testing.T, path string) int64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		t.Fatal(err)
	}
	return st.Blocks * 512
}

// auditFindings runs shm-audit and returns its findings with the root
// taken out of the paths, sorted.
func auditFindings(t *testing.T, root string, wantStatus int, args ...string) []string {
	t.Helper()
	r := runIn(t, moduleRoot, append([]string{"shm-audit", "--root", root}, args...)...)
	if r.status != wantStatus {
		t.Errorf("shm-audit %q: status %d, stderr %q; want %d", args, r.status, r.stderr, wantStatus)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if line != "" {
			got = append(got, strings.Replace(line, root, "ROOT", 1))
		}
	}
	sort.Strings(got)
	return got
}

func TestShmAudit(t *testing.T) {
	root := mockShm(t)
	shm := filepath.Join(root, "dev/shm")
	oldSize := allocated(t, filepath.Join(shm, "snap.old/a")) + allocated(t, filepath.Join(shm, "snap.old/sparse"))
	private := []string{
		`"ROOT/dev/shm/snap.evil\nfake line": left behind: no installed snap "evil\nfake line"; 0 bytes allocated in 0 files`,
		`"ROOT/dev/shm/snap.link": private directory is a symlink to "/tmp"`,
		`"ROOT/dev/shm/snap.file": private directory is not a directory but a regular file`,
		`"ROOT/dev/shm/snap.notroot": private directory is owned by uid 1000, not root`,
		`"ROOT/dev/shm/snap.open": private directory has mode 0777, not 01777`,
		`"ROOT/dev/shm/snap.setgid": private directory has mode 3777, not 01777`,
	}
	want := append([]string{
		fmt.Sprintf(`"ROOT/dev/shm/snap.gone.cache": left behind: no installed snap "gone"; %d bytes allocated in 1 files`, allocated(t, filepath.Join(shm, "snap.gone.cache"))),
		fmt.Sprintf(`"ROOT/dev/shm/sem.snap.gone.lock": left behind: no installed snap "gone"; %d bytes allocated in 1 files`, allocated(t, filepath.Join(shm, "sem.snap.gone.lock"))),
		// The hard link counts once, the sparse file as what it holds.
		fmt.Sprintf(`"ROOT/dev/shm/snap.old": left behind: no installed snap "old"; %d bytes allocated in 2 files`, oldSize),
	}, private...)
	sort.Strings(want)
	if oldSize >= 1<<40 {
		t.Fatalf("the sparse file holds %d bytes: the file system does not make sparse files", oldSize)
	}
	got := auditFindings(t, root, exitFindings, "--snaps", "good,good_parallel,open,setgid,notroot,link,file")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range got {
		if _, err := strconv.Unquote(line[:strings.Index(line, `": `)+1]); err != nil {
			t.Errorf("finding %q does not start with a quoted path", line)
		}
	}

	// Without --snaps, the installed snaps are those under ROOT/snap with
	// a current revision.
	for _, name := range []string{"good", "good_parallel", "open", "setgid", "notroot", "link", "file"} {
		if err := os.MkdirAll(filepath.Join(root, "snap", name, "x1"), 0755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("x1", filepath.Join(root, "snap", name, "current")); err != nil {
			t.Fatal(err)
		}
	}
	// Removed: no current revision.
	if err := os.MkdirAll(filepath.Join(root, "snap/old"), 0755); err != nil {
		t.Fatal(err)
	}
	got = auditFindings(t, root, exitFindings)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("installed snaps read from the root: findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A symlinked dev or dev/shm is a finding, and shm-audit does not follow
// it to report the host's entries as the root's.
func TestShmAuditSymlinks(t *testing.T) {
	host := mockShm(t)
	for _, tc := range []struct {
		link, target string
		want         string
	}{
		{"dev", filepath.Join(host, "dev"), `"ROOT/dev": is a symlink to "HOST/dev", not followed: snapd cannot give a private plug a /dev/shm of its own through it`},
		{"dev/shm", filepath.Join(host, "dev/shm"), `"ROOT/dev/shm": is a symlink to "HOST/dev/shm", not followed: snapd cannot give a private plug a /dev/shm of its own through it`},
		{"dev/shm", "/run/shm", `"ROOT/dev/shm": is a symlink to "/run/shm", not followed: snapd cannot give a private plug a /dev/shm of its own through it`},
	} {
		root := t.TempDir()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, tc.link)), 0755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(tc.target, filepath.Join(root, tc.link)); err != nil {
			t.Fatal(err)
		}
		got := auditFindings(t, root, exitFindings, "--snaps", "good")
		want := strings.ReplaceAll(tc.want, "HOST", host)
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s -> %s: findings %q, want only %q", tc.link, tc.target, got, want)
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
	// Without ROOT/snap, nothing is known to be left behind: say so.
	r = runIn(t, moduleRoot, "shm-audit", "--root", root)
	if want := "snap-iface: warning: no " + filepath.Join(root, "snap") + ": cannot tell which snaps are installed"; r.status != exitOK || r.stdout != "" || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("status %d, stdout %q, stderr %q; want a warning %q", r.status, r.stdout, r.stderr, want)
	}
}
