package spread

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Tree is a snapd source tree's tests directory, with the task
// directories that a patch series adds when it is applied to it.
type Tree struct {
	Dir string // the tree's root
}

// Unpack unpacks a snapd source tarball (a .tar.xz with one top directory)
// into dir and returns its tree.
func Unpack(tarball, dir string) (*Tree, error) {
	if out, err := exec.Command("tar", "-xJf", tarball, "-C", dir, "--strip-components=1").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("cannot unpack %s: %v: %s", tarball, err, strings.TrimSpace(string(out)))
	}
	return &Tree{Dir: dir}, nil
}

// Lib is the tree's tests/lib.
func (t *Tree) Lib() string { return filepath.Join(t.Dir, "tests", "lib") }

// Tasks loads the tasks of the tree whose names (from tests/) match
// pattern, as filepath.Match reads it, e.g. "main/interfaces-shared-memory*".
func (t *Tree) Tasks(pattern string) ([]*Task, error) {
	paths, err := filepath.Glob(filepath.Join(t.Dir, "tests", pattern, "task.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var tasks []*Task
	for _, path := range paths {
		dir := filepath.Dir(path)
		name, _ := filepath.Rel(filepath.Join(t.Dir, "tests"), dir)
		task, err := Load(dir, name)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, task)
	}
	if len(tasks) == 0 {
		return nil, fmt.Errorf("no task matches %s in %s", pattern, t.Dir)
	}
	return tasks, nil
}

// ApplyTests applies what the patches change under tests/ to the tree and
// returns the names of the tasks they add or change.
func (t *Tree) ApplyTests(patches []string) ([]string, error) {
	var names []string
	for _, patch := range patches {
		abs, err := filepath.Abs(patch)
		if err != nil {
			return nil, err
		}
		cmd := exec.Command("git", "apply", "-p1", "--include=tests/*", abs)
		cmd.Dir = t.Dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("cannot apply the tests of %s: %v: %s", filepath.Base(patch), err, strings.TrimSpace(string(out)))
		}
		stat := exec.Command("git", "apply", "--numstat", "-p1", "--include=tests/*", abs)
		stat.Dir = t.Dir
		out, err := stat.Output()
		if err != nil {
			return nil, fmt.Errorf("cannot list the files of %s: %v", filepath.Base(patch), err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			fields := strings.Fields(line)
			if len(fields) == 3 && strings.HasSuffix(fields[2], "/task.yaml") {
				name := strings.TrimSuffix(strings.TrimPrefix(fields[2], "tests/"), "/task.yaml")
				names = addNew(names, name)
			}
		}
	}
	if _, err := os.Stat(t.Lib()); err != nil {
		return nil, fmt.Errorf("the tree has no tests/lib: %v", err)
	}
	return names, nil
}
