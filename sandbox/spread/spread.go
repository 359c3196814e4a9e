// Package spread runs spread tasks, the task.yaml files of snapd's test
// suite, in a system that realsnapd boots: the real snapd, snap-confine
// and snap-update-ns under an AppArmor kernel.
//
// A task's environment is exported, its prepare, execute and restore run
// in order with bash's set -eu, and restore runs whatever happened before.
// The tools the tasks call (MATCH, NOMATCH, not, retry, snaps-state
// install-local, tests.session) behave as snapd's tests/lib/tools do.
//
// snapd says "partial" confinement on this kernel, which lacks AppArmor's
// D-Bus and fine-grained network mediation but mediates files completely.
// A task's "snap debug confinement" is read through file-confinement,
// which says "strict" only in that case, and the Outcome lists each such
// gate. The Outcome also lists which lines of execute ran and which never
// did.
package spread

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v2"

	"github.com/snapd-shm/snapd-shm/internal/quote"
	"github.com/snapd-shm/snapd-shm/sandbox/denial"
	"github.com/snapd-shm/snapd-shm/sandbox/realsnapd"
)

// System is this system's name, as spread's systems: lists match it.
const System = "debian-12-64"

//go:embed tools
var toolsFS embed.FS

// Task is one task.yaml.
type Task struct {
	Name        string // its directory, from tests/: e.g. main/interfaces-shared-memory
	Dir         string
	Summary     string
	Systems     []string
	Environment []string // KEY=value, in the file's order
	Prepare     string
	Execute     string
	Restore     string
}

