package shmaudit_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/snapd-shm/snapd-shm/interfaces/shmaudit"
)

// mockShm makes a host root whose /dev/shm holds one entry of each kind
// the audit looks at, and returns the root.
func mockShm(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	shm := filepath.Join(root, "dev/shm")
	mkdir(t, shm, os.ModeSticky|0777)
	mkdir(t, filepath.Join(shm, "snap.good"), os.ModeSticky|0777)
	mkdir(t, filepath.Join(shm, "snap.good_parallel"), os.ModeSticky|0777)
	mkdir(t, filepath.Join(shm, "snap.open"), 0777)
	mkdir(t, filepath.Join(shm, "snap.setgid"), os.ModeSticky|os.ModeSetgid|0777)
	notRoot := filepath.Join(shm, "snap.notroot")
	mkdir(t, notRoot, os.ModeSticky|0777)
	if err := os.Chown(notRoot, 1000, 1000); err != nil {
		t.Fatalf("shmaudit tests run as root, to give a directory away: %v", err)
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
	old := filepath.Join(shm, "snap.old")
	mkdir(t, old, os.ModeSticky|0777)
	writeFile(t, filepath.Join(old, "a"), 5000)
	mkdir(t, filepath.Join(old, "sub"), 0700)
	if err := os.Link(filepath.Join(old, "a"), filepath.Join(old, "sub/a-again")); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(writeFile(t, filepath.Join(old, "sparse"), 0), 1<<40); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(old, "sub/link")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(shm, "snap.gone.cache"), 11)
	writeFile(t, filepath.Join(shm, "sem.snap.gone.lock"), 32)
	// A name made to forge a line of output.
	mkdir(t, filepath.Join(shm, "snap.evil\nfake line"), os.ModeSticky|0777)
	return root
}

func mkdir(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(path, 0755); err != nil {
		t.Fatal(err)
	}
	// Set after creation: the umask would clear bits.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, size int) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Repeat("x", size)), 0644); err != nil {
		t.Fatal(err)
	}
	return path
}

