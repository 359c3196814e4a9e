package suggest

import (
	"fmt"
	"strings"

	"github.com/snapcore/snapd/snap"
	"gopkg.in/yaml.v2"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/preview"
	"github.com/snapd-shm/snapd-shm/interfaces/review"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// OK reports whether the suggestions cover every denial without a
// warning of lint, and with Options.Check, whether the profiles compile.
func (r *Result) OK() bool {
	return len(r.Undeclarable) == 0 && len(r.Warnings) == 0 && (r.Check == nil || r.Check.Error == "")
}

// Lines is the result as text: each snap's plugs and slots as in
// snapcraft.yaml, the snap connect commands, notes, the names that cannot
// be declared, what was left out and the check.
func (r *Result) Lines() []string {
	var lines []string
	if len(r.Snaps) == 0 {
		lines = append(lines, "no denials of snaps in /dev/shm to declare")
	}
	for _, s := range r.Snaps {
		lines = append(lines, s.Instance+", in snapcraft.yaml:")
		for _, line := range strings.Split(strings.TrimSuffix(string(s.YAML()), "\n"), "\n") {
			lines = append(lines, "  "+line)
		}
	}
	for _, c := range r.Connections {
		lines = append(lines, c.String())
	}
	for _, note := range r.Notes {
		lines = append(lines, "note: "+note)
	}
	for _, warning := range r.Warnings {
		lines = append(lines, "lint: "+warning)
	}
	for _, u := range r.Undeclarable {
		lines = append(lines, fmt.Sprintf("cannot declare %q for %s: %s", u.Name, u.Snap, u.Reason))
	}
	for _, s := range r.Skipped {
		lines = append(lines, fmt.Sprintf("left out %d: %s", s.Count, s.Reason))
	}
	switch {
	case r.Check == nil:
	case r.Check.Error != "":
		lines = append(lines, "check: "+r.Check.Error)
	default:
		lines = append(lines, "check: "+strings.Join(r.Check.Profiles, ", ")+" compile")
	}
	return lines
}

// snapYAML is the snap.yaml of a snap with the suggestion: the apps and
// hooks of the log, and its plugs and slots.
func (s *Snap) snapYAML() []byte {
	apps := yaml.MapSlice{}
	for _, app := range s.Apps {
		apps = append(apps, yaml.MapItem{Key: app, Value: map[string]string{"command": "bin/" + app}})
	}
	hooks := yaml.MapSlice{}
	for _, hook := range s.Hooks {
		hooks = append(hooks, yaml.MapItem{Key: hook, Value: map[string]string{}})
	}
	doc := yaml.MapSlice{{Key: "name", Value: snap.InstanceSnap(s.Instance)}, {Key: "version", Value: "0"}}
	if len(apps) > 0 {
		doc = append(doc, yaml.MapItem{Key: "apps", Value: apps})
	}
	if len(hooks) > 0 {
		doc = append(doc, yaml.MapItem{Key: "hooks", Value: hooks})
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("internal error: cannot write a snap.yaml: %v", err))
	}
	return append(data, s.YAML()...)
}

// YAML is the snapcraft.yaml and snap.yaml text of the snap's plugs and
// slots.
func (s *Snap) YAML() []byte {
	doc := yaml.MapSlice{}
	if len(s.Plugs) > 0 {
		doc = append(doc, yaml.MapItem{Key: "plugs", Value: s.Plugs})
	}
	if len(s.Slots) > 0 {
		doc = append(doc, yaml.MapItem{Key: "slots", Value: s.Slots})
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("internal error: cannot write plugs and slots: %v", err))
	}
	return data
}

// validate reads each snap with its suggestion as snapd installs it, and
// lints them all: a rejected plug or slot, or an error of review, is an
// error of Suggest.
func validate(result *Result) error {
	var snaps []review.Snap
	for i := range result.Snaps {
		s := &result.Snaps[i]
		read, err := preview.Parse(s.Instance+"/snap.yaml", s.snapYAML())
		if err != nil {
			return fmt.Errorf("cannot suggest plugs and slots for snap %q: %v", s.Instance, err)
		}
		for _, reason := range read.Installed.BadInterfaces {
			return fmt.Errorf("cannot suggest plugs and slots for snap %q: %s", s.Instance, reason)
		}
		snaps = append(snaps, review.Snap{Label: s.Instance, Info: read.Declared, BadInterfaces: read.Installed.BadInterfaces})
	}
	findings, err := review.Snaps(snaps)
	if err != nil {
		return err
	}
	for _, f := range findings {
		if f.Severity() == review.Error {
			return fmt.Errorf("cannot suggest plugs and slots: %s", f)
		}
		result.Warnings = append(result.Warnings, f.String())
	}
	return nil
}

// Setup is the install of the snaps with the suggestions, for
// apparmor.Generate, mount.Generate or enforce.GenerateScene: each snap
// with the apps and hooks of the log, the connections to snap connect
// asked for, private plugs auto-connected.
func (r *Result) Setup() system.Setup {
	var setup system.Setup
	for i := range r.Snaps {
		s := &r.Snaps[i]
		_, key := snap.SplitInstanceName(s.Instance)
		setup.Snaps = append(setup.Snaps, system.Snap{YAML: s.snapYAML(), InstanceKey: key})
	}
	for _, c := range r.Connections {
		if c.SlotSnap != "" {
			setup.Connections = append(setup.Connections, system.Connection{PlugSnap: c.PlugSnap, Plug: c.Plug, SlotSnap: c.SlotSnap, Slot: c.Slot})
		}
	}
	return setup
}

// check compiles the profiles of the snaps, connected as suggested.
func check(result *Result) *Check {
	generated, err := apparmor.Generate(result.Setup(), apparmor.Options{Compile: true})
	if err != nil {
		return &Check{Profiles: []string{}, Error: err.Error()}
	}
	c := &Check{Profiles: []string{}}
	for _, p := range generated.Files {
		c.Profiles = append(c.Profiles, p.Name)
	}
	return c
}
