package preview

import (
	"fmt"
	"sort"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
)

// pickPlug returns the shared-memory plug called name, or the only one
// when name is empty.
func pickPlug(s *Snap, name string) (string, error) {
	if name != "" {
		plug, ok := s.Declared.Plugs[name]
		if !ok {
			return "", noSuch(s, "plug", name)
		}
		return name, checkInterface(s, "plug", name, plug.Interface)
	}
	var names []string
	for plugName, plug := range s.Declared.Plugs {
		if plug.Interface == builtin.SharedMemory {
			names = append(names, plugName)
		}
	}
	return pickOnly(s, "plug", names)
}

// pickSlot returns the shared-memory slot called name, or the only one
// when name is empty. An os or snapd snap has the implicit system slot
// "shared-memory" even when its snap.yaml does not declare it.
func pickSlot(s *Snap, name string) (string, error) {
	if name != "" {
		slot, ok := s.Declared.Slots[name]
		if !ok {
			slot, ok = s.Installed.Slots[name]
		}
		if !ok {
			return "", noSuch(s, "slot", name)
		}
		return name, checkInterface(s, "slot", name, slot.Interface)
	}
	var names []string
	for slotName, slot := range s.Installed.Slots {
		if slot.Interface == builtin.SharedMemory {
			names = append(names, slotName)
		}
	}
	for badName := range s.Installed.BadInterfaces {
		if slot, ok := s.Declared.Slots[badName]; ok && slot.Interface == builtin.SharedMemory {
			names = append(names, badName)
		}
	}
	return pickOnly(s, "slot", names)
}

func noSuch(s *Snap, kind, name string) error {
	return fmt.Errorf("snap %q (%s) has no %s %q", s.Declared.InstanceName(), s.Path, kind, name)
}

func checkInterface(s *Snap, kind, name, iface string) error {
	if iface != builtin.SharedMemory {
		return fmt.Errorf("%s %q of snap %q (%s) has interface %q, not shared-memory", kind, name, s.Declared.InstanceName(), s.Path, iface)
	}
	return nil
}

func pickOnly(s *Snap, kind string, names []string) (string, error) {
	sort.Strings(names)
	switch len(names) {
	case 0:
		return "", fmt.Errorf("snap %q (%s) has no shared-memory %s", s.Declared.InstanceName(), s.Path, kind)
	case 1:
		return names[0], nil
	default:
		return "", fmt.Errorf("snap %q (%s) has %d shared-memory %ss (%s): name one as %s:%s", s.Declared.InstanceName(), s.Path, len(names), kind, strings.Join(names, ", "), s.Given, strings.ToUpper(kind))
	}
}
