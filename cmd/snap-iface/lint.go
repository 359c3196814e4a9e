package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/snapcore/snapd/snap"
)

// finding is one thing a reviewer would object to.
type finding struct {
	file     string
	severity string // "error" or "warning"
	kind     string // "plug" or "slot"; empty for the whole snap
	name     string
	attr     string
	value    interface{}
	hasValue bool
	message  string
}

func (f finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: ", f.file, f.severity)
	if f.kind != "" {
		fmt.Fprintf(&b, "%s %q: ", f.kind, f.name)
	}
	if f.attr != "" {
		fmt.Fprintf(&b, "attribute %q ", f.attr)
		if f.hasValue {
			fmt.Fprintf(&b, "value %s ", jsonText(f.value))
		}
	}
	b.WriteString(f.message)
	return b.String()
}

func jsonText(v interface{}) string {
	out, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(out)
}

// Attributes the interface reads; "interface" and "label" never reach Attrs.
var (
	knownPlugAttrs = map[string]bool{"shared-memory": true, "private": true}
	knownSlotAttrs = map[string]bool{"shared-memory": true, "read": true, "write": true}
)

// Objects that belong to other snaps: their private directories and files,
// and their POSIX semaphores.
var otherSnapsPatterns = []string{"snap.*", "sem.snap.*"}

func runLint(args []string, stdout io.Writer) (int, error) {
	fs := flag.NewFlagSet("lint", flag.ContinueOnError)
	args, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(args) == 0 {
		return 0, fmt.Errorf("lint: want at least one SNAP_YAML argument")
	}
	var files []*snapFile
	for _, path := range args {
		f, err := loadSnapFile(path)
		if err != nil {
			return 0, err
		}
		files = append(files, f)
	}
	findings := lintFiles(files)
	for _, f := range findings {
		fmt.Fprintln(stdout, f)
	}
	if len(findings) > 0 {
		return exitFindings, nil
	}
	return exitOK, nil
}

func lintFiles(files []*snapFile) []finding {
	var findings []finding
	for _, f := range files {
		findings = append(findings, lintFile(f)...)
	}
	return append(findings, lintPairs(files)...)
}

func lintFile(f *snapFile) []finding {
	var findings []finding
	add := func(severity, kind, name, attr string, value interface{}, hasValue bool, message string) {
		findings = append(findings, finding{f.path, severity, kind, name, attr, value, hasValue, message})
	}
	plugs, slots := sharedMemoryNames(f.raw)
	if len(plugs) == 0 && len(slots) == 0 {
		add("warning", "", "", "", nil, false, "declares no shared-memory plug or slot")
	}
	bad := map[string]string{}
	for _, b := range f.badSharedMemory() {
		bad[b.Name] = b.Error
	}
	for _, name := range plugs {
		if msg, ok := bad[name]; ok {
			add("error", "plug", name, "", nil, false, msg)
		}
		for _, attr := range sortedKeys(f.raw.Plugs[name].Attrs) {
			value := f.raw.Plugs[name].Attrs[attr]
			switch {
			case attr == "read" || attr == "write":
				add("warning", "plug", name, attr, value, true, "is a slot attribute: a plug ignores it")
			case !knownPlugAttrs[attr]:
				add("warning", "plug", name, attr, value, true, "is unknown to the shared-memory interface: it is ignored")
			}
		}
	}
	for _, name := range slots {
		attrs := f.raw.Slots[name].Attrs
		if isSystemSnap(f.raw) {
			for _, attr := range sortedKeys(attrs) {
				add("warning", "slot", name, attr, attrs[attr], true, "is ignored: the system slot of an os or snapd snap has no attributes")
			}
			continue
		}
		if msg, ok := bad[name]; ok {
			add("error", "slot", name, "", nil, false, msg)
		}
		for _, attr := range sortedKeys(attrs) {
			switch {
			case attr == "private":
				add("warning", "slot", name, attr, attrs[attr], true, "is a plug attribute: a slot ignores it")
			case !knownSlotAttrs[attr]:
				add("warning", "slot", name, attr, attrs[attr], true, "is unknown to the shared-memory interface: it is ignored")
			}
		}
		for _, w := range lintNames(attrs) {
			add("warning", "slot", name, w.attr, w.value, true, w.message)
		}
	}
	return findings
}

type nameWarning struct {
	attr    string
	value   interface{}
	message string
}

