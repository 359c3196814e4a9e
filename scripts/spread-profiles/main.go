// Command spread-profiles evaluates the profile assertions of spread tasks
// against the complete AppArmor profiles that snapd's backend writes for
// the tasks' snaps, with the interfaces of the snapd it is built against.
//
//	go run ./scripts/spread-profiles TASK-DIR...
//
// It reads each task's execute section in order and models what it does to
// the snaps found in the task's directory (DIR/meta/snap.yaml): "snap
// connect", with the attributes that the snaps' prepare-plug and
// prepare-slot hooks set with "snapctl set", succeeds or fails as snapd's
// repository decides. Each assertion on a file under
// /var/lib/snapd/apparmor/profiles is then evaluated against the profiles of
// that moment: MATCH, NOMATCH and "not MATCH" with grep -E, as spread runs
// them; grep; "test -f"; and the md5sum comparisons. An "if" that tests
// "snap debug sandbox-features --required apparmor:…" or strict confinement
// is taken as true, and any profile assertion outside such a block is a
// failure: the profiles exist only where snapd's AppArmor backend is
// enabled. A line that names a profile but is none of the above is a
// failure too: it cannot be evaluated.
//
// It prints one line per evaluated statement and exits with 1 when any of
// them cannot hold.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	"gopkg.in/yaml.v2"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// profileDir is where snapd's AppArmor backend writes the profiles.
const profileDir = "/var/lib/snapd/apparmor/profiles/"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: spread-profiles TASK-DIR...")
		os.Exit(2)
	}
	failed := false
	for _, dir := range os.Args[1:] {
		results, err := evaluate(dir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", dir, err)
			failed = true
			continue
		}
		for _, r := range results {
			fmt.Printf("%s: %s\n", filepath.Base(dir), r)
			failed = failed || !r.holds
		}
	}
	if failed {
		os.Exit(1)
	}
}

// result is the verdict on one statement of a task.
type result struct {
	line   int
	text   string
	holds  bool
	reason string
}

func (r result) String() string {
	verdict := "holds"
	if !r.holds {
		verdict = "FAILS: " + r.reason
	}
	return fmt.Sprintf("line %d: %s: %s", r.line, r.text, verdict)
}

// task is a spread task and the snaps in its directory.
type task struct {
	env     map[string]string
	execute string
	snaps   []system.Snap
	// hookAttrs holds what prepare hooks set, by "snap:plug-or-slot".
	hookAttrs map[string]map[string]interface{}
}