// installSnaps gives the root a /snap in which each name has a current
// revision.
func installSnaps(t *testing.T, root string, names ...string) {
	t.Helper()
	for _, name := range names {
		if err := os.MkdirAll(filepath.Join(root, "snap", name, "x1"), 0755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("x1", filepath.Join(root, "snap", name, "current")); err != nil {
			t.Fatal(err)
		}
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

// audit audits root and returns its findings as lines, with the root
// taken out of the paths.
func audit(t *testing.T, root string, installed map[string]bool) []string {
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
	var lines []string
	for _, f := range report.Findings {
		if !strings.HasPrefix(f.Path, root+"/") {
			t.Errorf("finding %q: path not under the root", f)
		}
		lines = append(lines, strings.Replace(f.String(), root, "ROOT", 1))
	}
	return lines
}

func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, name := range names {
		m[name] = true
	}
	return m
}

var installed = []string{"good", "good_parallel", "open", "setgid", "notroot", "link", "file"}

func TestAudit(t *testing.T) {
	root := mockShm(t)
	shm := filepath.Join(root, "dev/shm")
	oldSize := allocated(t, filepath.Join(shm, "snap.old/a")) + allocated(t, filepath.Join(shm, "snap.old/sparse"))
	if oldSize >= 1<<40 {
		t.Fatalf("the sparse file holds %d bytes: the file system does not make sparse files", oldSize)
	}
	// In the order of the entries' names.
	want := []string{
		fmt.Sprintf(`"ROOT/dev/shm/sem.snap.gone.lock": left behind: no installed snap "gone"; %d bytes allocated in 1 files`, allocated(t, filepath.Join(shm, "sem.snap.gone.lock"))),
		`"ROOT/dev/shm/snap.evil\nfake line": named like a snap's, but "evil\nfake line" is not a snap instance name; 0 bytes allocated in 0 files`,
		`"ROOT/dev/shm/snap.file": private directory is not a directory but a regular file; a private plug would fail open: ` + unmountable,
		fmt.Sprintf(`"ROOT/dev/shm/snap.gone.cache": left behind: no installed snap "gone"; %d bytes allocated in 1 files`, allocated(t, filepath.Join(shm, "snap.gone.cache"))),
		`"ROOT/dev/shm/snap.link": private directory is a symlink to "/tmp"; a private plug would fail open: ` + unmountable,
		`"ROOT/dev/shm/snap.notroot": private directory is owned by uid 1000, not root; a private plug would fail open: snapd 2.64's snap-update-ns mounts it, and uid 1000 owns the snap's private /dev/shm`,
		// The hard link counts once, the sparse file as what it holds.
		fmt.Sprintf(`"ROOT/dev/shm/snap.old": left behind: no installed snap "old"; %d bytes allocated in 2 files`, oldSize),
		`"ROOT/dev/shm/snap.open": private directory has mode 0777, not 01777`,
		`"ROOT/dev/shm/snap.setgid": private directory has mode 3777, not 01777`,
	}
	got := audit(t, root, set(installed...))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range got {
		if _, err := strconv.Unquote(line[:strings.Index(line, `": `)+1]); err != nil {
			t.Errorf("finding %q does not start with a quoted path", line)
		}
	}

	r, err := shmaudit.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Every entry of the mock /dev/shm but "other" is named like a snap's.
	if report, err := r.Audit(nil); err != nil || report.Dir != shm || report.Entries != 13 {
		t.Errorf("report %+v, error %v; want the entries of %q counted, 13", report, err, shm)
	}

	// Unknown installed snaps: nothing is left behind.
	var known []string
	for _, line := range want {
		if !strings.Contains(line, "left behind") {
			known = append(known, line)
		}
	}
	if got := audit(t, root, nil); strings.Join(got, "\n") != strings.Join(known, "\n") {
		t.Errorf("installed snaps unknown: findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(known, "\n"))
	}
}

func TestInstalledSnaps(t *testing.T) {
	for _, mountDir := range []string{"snap", "var/lib/snapd/snap"} {
		root := t.TempDir()
		installSnaps(t, root, installed...)
		if mountDir != "snap" {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(root, mountDir)), 0755); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(filepath.Join(root, "snap"), filepath.Join(root, mountDir)); err != nil {
				t.Fatal(err)
			}
		}
		// Removed: no current revision. Not a snap: an invalid name.
		for _, dir := range []string{"old", "Bad"} {
			if err := os.MkdirAll(filepath.Join(root, mountDir, dir), 0755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink("x1", filepath.Join(root, mountDir, "Bad/current")); err != nil {
			t.Fatal(err)
		}
		r, err := shmaudit.Open(root)
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.InstalledSnaps()
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(got) != fmt.Sprint(set(installed...)) {
			t.Errorf("%s: installed %v, want %v", mountDir, got, set(installed...))
		}
	}

	r, err := shmaudit.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got, err := r.InstalledSnaps(); err != shmaudit.ErrNoSnapMountDir || got != nil {
		t.Errorf("no snap mount dir: installed %v, error %v; want ErrNoSnapMountDir", got, err)
	}
}

// A symlinked dev or dev/shm is a finding, and the audit does not follow
// it to report the host's entries as the root's.
func TestAuditSymlinks(t *testing.T) {
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
		got := audit(t, root, set("good"))
		want := strings.ReplaceAll(tc.want, "HOST", host)
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s -> %s: findings %q, want only %q", tc.link, tc.target, got, want)
		}
	}
}

// A tree deeper than the open-file limit is measured in full.
func TestAuditDeepTree(t *testing.T) {
	const limit, depth = 64, 4 * 64
	root := t.TempDir()
	shm := filepath.Join(root, "dev/shm")
	deep := filepath.Join(append([]string{shm, "snap.gone"}, strings.Split(strings.Repeat("d", depth), "")...)...)
	mkdir(t, deep, 0755)
	mkdir(t, filepath.Join(shm, "snap.gone"), os.ModeSticky|0777)
	bottom := writeFile(t, filepath.Join(deep, "bottom"), 5000)
	// A hard link half-way up counts once.
	if err := os.Link(bottom, filepath.Join(shm, "snap.gone", strings.Repeat("d/", depth/2), "again")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(shm, "snap.gone", "top"), 1)
	size := allocated(t, bottom) + allocated(t, filepath.Join(shm, "snap.gone", "top"))

	var saved unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &saved); err != nil {
		t.Fatal(err)
	}
	lowered := unix.Rlimit{Cur: limit, Max: saved.Max}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &lowered); err != nil {
		t.Fatal(err)
	}
	got := audit(t, root, set())
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &saved); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`"ROOT/dev/shm/snap.gone": left behind: no installed snap "gone"; %d bytes allocated in 2 files`, size)
	if len(got) != 1 || got[0] != want {
		t.Errorf("%d levels under a limit of %d open files: findings %q, want only %q", depth, limit, got, want)
	}
}

