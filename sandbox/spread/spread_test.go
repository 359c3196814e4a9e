package spread

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/sandbox/realsnapd"
)

const taskYAML = `summary: a task
systems: [-ubuntu-14.04*]
environment:
    GREETING: hello
    TARGET: $GREETING-world
prepare: |
    echo prepared >prepared
execute: |
    echo "$TARGET" | MATCH '^hello-world$'
    if [ "$(snap debug confinement)" = strict ]; then
        echo strict-only
        # a comment
        echo strict-only-too
    fi
    cat prepared | NOMATCH nothing
    not false
    echo "$TARGET" | MATCH goodbye
    echo never
restore: |
    rm -f prepared
    echo restored
`

func writeTask(t *testing.T, text string) *Task {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(text), 0644); err != nil {
		t.Fatal(err)
	}
	task, err := Load(dir, "main/a-task")
	if err != nil {
		t.Fatal(err)
	}
	return task
}

// runOnHost runs a task's script with bash on the host, as the booted
// system would, with the tools on PATH and snap answering "partial".
func runOnHost(t *testing.T, task *Task) realsnapd.Result {
	stage := t.TempDir()
	bin := filepath.Join(stage, "bin")
	if err := copyTree("tools", bin); err != nil {
		t.Fatal(err)
	}
	// The host has no snapd: this snap says what snapd says on the
	// User-mode Linux kernel.
	if err := os.WriteFile(filepath.Join(bin, "snap"), []byte("#!/bin/sh\necho partial\n"), 0755); err != nil {
		t.Fatal(err)
	}
	if err := copyTree(task.Dir, filepath.Join(stage, "task")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "-c", script(task))
	cmd.Dir = stage
	cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	exit := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		exit = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return realsnapd.Result{Name: task.Name, Exit: exit, Output: string(out)}
}

func TestLoad(t *testing.T) {
	task := writeTask(t, taskYAML)
	if got := strings.Join(task.Environment, " "); got != "GREETING=hello TARGET=$GREETING-world" {
		t.Errorf("environment %q, not in the file's order", got)
	}
	if !task.RunsOn(System) || task.RunsOn("ubuntu-14.04-64") {
		t.Errorf("systems %v read wrongly", task.Systems)
	}
	only := &Task{Systems: []string{"ubuntu-*"}}
	if only.RunsOn(System) || !only.RunsOn("ubuntu-24.04-64") {
		t.Errorf("systems %v read wrongly", only.Systems)
	}
	for _, bad := range []string{"summary: x\n", "execute: x\nenvironment:\n  A/variant: 1\n", "execute: [\n"} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "task.yaml"), []byte(bad), 0644)
		if _, err := Load(dir, "bad"); err == nil {
			t.Errorf("task %q loaded", bad)
		}
	}
}

func TestFailingLine(t *testing.T) {
	task := writeTask(t, taskYAML)
	o := outcome(task, runOnHost(t, task))
	if o.Passed {
		t.Fatalf("the task passed:\n%s", o.Output)
	}
	if o.Failure != "execute, line 9: echo \"$TARGET\" | MATCH goodbye" {
		t.Errorf("failure %q\n%s", o.Failure, o.Output)
	}
	if !strings.Contains(o.Output, "error: pattern not found, got:\nhello-world") {
		t.Errorf("MATCH did not show what it read:\n%s", o.Output)
	}
	if !strings.Contains(o.Output, "restored") {
		t.Errorf("restore did not run after the failure:\n%s", o.Output)
	}
	var ran, skipped []int
	for _, l := range o.Ran {
		ran = append(ran, l.Number)
	}
	for _, l := range o.Skipped {
		skipped = append(skipped, l.Number)
	}
	// Lines 3 and 5 are the strict-only echos: the host's snap says
	// partial and the host has no AppArmor, so the gate stays shut. Line 5
	// is also where the runner's own wrapper sources the script: its
	// trace is not the task's.
	if got := fmt.Sprint(ran, skipped); got != "[1 2 7 8 9] [3 5 10]" {
		t.Errorf("ran, skipped = %s", got)
	}
	if len(o.Gates) != 1 || !strings.HasPrefix(o.Gates[0], "execute, line 2:") {
		t.Errorf("gates %q", o.Gates)
	}
}

func TestPassingTask(t *testing.T) {
	task := writeTask(t, strings.Replace(taskYAML, "MATCH goodbye", "NOMATCH goodbye", 1))
	o := outcome(task, runOnHost(t, task))
	if !o.Passed || o.Failure != "" {
		t.Fatalf("the task failed: %s\n%s", o.Failure, o.Output)
	}
	if len(o.Skipped) != 2 || o.Skipped[0].Number != 3 || o.Skipped[1].Number != 5 {
		t.Errorf("skipped %v", o.Skipped)
	}
}

func TestPrepareFailureSkipsExecute(t *testing.T) {
	task := writeTask(t, strings.Replace(taskYAML, "echo prepared >prepared", "false", 1))
	o := outcome(task, runOnHost(t, task))
	if o.Passed || o.Failure != "prepare, line 1: false" || len(o.Ran) != 0 {
		t.Errorf("failure %q, ran %v\n%s", o.Failure, o.Ran, o.Output)
	}
}

func TestTools(t *testing.T) {
	for _, tc := range []struct {
		script string
		ok     bool
	}{
		{"echo abc | MATCH b", true},
		{"echo abc | MATCH x", false},
		{"echo abc | NOMATCH x", true},
		{"echo abc | NOMATCH 'a.c'", false},
		{"not false", true},
		{"not true", false},
		{"not", false},
		{"retry -n 2 --wait 0 false", false},
		{"retry -n 2 --wait 0 true", true},
		{"snaps-state remove x", false},
	} {
		cmd := exec.Command("bash", "-c", tc.script)
		cmd.Env = append(os.Environ(), "PATH="+mustAbs(t, "tools")+":"+os.Getenv("PATH"))
		err := cmd.Run()
		if (err == nil) != tc.ok {
			t.Errorf("%s: error %v", tc.script, err)
		}
	}
}

func mustAbs(t *testing.T, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
