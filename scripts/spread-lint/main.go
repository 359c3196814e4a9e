// Command spread-lint checks spread task.yaml files as snapd's static checks
// do: keys in snapd's order, summary, details and execute present, no
// "MATCH -v", and every shell section clean under shellcheck as spread runs
// it, under set -e with the task's environment exported first.
//
//	go run ./scripts/spread-lint TASK.yaml...
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v2"
)

var keyOrder = []string{"summary", "details", "backends", "systems", "manual", "priority",
	"warn-timeout", "kill-timeout", "environment", "prepare", "restore", "debug", "execute"}

var shellSections = []string{"prepare", "restore", "debug", "execute"}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: spread-lint TASK.yaml...")
		os.Exit(2)
	}
	failed := false
	for _, path := range os.Args[1:] {
		for _, problem := range lint(path) {
			fmt.Fprintf(os.Stderr, "%s: %s\n", path, problem)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
}

// lint returns the problems of one task.yaml.
func lint(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{err.Error()}
	}
	var task yaml.MapSlice
	if err := yaml.Unmarshal(data, &task); err != nil {
		return []string{err.Error()}
	}
	var problems []string
	if strings.Contains(string(data), "MATCH -v") {
		problems = append(problems, `"MATCH -v" hides failures: use "NOMATCH"`)
	}
	values := map[string]interface{}{}
	last := -1
	for _, item := range task {
		key := fmt.Sprint(item.Key)
		values[key] = item.Value
		i := slices.Index(keyOrder, key)
		switch {
		case i < 0:
			problems = append(problems, fmt.Sprintf("unknown key %q", key))
		case i < last:
			problems = append(problems, fmt.Sprintf("key %q is out of order: snapd's order is %s", key, strings.Join(keyOrder, ", ")))
		default:
			last = i
		}
	}
	for _, key := range []string{"summary", "details", "execute"} {
		if _, ok := values[key]; !ok {
			problems = append(problems, fmt.Sprintf("%q is missing", key))
		}
	}
	env, _ := values["environment"].(yaml.MapSlice)
	for _, section := range shellSections {
		if script, ok := values[section].(string); ok {
			problems = append(problems, shellcheck(filepath.Dir(path), section, env, script)...)
		}
	}
	return problems
}

// shellcheck runs shellcheck on a section as spread runs it, from the task's
// directory.
func shellcheck(dir, section string, env yaml.MapSlice, script string) []string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\nset -e\n")
	for _, item := range env {
		fmt.Fprintf(&b, "export %v=%q\n", item.Key, fmt.Sprint(item.Value))
	}
	b.WriteString(script)
	f, err := os.CreateTemp("", "spread-lint-*.sh")
	if err != nil {
		return []string{err.Error()}
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(b.String()); err != nil {
		return []string{err.Error()}
	}
	f.Close()
	cmd := exec.Command("shellcheck", "-s", "bash", "-x", f.Name())
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	switch {
	case err == nil:
		return nil
	case errors.As(err, new(*exec.Error)):
		return []string{"shellcheck not found: install Debian's shellcheck package"}
	}
	return []string{fmt.Sprintf("%s: shellcheck: %s", section, strings.TrimSpace(strings.ReplaceAll(string(out), f.Name(), section)))}
}