// Load reads the task.yaml in dir, naming the task name.
func Load(dir, name string) (*Task, error) {
	data, err := os.ReadFile(filepath.Join(dir, "task.yaml"))
	if err != nil {
		return nil, err
	}
	var raw struct {
		Summary     string        `yaml:"summary"`
		Systems     []string      `yaml:"systems"`
		Environment yaml.MapSlice `yaml:"environment"`
		Prepare     string        `yaml:"prepare"`
		Execute     string        `yaml:"execute"`
		Restore     string        `yaml:"restore"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("cannot read task %s: %v", name, err)
	}
	if raw.Execute == "" {
		return nil, fmt.Errorf("cannot run task %s: it has no execute", name)
	}
	task := &Task{Name: name, Dir: dir, Summary: raw.Summary, Systems: raw.Systems,
		Prepare: raw.Prepare, Execute: raw.Execute, Restore: raw.Restore}
	for _, item := range raw.Environment {
		key, ok := item.Key.(string)
		if !ok || !envKey.MatchString(key) {
			return nil, fmt.Errorf("cannot run task %s: environment key %v is not a variable name (variants are not supported)", name, item.Key)
		}
		task.Environment = append(task.Environment, fmt.Sprintf("%s=%v", key, item.Value))
	}
	return task, nil
}

var envKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// RunsOn says whether the task's systems: list lets it run on system.
func (t *Task) RunsOn(system string) bool {
	included := true
	for _, pattern := range t.Systems {
		if strings.HasPrefix(pattern, "-") {
			if ok, _ := path.Match(pattern[1:], system); ok {
				return false
			}
			continue
		}
		included = false
	}
	if included {
		return true
	}
	for _, pattern := range t.Systems {
		if ok, _ := path.Match(strings.TrimPrefix(pattern, "+"), system); ok {
			return true
		}
	}
	return false
}

// Line is a line of a task's execute, numbered from 1.
type Line struct {
	Number int
	Text   string
}

// Outcome is how a task ran.
type Outcome struct {
	Task   string
	Passed bool
	// Failure is the phase, line and command that failed, or why the task
	// did not run.
	Failure string
	Output  string
	// Ran and Skipped are the commands of execute that ran, and those
	// that never did.
	Ran, Skipped []Line
	// Gates are the lines that read snap debug confinement, and what
	// file-confinement made of it.
	Gates    []string
	Duration time.Duration
	Denials  []denial.Record
}

// Run boots one system with tools and runs the tasks in it, in order. A
// task whose systems: leave out System is an error, not a skip.
// testsLib is the snapd tree's tests/lib, for $TESTSLIB and its test snaps.
func Run(tools *realsnapd.Tools, testsLib string, tasks []*Task) ([]Outcome, *realsnapd.Report, error) {
	programs := map[string][]byte{}
	err := fs.WalkDir(toolsFS, "tools", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := toolsFS.ReadFile(name)
		programs[path.Base(name)] = data
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	stage, err := os.MkdirTemp("", "snapd-shm-spread-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(stage)
	var scenarios []realsnapd.Scenario
	var bases []string
	for i, task := range tasks {
		if !task.RunsOn(System) {
			return nil, nil, fmt.Errorf("cannot run task %s: its systems %v leave out %s", task.Name, task.Systems, System)
		}
		dir := filepath.Join(stage, strconv.Itoa(i))
		if err := copyTree(task.Dir, filepath.Join(dir, "task")); err != nil {
			return nil, nil, err
		}
		if err := copyTree(testsLib, filepath.Join(dir, "lib")); err != nil {
			return nil, nil, err
		}
		found, err := taskBases(dir)
		if err != nil {
			return nil, nil, err
		}
		bases = addNew(bases, found...)
		scenarios = append(scenarios, realsnapd.Scenario{
			Name:   task.Name,
			Dir:    dir,
			Script: script(task),
		})
	}
	report, err := realsnapd.Boot(realsnapd.Options{Tools: tools, Bases: bases, Scenarios: scenarios, Programs: programs})
	if err != nil {
		return nil, nil, err
	}
	outcomes := make([]Outcome, len(tasks))
	for i, task := range tasks {
		outcomes[i] = outcome(task, report.Results[i])
	}
	return outcomes, report, nil
}

// taskBases lists the bases other than core that the test snaps under dir
// name.
func taskBases(dir string) ([]string, error) {
	var bases []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Name() != "snap.yaml" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var yml struct{ Base, Type string }
		if err := yaml.Unmarshal(data, &yml); err != nil {
			return fmt.Errorf("cannot read %s: %v", p, err)
		}
		if yml.Base != "" && yml.Base != "core" && yml.Base != "none" && yml.Type != "base" {
			bases = addNew(bases, yml.Base)
		}
		return nil
	})
	return bases, err
}

func addNew(list []string, items ...string) []string {
	for _, item := range items {
		found := false
		for _, have := range list {
			found = found || have == item
		}
		if !found {
			list = append(list, item)
		}
	}
	return list
}

func copyTree(from, to string) error {
	if err := os.MkdirAll(to, 0755); err != nil {
		return err
	}
	return filepath.Walk(from, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		switch {
		case info.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0700)
		case info.Mode()&os.ModeSymlink != 0:
			link, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(target, data, info.Mode().Perm())
		}
	})
}

// confinementQuery is how a task asks for the confinement level.
const confinementQuery = "snap debug confinement"

// script is the bash script that runs a task in its staged directory: its
// environment, then prepare, execute and restore, each traced with its
// line numbers.
func script(task *Task) string {
	var b strings.Builder
	b.WriteString(`export SPREAD_SYSTEM=` + System + ` SPREAD_TASK=` + quote.Shell(task.Name) + `
export TESTSTOOLS=/usr/local/bin TESTSLIB="$PWD/lib" SPREAD_PATH="$PWD"
cd task
`)
	for _, kv := range task.Environment {
		i := strings.IndexByte(kv, '=')
		// As spread does, the value is expanded by the shell.
		fmt.Fprintf(&b, "export %s=\"%s\"\n", kv[:i], strings.ReplaceAll(kv[i+1:], `"`, `\"`))
	}
	b.WriteString(`phase() {
	echo "spread-phase: $1"
	bash -c 'set -eu
trap '\''echo "spread-failed: $0 line $LINENO: $BASH_COMMAND"'\'' ERR
PS4='\''+ spread-line $LINENO: '\''
set -x
. "$1"' "$1" "$2" 2>&1
}
`)
	for _, p := range []struct{ name, text string }{{"prepare", task.Prepare}, {"execute", task.Execute}, {"restore", task.Restore}} {
		fmt.Fprintf(&b, "cat >../%s.sh <<'SPREAD_EOF'\n%s\nSPREAD_EOF\n", p.name, readConfinement(p.text))
	}
	b.WriteString(`status=0
phase prepare ../prepare.sh && phase execute ../execute.sh || status=1
phase restore ../restore.sh || status=1
exit $status
`)
	return b.String()
}

