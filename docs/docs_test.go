// Package docs_test runs every snap-iface command that README.md and the
// files of docs/ show, and compares its output with the one shown, so that
// the documentation cannot drift from the code.
package docs_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/snapcore/snapd/strutil/shlex"
)

// example is a fenced block that starts with "$ snap-iface ...": the
// command, and then what it prints, stderr and stdout as they come. A line
// "..." or "…" stands for any lines.
type example struct {
	file, command string
	line          int
	output        []string
}

var blockPattern = regexp.MustCompile("(?s)```[a-z]*\n(\\$ snap-iface [^\n]*)\n(.*?)```")

func examples(t *testing.T) []example {
	files, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append([]string{"../README.md"}, files...)
	var found []example
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		for _, m := range blockPattern.FindAllStringSubmatchIndex(text, -1) {
			found = append(found, example{
				file:    file,
				line:    strings.Count(text[:m[0]], "\n") + 1,
				command: text[m[2]+len("$ ") : m[3]],
				output:  strings.Split(strings.TrimSuffix(text[m[4]:m[5]], "\n"), "\n"),
			})
		}
	}
	if len(found) == 0 {
		t.Fatal("no snap-iface example found")
	}
	return found
}

// roots are the host roots that shm-audit's examples name, made as the
// examples need them.
var roots = map[string]func(t *testing.T, root string){
	"ROOT": func(t *testing.T, root string) {
		shm := filepath.Join(root, "dev/shm")
		mkdir(t, shm, os.ModeSticky|0777)
		mkdir(t, filepath.Join(shm, "snap.good"), os.ModeSticky|0777)
		mkdir(t, filepath.Join(shm, "snap.open"), 0777)
		write(t, filepath.Join(shm, "sem.snap.gone.lock"), 32)
		write(t, filepath.Join(shm, "snap..x"), 32)
	},
	"CLEAN_ROOT": func(t *testing.T, root string) {
		shm := filepath.Join(root, "dev/shm")
		mkdir(t, shm, os.ModeSticky|0777)
		mkdir(t, filepath.Join(shm, "snap.good"), os.ModeSticky|0777)
		write(t, filepath.Join(shm, "snap.good.frames"), 0)
		for _, name := range []string{"good", "other"} {
			mkdir(t, filepath.Join(root, "snap", name, "x1"), 0755)
			if err := os.Symlink("x1", filepath.Join(root, "snap", name, "current")); err != nil {
				t.Fatal(err)
			}
		}
	},
}

func mkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(dir, 0755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path string, size int) {
	t.Helper()
	if err := os.WriteFile(path, make([]byte, size), 0644); err != nil {
		t.Fatal(err)
	}
}

// matches reports whether got is want, each line "..." or "…" of want
// (indented or not) standing for any lines.
func matches(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	if elided := strings.TrimSpace(want[0]); elided == "..." || elided == "…" {
		for skip := 0; skip <= len(got); skip++ {
			if matches(want[1:], got[skip:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && want[0] == got[0] && matches(want[1:], got[1:])
}

func TestExamples(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "snap-iface")
	build := exec.Command("go", "build", "-o", bin, "../cmd/snap-iface")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("cannot build snap-iface: %v\n%s", err, out)
	}
	for _, ex := range examples(t) {
		t.Run(ex.file+":"+ex.command, func(t *testing.T) {
			args, err := shlex.Split(ex.command)
			if err != nil {
				t.Fatal(err)
			}
			var placeholders []string
			for i, arg := range args {
				if makeRoot, ok := roots[arg]; ok {
					args[i] = t.TempDir()
					makeRoot(t, args[i])
					placeholders = append(placeholders, args[i], arg)
				}
			}
			cmd := exec.Command(bin, args[1:]...)
			cmd.Dir = ".."
			out, _ := cmd.CombinedOutput()
			got := strings.NewReplacer(placeholders...).Replace(strings.TrimSuffix(string(out), "\n"))
			if !matches(ex.output, strings.Split(got, "\n")) {
				t.Errorf("%s:%d: $ %s printed\n%s\nnot what the docs show:\n%s", ex.file, ex.line, ex.command, got, strings.Join(ex.output, "\n"))
			}
		})
	}
}
