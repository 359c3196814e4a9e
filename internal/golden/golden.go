// Package golden keeps the expected output of tests in files under a
// package's testdata/: tests compare what the code produces with them, and
// `go test -update` rewrites them from the current output, for review.
package golden

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from the current output")

// T is the part of testing.T and check.C that golden needs.
type T interface {
	Errorf(format string, args ...interface{})
	Fatalf(format string, args ...interface{})
}

// File compares got with the golden file at path.
func File(t T, path, got string) {
	file(t, path, got, false)
}

// file compares got with the golden file at path, as a whole or, when
// anyOrder is set, line by line in any order.
func file(t T, path, got string, anyOrder bool) {
	if *update {
		if err := os.WriteFile(path, []byte(got), 0644); err != nil {
			t.Fatalf("cannot update golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read golden file (go test -update writes it): %v", err)
	}
	if got != string(want) && !(anyOrder && sortedLines(got) == sortedLines(string(want))) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Dir compares files, by name, with the golden directory dir: it must hold
// exactly these files, with these contents.
func Dir(t T, dir string, files map[string]string) {
	DirAnyOrder(t, dir, files, nil)
}

// DirAnyOrder is Dir for output whose lines come in no stable order in the
// files that anyOrder names: those match a golden file with the same
// lines in any order.
func DirAnyOrder(t T, dir string, files map[string]string, anyOrder func(name string) bool) {
	if *update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatalf("cannot update golden directory: %v", err)
		}
		if err := os.MkdirAll(dir, 0755); err != nil {
			t.Fatalf("cannot update golden directory: %v", err)
		}
	}
	var names []string
	for name, content := range files {
		names = append(names, name)
		file(t, filepath.Join(dir, name), content, anyOrder != nil && anyOrder(name))
	}
	// git keeps no empty directory: a missing one holds no files.
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("cannot read golden directory (go test -update writes it): %v", err)
	}
	var goldenNames []string
	for _, entry := range entries {
		goldenNames = append(goldenNames, entry.Name())
	}
	sort.Strings(names)
	if strings.Join(names, "\n") != strings.Join(goldenNames, "\n") {
		t.Errorf("files %q differ from those in %s: %q", names, dir, goldenNames)
	}
}

func sortedLines(text string) string {
	lines := strings.Split(text, "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