// readConfinement has a script ask file-confinement instead of snap debug
// confinement.
func readConfinement(text string) string {
	return strings.ReplaceAll(text, confinementQuery, "file-confinement")
}

var (
	// The wrapper's own lines are traced at depth 1, the task's deeper.
	traced = regexp.MustCompile(`^\+\++ spread-line (\d+): `)
	failed = regexp.MustCompile(`^spread-failed: (\w+) line (\d+): (.*)$`)
)

func outcome(task *Task, result realsnapd.Result) Outcome {
	o := Outcome{Task: task.Name, Passed: result.Exit == 0, Output: result.Output,
		Duration: result.Duration, Denials: result.Denials}
	ran := map[int]bool{}
	phase := ""
	scanner := bufio.NewScanner(strings.NewReader(result.Output))
	scanner.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "spread-phase: ") {
			phase = strings.TrimPrefix(line, "spread-phase: ")
		}
		if m := traced.FindStringSubmatch(line); m != nil && phase == "execute" {
			n, _ := strconv.Atoi(m[1])
			ran[n] = true
		}
		if m := failed.FindStringSubmatch(line); m != nil && o.Failure == "" {
			n, _ := strconv.Atoi(m[2])
			o.Failure = fmt.Sprintf("%s, line %d: %s", m[1], n, lineOf(task.phase(m[1]), n, m[3]))
		}
	}
	if !o.Passed && o.Failure == "" {
		o.Failure = fmt.Sprintf("exit status %d", result.Exit)
	}
	for _, l := range commands(task.Execute) {
		if ran[l.Number] {
			o.Ran = append(o.Ran, l)
		} else {
			o.Skipped = append(o.Skipped, l)
		}
	}
	for _, name := range []string{"prepare", "execute", "restore"} {
		for i, line := range strings.Split(task.phase(name), "\n") {
			if strings.Contains(line, confinementQuery) {
				o.Gates = append(o.Gates, fmt.Sprintf("%s, line %d: %s", name, i+1, strings.TrimSpace(line)))
			}
		}
	}
	if notes := gateNotes(result.Output); notes != "" {
		o.Gates = append(o.Gates, notes)
	}
	return o
}

// phase returns the text of the phase called name.
func (t *Task) phase(name string) string {
	switch name {
	case "prepare":
		return t.Prepare
	case "execute":
		return t.Execute
	case "restore":
		return t.Restore
	}
	return ""
}

// lineOf returns line n of text, trimmed, or otherwise when there is none.
func lineOf(text string, n int, otherwise string) string {
	lines := strings.Split(text, "\n")
	if n < 1 || n > len(lines) {
		return otherwise
	}
	return strings.TrimSpace(lines[n-1])
}

// gateNotes is what file-confinement said, once.
func gateNotes(output string) string {
	for _, line := range strings.Split(output, "\n") {
		if strings.HasPrefix(line, "file-confinement: ") {
			return line
		}
	}
	return ""
}

// commands are the lines of a script that run something: not blank, not
// comments, not the words that only close or continue a compound command.
func commands(text string) []Line {
	var lines []Line
	continued := false
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		wasContinued := continued
		continued = strings.HasSuffix(trimmed, `\`)
		if wasContinued || trimmed == "" || strings.HasPrefix(trimmed, "#") || closing[trimmed] {
			continue
		}
		lines = append(lines, Line{Number: i + 1, Text: trimmed})
	}
	return lines
}

var closing = map[string]bool{"fi": true, "else": true, "then": true, "do": true, "done": true, "}": true, "esac": true, ";;": true}
