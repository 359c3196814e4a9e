//go:build spread

package spread_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snapd-shm/snapd-shm/sandbox/realsnapd"
	"github.com/snapd-shm/snapd-shm/sandbox/spread"
)

// These tests boot snapd and run spread tasks; make spread runs them.

// snapshot is snapd master's tree, as the upstream series applies to it.
var snapshot = filepath.Join("..", "..", "..", "shared", "upstream", "snapd-master-bee548f7.tar.xz")

// series264 is the upstream series for snapd 2.64, whose spread tasks
// run against snapd 2.64 built with and without it.
var series264 = filepath.Join("..", "..", "upstream", "patches-2.64")

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
	patches, err := filepath.Glob(filepath.Join(dir, "*.patch"))
	if err != nil || len(patches) == 0 {
		t.Fatalf("no patches in %s", dir)
	}
	return patches
}

// TestSnapdSharedMemoryTasks runs snapd's own shared-memory tasks against
// unpatched snapd 2.64, and the tasks the series proposes: snapd's pass,
// the proposed ones fail.
func TestSnapdSharedMemoryTasks(t *testing.T) {
	tree := unpacked(t)
	own, err := tree.Tasks("main/interfaces-shared-memory*")
	if err != nil {
		t.Fatal(err)
	}
	proposed := proposedTasks(t, tree)
	outcomes := run(t, build(t, nil), tree, append(own, proposed...))
	for i, o := range outcomes {
		if i < len(own) && !o.Passed {
			t.Errorf("snapd's %s fails on unpatched snapd 2.64: %s\n%s", o.Task, o.Failure, o.Output)
		}
		if i >= len(own) && o.Passed {
			t.Errorf("the proposed %s passes on unpatched snapd 2.64: it does not test the change", o.Task)
		}
		if len(o.Ran) == 0 {
			t.Errorf("%s ran no command of execute", o.Task)
		}
	}
}

// TestProposedTasks runs the proposed tasks against snapd 2.64 with the
// series applied: each passes.
func TestProposedTasks(t *testing.T) {
	tree := unpacked(t)
	proposed := proposedTasks(t, tree)
	outcomes := run(t, build(t, seriesPatches(t, series264)), tree, proposed)
	for _, o := range outcomes {
		if !o.Passed {
			t.Errorf("the proposed %s fails on snapd 2.64 with the series: %s\n%s", o.Task, o.Failure, o.Output)
		}
	}
}

func proposedTasks(t *testing.T, tree *spread.Tree) []*spread.Task {
	names, err := tree.ApplyTests(seriesPatches(t, series264))
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
		t.Fatalf("the series adds no spread task")
	}
	return tasks
}