// lintNames checks the "read" and "write" lists of a slot as written.
func lintNames(attrs map[string]interface{}) []nameWarning {
	var warnings []nameWarning
	lists := map[string][]string{}
	for _, attr := range []string{"write", "read"} {
		value, ok := attrs[attr]
		if !ok {
			continue
		}
		items, isList := value.([]interface{})
		if isList && len(items) == 0 {
			warnings = append(warnings, nameWarning{attr, value, "is an empty list"})
		}
		seen := map[string]bool{}
		for _, item := range items {
			name, ok := item.(string)
			if !ok {
				continue
			}
			if seen[name] {
				warnings = append(warnings, nameWarning{attr, name, fmt.Sprintf("appears more than once in %q", attr)})
				continue
			}
			seen[name] = true
			lists[attr] = append(lists[attr], name)
			switch {
			case name == "*":
				warnings = append(warnings, nameWarning{attr, name, "exposes every object in /dev/shm"})
			case reachesOtherSnaps(name):
				warnings = append(warnings, nameWarning{attr, name, "reaches objects of other snaps (snap.* or sem.snap.*)"})
			}
		}
	}
	for _, name := range lists["read"] {
		for _, writable := range lists["write"] {
			if globsOverlap(name, writable) {
				warnings = append(warnings, nameWarning{"read", name, fmt.Sprintf("is not read-only: the plug can write it through \"write\" entry %q", writable)})
				break
			}
		}
	}
	return warnings
}

// reachesOtherSnaps reports whether the name or glob may match an object
// of another snap.
func reachesOtherSnaps(name string) bool {
	for _, pattern := range otherSnapsPatterns {
		if globsOverlap(name, pattern) {
			return true
		}
	}
	return false
}

// globsOverlap reports whether some name matches both patterns, where "*"
// matches any run of characters without "/". It walks both patterns at
// once: a "*" may end, or swallow the next literal of the other pattern.
func globsOverlap(a, b string) bool {
	type state struct{ i, j int }
	seen := map[state]bool{}
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		if seen[state{i, j}] {
			return false
		}
		seen[state{i, j}] = true
		if i == len(a) && j == len(b) {
			return true
		}
		aStar := i < len(a) && a[i] == '*'
		bStar := j < len(b) && b[j] == '*'
		switch {
		case aStar && walk(i+1, j):
			return true
		case bStar && walk(i, j+1):
			return true
		case aStar && j < len(b) && !bStar && b[j] != '/' && walk(i, j+1):
			return true
		case bStar && i < len(a) && !aStar && a[i] != '/' && walk(i+1, j):
			return true
		}
		return i < len(a) && j < len(b) && !aStar && !bStar && a[i] == b[j] && walk(i+1, j+1)
	}
	return walk(0, 0)
}

// lintPairs reports plugs whose identifier matches no slot of the other
// files, when other files declare application slots.
func lintPairs(files []*snapFile) []finding {
	var findings []finding
	for _, plugFile := range files {
		plugs, _ := sharedMemoryNames(plugFile.raw)
		for _, plugName := range plugs {
			attrs := plugFile.raw.Plugs[plugName].Attrs
			if private, _ := attrs["private"].(bool); private {
				continue
			}
			id, ok := identifier(attrs, plugName)
			if !ok {
				continue
			}
			var offered []string
			matched := false
			for _, slotFile := range files {
				if slotFile == plugFile || isSystemSnap(slotFile.raw) {
					continue
				}
				_, slots := sharedMemoryNames(slotFile.raw)
				for _, slotName := range slots {
					slotID, ok := identifier(slotFile.raw.Slots[slotName].Attrs, slotName)
					if !ok {
						continue
					}
					matched = matched || slotID == id
					offered = append(offered, fmt.Sprintf("%q (%s slot %q)", slotID, slotFile.path, slotName))
				}
			}
			if len(offered) > 0 && !matched {
				findings = append(findings, finding{plugFile.path, "warning", "plug", plugName, "shared-memory", id, true,
					"matches no slot: the slots offer " + strings.Join(offered, ", ")})
			}
		}
	}
	return findings
}

// identifier returns the "shared-memory" attribute as written, or the
// default, the plug or slot name; false when it is not a string.
func identifier(attrs map[string]interface{}, name string) (string, bool) {
	value, ok := attrs["shared-memory"]
	if !ok {
		return name, true
	}
	id, ok := value.(string)
	if id == "" {
		return name, ok
	}
	return id, ok
}

// sharedMemoryNames returns the names of the snap's shared-memory plugs and
// slots, sorted.
func sharedMemoryNames(info *snap.Info) (plugs, slots []string) {
	for name, plug := range info.Plugs {
		if plug.Interface == sharedMemory {
			plugs = append(plugs, name)
		}
	}
	for name, slot := range info.Slots {
		if slot.Interface == sharedMemory {
			slots = append(slots, name)
		}
	}
	sort.Strings(plugs)
	sort.Strings(slots)
	return plugs, slots
}

func sortedKeys(m map[string]interface{}) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
