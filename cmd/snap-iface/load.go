package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

const sharedMemory = "shared-memory"

// snapFile is one snap.yaml: its declarations as written, and as our
// registry's sanitizer leaves them.
type snapFile struct {
	path string
	yaml []byte
	// raw holds the plugs and slots as written, attributes without defaults.
	raw *snap.Info
	// sanitized is the snap as system.ReadSnap reads it: on an os or snapd
	// snap its shared-memory slots are the implicit system slot instead.
	sanitized *snap.Info
}

// loadSnapFile reads and parses a snap.yaml.
func loadSnapFile(path string) (*snapFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap.yaml: %v", err)
	}
	raw, err := parseSnapYaml(path, data)
	if err != nil {
		return nil, err
	}
	sanitized, err := system.ReadSnap(system.Snap{YAML: data}, system.Ours())
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return &snapFile{path: path, yaml: data, raw: raw, sanitized: sanitized}, nil
}

// parseSnapYaml parses a snap.yaml without sanitizing it: snapd's global
// sanitizer hook is replaced for the call, so that whichever registry set it
// plays no part.
func parseSnapYaml(path string, data []byte) (*snap.Info, error) {
	restore := snap.MockSanitizePlugsSlots(func(*snap.Info) {})
	defer restore()
	info, err := snap.InfoFromSnapYaml(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if err := snap.ValidateName(info.SnapName()); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return info, nil
}

// isSystemSnap reports whether the snap carries snapd's implicit slots.
func isSystemSnap(info *snap.Info) bool {
	return info.Type() == snap.TypeOS || info.Type() == snap.TypeSnapd
}

// badInterface is a plug or slot that the sanitizer rejected.
type badInterface struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

// badSharedMemory returns the sanitizer's verdicts on the snap's
// shared-memory plugs and slots, sorted by name. Other interfaces are not
// this tool's business: our registry knows only shared-memory.
func (f *snapFile) badSharedMemory() []badInterface {
	bad := []badInterface{}
	for name, msg := range f.sanitized.BadInterfaces {
		plug, isPlug := f.raw.Plugs[name]
		slot, isSlot := f.raw.Slots[name]
		if (isPlug && plug.Interface == sharedMemory) || (isSlot && slot.Interface == sharedMemory) {
			bad = append(bad, badInterface{Name: name, Error: msg})
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Name < bad[j].Name })
	return bad
}

// splitEndpoint splits "FILE:NAME" into the file and the plug or slot name.
// A file name may hold ":" only when no name follows.
func splitEndpoint(arg string) (path, name string) {
	if i := strings.LastIndex(arg, ":"); i >= 0 && !strings.Contains(arg[i+1:], "/") {
		if _, err := os.Stat(arg); err != nil {
			return arg[:i], arg[i+1:]
		}
	}
	return arg, ""
}

// pickPlug returns the raw shared-memory plug called name, or the only one
// when name is empty.
func (f *snapFile) pickPlug(name string) (string, error) {
	var names []string
	for plugName, plug := range f.raw.Plugs {
		if name == "" && plug.Interface == sharedMemory {
			names = append(names, plugName)
		}
	}
	if name != "" {
		plug, ok := f.raw.Plugs[name]
		if !ok {
			return "", fmt.Errorf("snap %q (%s) has no plug %q", f.raw.InstanceName(), f.path, name)
		}
		if plug.Interface != sharedMemory {
			return "", fmt.Errorf("plug %q of snap %q (%s) has interface %q, not shared-memory", name, f.raw.InstanceName(), f.path, plug.Interface)
		}
		return name, nil
	}
	return pickOnly(f, "plug", names)
}

// pickSlot returns the shared-memory slot called name, or the only one when
// name is empty. An os or snapd snap has the implicit system slot
// "shared-memory" even when its snap.yaml does not declare it.
func (f *snapFile) pickSlot(name string) (string, error) {
	var names []string
	for slotName, slot := range f.sanitized.Slots {
		if slot.Interface == sharedMemory {
			names = append(names, slotName)
		}
	}
	for badName := range f.sanitized.BadInterfaces {
		if slot, ok := f.raw.Slots[badName]; ok && slot.Interface == sharedMemory {
			names = append(names, badName)
		}
	}
	if name != "" {
		slot, ok := f.raw.Slots[name]
		if !ok {
			slot, ok = f.sanitized.Slots[name]
		}
		if !ok {
			return "", fmt.Errorf("snap %q (%s) has no slot %q", f.raw.InstanceName(), f.path, name)
		}
		if slot.Interface != sharedMemory {
			return "", fmt.Errorf("slot %q of snap %q (%s) has interface %q, not shared-memory", name, f.raw.InstanceName(), f.path, slot.Interface)
		}
		return name, nil
	}
	return pickOnly(f, "slot", names)
}

func pickOnly(f *snapFile, kind string, names []string) (string, error) {
	sort.Strings(names)
	switch len(names) {
	case 0:
		return "", fmt.Errorf("snap %q (%s) has no shared-memory %s", f.raw.InstanceName(), f.path, kind)
	case 1:
		return names[0], nil
	default:
		return "", fmt.Errorf("snap %q (%s) has %d shared-memory %ss (%s): name one as %s:%s", f.raw.InstanceName(), f.path, len(names), kind, strings.Join(names, ", "), f.path, strings.ToUpper(kind))
	}
}