// Entries named like a snap's whose owner is not a snap instance name
// belong to no snap: they are neither private directories nor left behind
// by one, whether the installed snaps are known or not.
func TestAuditNotSnapNames(t *testing.T) {
	root := t.TempDir()
	shm := filepath.Join(root, "dev/shm")
	mkdir(t, shm, os.ModeSticky|0777)
	mkdir(t, filepath.Join(shm, "snap."), 0755)
	mkdir(t, filepath.Join(shm, "snap.Bad"), os.ModeSticky|0777)
	dots := writeFile(t, filepath.Join(shm, "snap..x"), 10)
	writeFile(t, filepath.Join(shm, "sem.snap."), 0)
	want := []string{
		`"ROOT/dev/shm/sem.snap.": named like a snap's, but "" is not a snap instance name; 0 bytes allocated in 1 files`,
		`"ROOT/dev/shm/snap.": named like a snap's, but "" is not a snap instance name; 0 bytes allocated in 0 files`,
		fmt.Sprintf(`"ROOT/dev/shm/snap..x": named like a snap's, but "" is not a snap instance name; %d bytes allocated in 1 files`, allocated(t, dots)),
		`"ROOT/dev/shm/snap.Bad": named like a snap's, but "Bad" is not a snap instance name; 0 bytes allocated in 0 files`,
	}
	for _, installed := range []map[string]bool{set("good"), nil} {
		if got := audit(t, root, installed); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("installed %v: findings\n%s\nwant\n%s", installed, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// unmountable is what snapd 2.64 does with a private directory that is
// not a directory.
const unmountable = "snapd 2.64's snap-update-ns cannot mount it, and the snap runs in the host's /dev/shm with every object open to it"

// A squatted private directory of an installed snap with a private plug is
// a danger; that of a snap without one would be, were it to get one.
func TestAuditPrivatePlugSquatted(t *testing.T) {
	root := t.TempDir()
	shm := filepath.Join(root, "dev/shm")
	mkdir(t, shm, os.ModeSticky|0777)
	private := "name: %s\nversion: 1\nplugs:\n  shared-memory: {private: true}\n"
	installSnapYAML(t, root, "notes", fmt.Sprintf(private, "notes"))
	installSnapYAML(t, root, "camera", fmt.Sprintf(private, "camera"))
	installSnapYAML(t, root, "plain", "name: plain\nversion: 1\nplugs:\n  shared-memory: {private: false}\n")
	for _, name := range []string{"snap.notes", "snap.plain"} {
		if err := os.WriteFile(filepath.Join(shm, name), nil, 0644); err != nil {
			t.Fatal(err)
		}
	}
	mkdir(t, filepath.Join(shm, "snap.camera"), os.ModeSticky|0777)
	if err := os.Chown(filepath.Join(shm, "snap.camera"), 1000, 1000); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`"ROOT/dev/shm/snap.camera": private directory is owned by uid 1000, not root; DANGER, the snap's private plug fails open: snapd 2.64's snap-update-ns mounts it, and uid 1000 owns the snap's private /dev/shm`,
		`"ROOT/dev/shm/snap.notes": private directory is not a directory but a regular file; DANGER, the snap's private plug fails open: ` + unmountable,
		`"ROOT/dev/shm/snap.plain": private directory is not a directory but a regular file; a private plug would fail open: ` + unmountable,
	}
	if got := audit(t, root, set("notes", "camera", "plain")); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// installSnapYAML installs a snap whose current revision has snap.yaml.
func installSnapYAML(t *testing.T, root, name, yaml string) {
	t.Helper()
	installSnaps(t, root, name)
	if err := os.MkdirAll(filepath.Join(root, "snap", name, "x1", "meta"), 0755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "snap", name, "x1", "meta", "snap.yaml"), []byte(yaml), 0644); err != nil {
		t.Fatal(err)
	}
}

// Objects named like glibc's temporary semaphores, sem. and 6 letters or
// digits, are reported with their owner unless an installed snap's slot
// that the sanitizer accepts declares them.
func TestAuditTemporarySemaphores(t *testing.T) {
	root := t.TempDir()
	shm := filepath.Join(root, "dev/shm")
	mkdir(t, shm, os.ModeSticky|0777)
	installSnapYAML(t, root, "announcer", "name: announcer\nversion: 1\nslots:\n  shm: {interface: shared-memory, read: [sem.ready1]}\n")
	installSnapYAML(t, root, "camera", "name: camera\nversion: 1\nslots:\n  shm: {interface: shared-memory, write: [\"sem.frame*\"]}\n")
	installSnapYAML(t, root, "broken", "name: broken\nversion: 1\nslots:\n  shm: {interface: shared-memory, write: [sem.abcdef, \"a\\\\b\"]}\n")
	for _, name := range []string{"sem.mutex1", "sem.Xy34Zw", "sem.ready1", "sem.frame1", "sem.abcdef", "sem.gone12", "sem.mutex", "sem.mutex12", "sem.mut_x1", "mutex1"} {
		writeFile(t, filepath.Join(shm, name), 32)
	}
	if err := os.Chown(filepath.Join(shm, "sem.Xy34Zw"), 1000, 1000); err != nil {
		t.Fatalf("shmaudit tests run as root, to give a file away: %v", err)
	}
	const exposed = "named like glibc's temporary semaphores and declared by no installed snap's slot: every snap running as its owner, uid %d, with the rule for those names (a connection to a slot that writes semaphores) can open, read, write, map, lock and remove it"
	want := []string{
		`"ROOT/dev/shm/sem.Xy34Zw": ` + fmt.Sprintf(exposed, 1000),
		`"ROOT/dev/shm/sem.abcdef": ` + fmt.Sprintf(exposed, 0),
		`"ROOT/dev/shm/sem.gone12": ` + fmt.Sprintf(exposed, 0),
		`"ROOT/dev/shm/sem.mutex1": ` + fmt.Sprintf(exposed, 0),
	}
	r, err := shmaudit.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	installedSnaps, err := r.InstalledSnaps()
	if err != nil || len(installedSnaps) != 3 {
		t.Fatalf("installed %v, error %v; want announcer, camera and broken", installedSnaps, err)
	}
	if got := audit(t, root, installedSnaps); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// With the installed snaps unknown, no declaration is known either.
	if got := audit(t, root, nil); len(got) != 6 {
		t.Errorf("installed snaps unknown: findings\n%s\nwant the 6 objects", strings.Join(got, "\n"))
	}
}
