package snapyaml_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/snapd-shm/snapd-shm/snap/snapyaml"
)

const viewerSnapcraft = `name: viewer
base: core22
adopt-info: viewer
summary: a viewer
confinement: strict
apps:
  viewer:
    command: bin/viewer
    extensions: [gnome]
    plugs: [frames]
plugs:
  frames:
    interface: shared-memory
    shared-memory: frames
parts:
  viewer:
    plugin: nil
`

// writeTree writes each path to its content under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for path, content := range files {
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// A snapcraft.yaml, known by its name or by its parts, becomes the
// snap.yaml snapcraft writes: parts dropped, an adopted version "0", each
// extension named in a warning.
func TestLoadSnapcraft(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"project/snap/snapcraft.yaml": viewerSnapcraft,
		"file/snapcraft.yaml":         viewerSnapcraft,
		"hidden/.snapcraft.yaml":      viewerSnapcraft,
		"named/viewer.yaml":           viewerSnapcraft,
	})
	for arg, file := range map[string]string{
		"project":             "project/snap/snapcraft.yaml",
		"file/snapcraft.yaml": "file/snapcraft.yaml",
		"hidden":              "hidden/.snapcraft.yaml",
		"named/viewer.yaml":   "named/viewer.yaml",
	} {
		s, err := snapyaml.Load(filepath.Join(dir, arg))
		if err != nil {
			t.Fatalf("%s: %v", arg, err)
		}
		if s.Path != filepath.Join(dir, file) {
			t.Errorf("%s: read %s, want %s", arg, s.Path, file)
		}
		if strings.Contains(string(s.YAML), "parts") || !strings.Contains(string(s.YAML), "version: \"0\"") || !strings.Contains(string(s.YAML), "  viewer:\n") {
			t.Errorf("%s: snap.yaml %q", arg, s.YAML)
		}
		if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], `extension "gnome" (apps viewer) is not expanded`) {
			t.Errorf("%s: warnings %q", arg, s.Warnings)
		}
	}
}

// A project directory is read in snapcraft's order, and a stale copy that
// snapcraft ignores is named in a warning.
func TestLoadProjectOrder(t *testing.T) {
	stale := strings.Replace(viewerSnapcraft, "name: viewer", "name: stale", 1)
	for _, tc := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"snapcraft.yaml": viewerSnapcraft, "snap/snapcraft.yaml": stale}, "snapcraft.yaml"},
		{map[string]string{"snap/snapcraft.yaml": viewerSnapcraft, "build-aux/snap/snapcraft.yaml": stale, ".snapcraft.yaml": stale}, "snap/snapcraft.yaml"},
		{map[string]string{"build-aux/snap/snapcraft.yaml": viewerSnapcraft, ".snapcraft.yaml": stale}, "build-aux/snap/snapcraft.yaml"},
		{map[string]string{".snapcraft.yaml": viewerSnapcraft, "meta/snap.yaml": stale}, ".snapcraft.yaml"},
	} {
		dir := writeTree(t, tc.files)
		s, err := snapyaml.Load(dir)
		if err != nil {
			t.Fatalf("%v: %v", tc.files, err)
		}
		if s.Path != filepath.Join(dir, tc.want) || !strings.HasPrefix(string(s.YAML), "name: viewer\n") {
			t.Errorf("read %s (%q), want %s", s.Path, s.YAML, tc.want)
		}
		ignored := len(tc.files) - 1
		var warned int
		for _, w := range s.Warnings {
			if strings.Contains(w, "ignored") {
				warned++
			}
		}
		if warned != ignored {
			t.Errorf("%s: warnings %q, want %d naming the ignored files", tc.want, s.Warnings, ignored)
		}
	}
}

// Anything but a regular file is refused without blocking on it.
func TestLoadNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "snap.yaml")
	if err := syscall.Mkfifo(fifo, 0644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fifo, dir, "/dev/null"} {
		done := make(chan error, 1)
		go func() {
			_, err := snapyaml.Load(path)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: %v, want not a regular file", path, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Load blocks", path)
		}
	}
}

// Aliases cannot make a snap larger than MaxSize once expanded.
func TestLoadAliasExpansion(t *testing.T) {
	big := strings.Repeat("x", 100000)
	list := strings.TrimSuffix(strings.Repeat("*a, ", 1000), ", ")
	for name, doc := range map[string]string{
		"snapcraft.yaml": "name: bomb\nbase: core22\nversion: '1'\nsummary: &a " + big + "\nplugs:\n  shm:\n    interface: shared-memory\n    write: [" + list + "]\nparts: {}\n",
		"snap.yaml":      "name: bomb\nversion: '1'\nsummary: &a " + big + "\nplugs:\n  shm:\n    interface: shared-memory\n    write: [" + list + "]\n",
	} {
		dir := writeTree(t, map[string]string{name: doc})
		_, err := snapyaml.Load(filepath.Join(dir, name))
		if err == nil || !strings.Contains(err.Error(), "expands to more than") {
			t.Errorf("%s: %v, want a refusal of the expansion", name, err)
		}
	}
	// An alias that stays small is fine.
	small := "name: small\nversion: '1'\nx-ids: &ids [frames]\nplugs:\n  shm:\n    interface: shared-memory\n    write: *ids\n"
	dir := writeTree(t, map[string]string{"snap.yaml": small})
	if _, err := snapyaml.Load(filepath.Join(dir, "snap.yaml")); err != nil {
		t.Errorf("small alias: %v", err)
	}
}

// snapcraft refuses a duplicate key at any level; so does Load.
func TestLoadDuplicateKeys(t *testing.T) {
	for _, doc := range []string{
		viewerSnapcraft + "plugs:\n  other:\n    interface: shared-memory\n",
		strings.Replace(viewerSnapcraft, "    shared-memory: frames\n", "    shared-memory: frames\n    shared-memory: other\n", 1),
	} {
		dir := writeTree(t, map[string]string{"snapcraft.yaml": doc})
		_, err := snapyaml.Load(dir)
		if err == nil || !strings.Contains(err.Error(), "duplicate key") {
			t.Errorf("%v, want a duplicate key error", err)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"huge.yaml":  "name: huge\nversion: 1\ndescription: " + strings.Repeat("x", snapyaml.MaxSize) + "\n",
		"empty/keep": "",
	})
	for path, want := range map[string]string{
		filepath.Join(dir, "huge.yaml"):    "larger than 1048576 bytes",
		filepath.Join(dir, "empty"):        "cannot find a snap in directory",
		filepath.Join(dir, "missing.yaml"): "no such file or directory",
		"/dev/zero":                        "not a regular file",
	} {
		if _, err := snapyaml.Load(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", path, err, want)
		}
	}
}

func TestFromSnapcraftErrors(t *testing.T) {
	for doc, want := range map[string]string{
		"name: [\n":                           "cannot parse snapcraft.yaml",
		"name: a\napps: [x]\nparts: {}\n":     `"apps" is not a map`,
		"name: a\napps:\n  x: y\nparts: {}\n": `app "x" is not a map`,
	} {
		if _, _, err := snapyaml.FromSnapcraft([]byte(doc)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", doc, err, want)
		}
	}
	out, warnings, err := snapyaml.FromSnapcraft([]byte("name: a\nversion: '1'\ngrade: stable\nbuild-packages: [gcc]\nparts: {}\n"))
	if err != nil || string(out) != "name: a\nversion: \"1\"\ngrade: stable\n" || len(warnings) != 0 {
		t.Errorf("got %q, %q, %v", out, warnings, err)
	}
}