func readTask(dir string) (*task, error) {
	data, err := os.ReadFile(filepath.Join(dir, "task.yaml"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Environment map[string]string
		Execute     string
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	t := &task{env: doc.Environment, execute: doc.Execute, hookAttrs: map[string]map[string]interface{}{}}
	snapYamls, err := filepath.Glob(filepath.Join(dir, "*", "meta", "snap.yaml"))
	if err != nil {
		return nil, err
	}
	for _, path := range snapYamls {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		t.snaps = append(t.snaps, system.Snap{YAML: data})
		var info struct{ Name string }
		if err := yaml.Unmarshal(data, &info); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		hooks, err := filepath.Glob(filepath.Join(filepath.Dir(path), "hooks", "prepare-*"))
		if err != nil {
			return nil, err
		}
		for _, hook := range hooks {
			if err := t.readHook(info.Name, hook); err != nil {
				return nil, err
			}
		}
	}
	if len(t.snaps) == 0 {
		return nil, errors.New("no snap in the task's directory")
	}
	return t, nil
}

// readHook reads the "snapctl set :NAME key=value..." lines of a prepare
// hook. snapctl decodes a value as JSON when it is JSON.
func (t *task) readHook(snapName, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(data), "\n") {
		words, err := shellWords(strings.TrimPrefix(strings.TrimSpace(line), "exec "), nil)
		if err != nil || len(words) < 4 || words[0] != "snapctl" || words[1] != "set" || !strings.HasPrefix(words[2], ":") {
			continue
		}
		key := snapName + ":" + words[2][1:]
		if t.hookAttrs[key] == nil {
			t.hookAttrs[key] = map[string]interface{}{}
		}
		for _, kv := range words[3:] {
			name, value, ok := strings.Cut(kv, "=")
			if !ok {
				return fmt.Errorf("%s: cannot read %q", path, kv)
			}
			var decoded interface{}
			if json.Unmarshal([]byte(value), &decoded) != nil {
				decoded = value
			}
			t.hookAttrs[key][name] = decoded
		}
	}
	return nil
}

// state is what the task has done so far to the snaps: connections asked
// for, in order, and whether each should succeed.
type state struct {
	task     *task
	connects []string // "plug-snap:plug slot-snap:slot"
	cache    map[string]map[string]string
	errs     map[string]error
}

// profiles returns the profiles after the first n connections, by path, and
// the error of the last of them.
func (s *state) profiles(n int) (map[string]string, error) {
	key := strings.Join(s.connects[:n], "\n")
	if files, ok := s.cache[key]; ok {
		return files, s.errs[key]
	}
	var connectErr error
	generated, err := apparmor.Generate(system.Setup{Snaps: s.task.snaps, Registry: registry.Upstream()}, apparmor.Options{
		Prepare: func(sys *system.System) error {
			for i, c := range s.connects[:n] {
				err := s.task.connect(sys.Repository, c)
				if i == n-1 {
					connectErr = err
				}
			}
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, f := range generated.Files {
		files[profileDir+f.Name] = f.Text
	}
	s.cache[key], s.errs[key] = files, connectErr
	return files, connectErr
}

func allow(*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) (bool, error) { return true, nil }

// connect connects "plug-snap:plug slot-snap:slot" with the attributes
// that the prepare hooks set, running the interface's BeforeConnect checks.
func (t *task) connect(repo *interfaces.Repository, c string) error {
	plug, slot, _ := strings.Cut(c, " ")
	plugSnap, plugName, _ := strings.Cut(plug, ":")
	slotSnap, slotName, _ := strings.Cut(slot, ":")
	ref := &interfaces.ConnRef{
		PlugRef: interfaces.PlugRef{Snap: plugSnap, Name: plugName},
		SlotRef: interfaces.SlotRef{Snap: slotSnap, Name: slotName},
	}
	_, err := repo.Connect(ref, nil, t.hookAttrs[plug], nil, t.hookAttrs[slot], allow)
	return err
}

var (
	guardRe   = regexp.MustCompile(`^if (snap debug sandbox-features --required apparmor:\S+|\[ "\$\(snap debug confinement\)" = "?strict"? \]) *; then$`)
	varTestRe = regexp.MustCompile(`^if \[ "\$(\w+)" = "?yes"? \] *; then$`)
	assignRe  = regexp.MustCompile(`^(\w+)=(.*)$`)
	connectRe = regexp.MustCompile(`^(not )?snap connect (\S+:\S+) (\S+:\S+)( .*)?$`)
	md5Re     = regexp.MustCompile(`^(\w+)=\$\(md5sum "\$(\w+)"\)$`)
	sameRe    = regexp.MustCompile(`^test "\$\(md5sum "\$(\w+)"\)" = "\$(\w+)"$`)
	matchRe   = regexp.MustCompile(`^(not )?(MATCH|NOMATCH) (.+) < "\$(\w+)"$`)
	grepRe    = regexp.MustCompile(`^(not )?grep (.+) "\$(\w+)"$`)
	existsRe  = regexp.MustCompile(`^(not )?test (! )?-[ef] "\$(\w+)"$`)
)

// evaluate runs the task's execute section as described above.
func evaluate(dir string) ([]result, error) {
	t, err := readTask(dir)
	if err != nil {
		return nil, err
	}
	s := &state{task: t, cache: map[string]map[string]string{}, errs: map[string]error{}}
	vars := map[string]string{}
	for k, v := range t.env {
		vars[k] = v
	}
	guardVars := map[string]bool{}
	snapshots := map[string]string{}
	var blocks []bool // whether each open "if" guards AppArmor
	guarded := func() bool {
		for _, g := range blocks {
			if g {
				return true
			}
		}
		return false
	}
	var results []result
	for i, raw := range strings.Split(t.execute, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		add := func(holds bool, reason string) {
			results = append(results, result{i + 1, line, holds, reason})
		}
		profile := func(name string) (string, bool) {
			files, _ := s.profiles(len(s.connects))
			text, ok := files[vars[name]]
			return text, ok
		}
		// existing is profile, a failure when there is none
		existing := func(name string) (string, bool) {
			text, ok := profile(name)
			if !ok {
				add(false, "no profile "+vars[name])
			}
			return text, ok
		}
		if m := guardRe.FindStringSubmatch(line); m != nil {
			blocks = append(blocks, true)
			continue
		}
		if m := varTestRe.FindStringSubmatch(line); m != nil {
			blocks = append(blocks, guardVars[m[1]])
			continue
		}
		if strings.HasPrefix(line, "if ") {
			blocks = append(blocks, false)
			continue
		}
		if line == "fi" {
			if len(blocks) == 0 {
				return nil, fmt.Errorf("line %d: fi without if", i+1)
			}
			blocks = blocks[:len(blocks)-1]
			continue
		}
		namesProfile := false
		for name, value := range vars {
			if strings.HasPrefix(value, profileDir) && strings.Contains(line, "$"+name) {
				namesProfile = true
			}
		}
		if namesProfile && !guarded() {
			add(false, "checks a profile where snapd's AppArmor backend may be disabled: guard it with snap debug sandbox-features --required apparmor:…")
			continue
		}
		m := struct{ c, md5, same, match, grep, exists []string }{connectRe.FindStringSubmatch(line), md5Re.FindStringSubmatch(line),
			sameRe.FindStringSubmatch(line), matchRe.FindStringSubmatch(line), grepRe.FindStringSubmatch(line), existsRe.FindStringSubmatch(line)}
		switch {
		case m.c != nil:
			s.connects = append(s.connects, m.c[2]+" "+m.c[3])
			_, err := s.profiles(len(s.connects))
			switch {
			case m.c[1] == "" && err != nil:
				add(false, "snapd refuses the connection: "+err.Error())
			case m.c[1] != "" && err == nil:
				add(false, "snapd makes the connection")
			default:
				add(true, "")
			}
			if err != nil {
				// a refused connection changes nothing
				s.connects = s.connects[:len(s.connects)-1]
			}
		case m.md5 != nil:
			if text, ok := existing(m.md5[2]); ok {
				snapshots[m.md5[1]] = text
				add(true, "")
			}
		case m.same != nil:
			text, ok := profile(m.same[1])
			before, snapped := snapshots[m.same[2]]
			switch {
			case !ok || !snapped:
				add(false, "no profile "+vars[m.same[1]]+" or no md5sum of it in $"+m.same[2])
			case text != before:
				add(false, "the profile changed")
			default:
				add(true, "")
			}
		case m.match != nil || m.grep != nil:
			var args []string
			var err error
			var name string
			var want bool
			if m.match != nil {
				// MATCH is grep -E on its standard input
				args, err = shellWords(m.match[3], vars)
				args = append([]string{"-E", "--"}, args...)
				name, want = m.match[4], (m.match[2] == "MATCH") != (m.match[1] != "")
			} else {
				args, err = shellWords(m.grep[2], vars)
				name, want = m.grep[3], m.grep[1] == ""
			}
			if err != nil {
				add(false, "cannot read the arguments")
			} else if text, ok := existing(name); ok {
				found, err := grep(text, args...)
				add(matches(found, err, want))
			}
		case m.exists != nil:
			_, ok := profile(m.exists[3])
			if want := (m.exists[1] == "") == (m.exists[2] == ""); ok != want {
				add(false, fmt.Sprintf("the profile exists: %v", ok))
			} else {
				add(true, "")
			}
		case namesProfile:
			add(false, "cannot evaluate this check of a profile")
		default:
			if m := assignRe.FindStringSubmatch(line); m != nil {
				words, err := shellWords(m[2], vars)
				if err == nil && len(words) == 1 {
					vars[m[1]] = words[0]
					if guarded() && words[0] == "yes" {
						guardVars[m[1]] = true
					}
				}
			}
		}
	}
	if len(blocks) != 0 {
		return nil, errors.New("if without fi")
	}
	return results, nil
}

// matches is the verdict on a match whose outcome should be want.
func matches(found bool, err error, want bool) (bool, string) {
	switch {
	case err != nil:
		return false, err.Error()
	case found && !want:
		return false, "the profile has a line that matches"
	case !found && want:
		return false, "no line of the profile matches"
	}
	return true, ""
}

// grep reports whether grep -q with args finds text, as MATCH (grep -E)
// decides it.
func grep(text string, args ...string) (bool, error) {
	cmd := exec.Command("grep", append([]string{"-q"}, args...)...)
	cmd.Stdin = strings.NewReader(text)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exit) && exit.ExitCode() == 1:
		return false, nil
	default:
		return false, fmt.Errorf("grep %q: %v %s", args, err, stderr.String())
	}
}

// shellWords splits a command line into words as the shell does for
// single and double quotes, expanding $NAME from vars outside single quotes.
// A nil vars expands nothing.
func shellWords(line string, vars map[string]string) ([]string, error) {
	var words []string
	var word strings.Builder
	inWord := false
	expand := func(s string) string {
		if vars == nil {
			return s
		}
		return os.Expand(s, func(name string) string { return vars[name] })
	}
	bare := func(i int) int {
		j := i
		for j < len(line) && strings.IndexByte(" \t'\"", line[j]) < 0 {
			j++
		}
		word.WriteString(expand(line[i:j]))
		return j - 1
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case ' ', '\t':
			if inWord {
				words = append(words, word.String())
				word.Reset()
				inWord = false
			}
		case '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unterminated quote")
			}
			word.WriteString(line[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case '"':
			var quoted strings.Builder
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) && strings.IndexByte("\"\\$`", line[j+1]) >= 0 {
					j++
				}
				quoted.WriteByte(line[j])
			}
			if j == len(line) {
				return nil, errors.New("unterminated quote")
			}
			word.WriteString(expand(quoted.String()))
			i = j
			inWord = true
		default:
			i = bare(i)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words, nil
}
