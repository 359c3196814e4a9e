//go:build spread

package spread_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snapd-shm/snapd-shm/sandbox/realsnapd"
	"github.com/snapd-shm/snapd-shm/sandbox/spread"
)

// These tests boot snapd and run spread tasks; make spread runs them, each
// in a kernel of its own, side by side.

// snapshot is snapd master's tree, as the upstream series applies to it.
var snapshot = filepath.Join("..", "..", "..", "shared", "upstream", "snapd-master-bee548f7.tar.xz")

// upstream holds the contribution: each spread task it proposes, in a
// patch series of its own, tests the fix of another series, or snapd as it
// is when it has none.
var upstream = filepath.Join("..", "..", "upstream")

var proposals = []struct{ tests, fix string }{
	{"security/spread", "security/patches-2.64"},
	{"pr-semaphore-spread", ""},
}

func unpacked(t *testing.T) *spread.Tree {
	tarball := snapshot
	if env := os.Getenv("SNAPD_MASTER"); env != "" {
		tarball = env
	}
	tree, err := spread.Unpack(tarball, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func build(t *testing.T, patches []string) *realsnapd.Tools {
	src, err := realsnapd.ModuleSource()
	if err != nil {
		t.Fatal(err)
	}
	src.Patches = patches
	tools, err := realsnapd.Build(src)
	if err != nil {
		t.Fatal(err)
	}
	return tools
}

func run(t *testing.T, tools *realsnapd.Tools, tree *spread.Tree, tasks []*spread.Task) []spread.Outcome {
	outcomes, report, err := spread.Run(tools, tree.Lib(), tasks)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kernel %s, snapd says %q confinement", report.Kernel, report.Confinement)
	for _, p := range report.Phases {
		t.Logf("  %-60s %6.1fs", p.Name, p.Duration.Seconds())
	}
	for _, o := range outcomes {
		t.Logf("%s: passed %v %s", o.Task, o.Passed, o.Failure)
		t.Logf("  %d commands of execute ran, %d never did", len(o.Ran), len(o.Skipped))
		for _, l := range o.Skipped {
			t.Logf("  skipped, line %d: %s", l.Number, l.Text)
		}
		for _, g := range o.Gates {
			t.Logf("  gate: %s", g)
		}
	}
	return outcomes
}

func seriesPatches(t *testing.T, dir string) []string {
	patches, err := filepath.Glob(filepath.Join(upstream, dir, "*.patch"))
	if err != nil || len(patches) == 0 {
		t.Fatalf("no patches in %s", filepath.Join(upstream, dir))
	}
	return patches
}

// TestSharedMemoryTasks runs, against unpatched snapd 2.64, snapd's own
// shared-memory tasks and the tasks the contribution proposes: snapd's
// pass, a proposed task passes when it tests snapd as it is and fails
// when it tests a fix.
func TestSharedMemoryTasks(t *testing.T) {
	t.Parallel()
	tree := unpacked(t)
	own, err := tree.Tasks("main/interfaces-shared-memory*")
	if err != nil {
		t.Fatal(err)
	}
	tasks := own
	wantPass := map[string]bool{}
	for _, task := range own {
		wantPass[task.Name] = true
	}
	for _, p := range proposals {
		proposed := proposedTasks(t, tree, p.tests)
		for _, task := range proposed {
			wantPass[task.Name] = p.fix == ""
		}
		tasks = append(tasks, proposed...)
	}
	for _, o := range run(t, build(t, nil), tree, tasks) {
		if o.Passed != wantPass[o.Task] {
			t.Errorf("%s on unpatched snapd 2.64: passed %v, want %v: %s\n%s", o.Task, o.Passed, wantPass[o.Task], o.Failure, o.Output)
		}
		if len(o.Ran) == 0 {
			t.Errorf("%s ran no command of execute", o.Task)
		}
	}
}

// TestProposedTasksWithFixes runs each proposed task that tests a fix
// against snapd 2.64 with that fix: each passes.
func TestProposedTasksWithFixes(t *testing.T) {
	t.Parallel()
	for _, p := range proposals {
		if p.fix == "" {
			continue
		}
		tree := unpacked(t)
		tasks := proposedTasks(t, tree, p.tests)
		for _, o := range run(t, build(t, seriesPatches(t, p.fix)), tree, tasks) {
			if !o.Passed {
				t.Errorf("%s fails on snapd 2.64 with %s: %s\n%s", o.Task, p.fix, o.Failure, o.Output)
			}
		}
	}
}

func proposedTasks(t *testing.T, tree *spread.Tree, dir string) []*spread.Task {
	names, err := tree.ApplyTests(seriesPatches(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	var tasks []*spread.Task
	for _, name := range names {
		found, err := tree.Tasks(name)
		if err != nil {
			t.Fatal(err)
		}
		tasks = append(tasks, found...)
	}
	if len(tasks) == 0 {
		t.Fatalf("%s adds no spread task", dir)
	}
	return tasks
}
