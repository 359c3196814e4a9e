package system

import (
	"fmt"
	"sort"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/internal/snapdglobals"
)

// ReadSnap reads a snap.yaml as snapd installs it on the classic host the
// system models: it gives the snap revision x1, sanitizes its plugs and
// slots with the registry, then validates it with snap.Validate. The
// sanitizer's verdicts stay in the snap's BadInterfaces, and the plugs and
// slots it rejected are removed.
//
// An os or snapd snap carries the implicit system slot of every interface
// implicit on classic: missing ones are added, as snapd does, and declared
// ones are replaced by bare implicit ones, which are not sanitized.
func ReadSnap(s Snap, reg registry.Registry) (info *snap.Info, err error) {
	snapdglobals.Borrow(func() {
		restore := onHost()
		defer restore()
		info, _, err = readSnap(s, reg.OrOurs())
	})
	return info, err
}

// ParseSnapYAML parses a snap.yaml as it is written: its plugs and slots
// are not sanitized, and their attributes have no defaults.
func ParseSnapYAML(data []byte) (info *snap.Info, err error) {
	snapdglobals.Borrow(func() { info, err = parseSnapYAML(data) })
	return info, err
}

// parseSnapYAML is ParseSnapYAML on borrowed globals. snapd's global
// sanitizer hook is replaced for the call, so that whichever registry set
// it plays no part.
func parseSnapYAML(data []byte) (*snap.Info, error) {
	restore := snap.MockSanitizePlugsSlots(func(*snap.Info) {})
	defer restore()
	return snap.InfoFromSnapYaml(data)
}

// readSnap is ReadSnap on borrowed globals. It also returns the
// sanitizer's verdicts as one error, or nil when there are none.
func readSnap(s Snap, reg registry.Registry) (info *snap.Info, rejected error, err error) {
	info, err = parseSnapYAML(s.YAML)
	if err != nil {
		return nil, nil, err
	}
	info.InstanceKey = s.InstanceKey
	info.Revision = installedRevision
	systemSlots := takeSystemSlots(info, reg)
	declaredPlugs := make(map[string]bool, len(info.Plugs))
	for name := range info.Plugs {
		declaredPlugs[name] = true
	}
	reg.SanitizePlugsSlots(info)
	if err := snap.Validate(info); err != nil {
		return nil, nil, err
	}
	for name, slot := range systemSlots {
		info.Slots[name] = slot
	}
	return info, rejectedError(info, declaredPlugs), nil
}

// takeSystemSlots removes from an os or snapd snap the slots of interfaces
// implicit on classic, adds the implicit ones it does not declare, and
// returns them all, without attributes.
func takeSystemSlots(info *snap.Info, reg registry.Registry) map[string]*snap.SlotInfo {
	if !builtin.IsSystemSnap(info) {
		return nil
	}
	slots := make(map[string]*snap.SlotInfo)
	for _, iface := range reg.Interfaces() {
		if !interfaces.StaticInfoOf(iface).ImplicitOnClassic {
			continue
		}
		for name, slot := range info.Slots {
			if slot.Interface == iface.Name() {
				slots[name] = &snap.SlotInfo{Snap: info, Name: name, Interface: slot.Interface}
				delete(info.Slots, name)
			}
		}
		if slots[iface.Name()] == nil && info.Slots[iface.Name()] == nil {
			slots[iface.Name()] = &snap.SlotInfo{Snap: info, Name: iface.Name(), Interface: iface.Name()}
		}
	}
	return slots
}

// rejectedError turns the sanitizer's verdicts on a snap into one error,
// or nil when there are none.
func rejectedError(info *snap.Info, declaredPlugs map[string]bool) error {
	if len(info.BadInterfaces) == 0 {
		return nil
	}
	var problems []string
	for name, problem := range info.BadInterfaces {
		kind := "slot"
		if declaredPlugs[name] {
			kind = "plug"
		}
		problems = append(problems, fmt.Sprintf("%s %q: %s", kind, name, problem))
	}
	sort.Strings(problems)
	return fmt.Errorf("snap %q has bad plugs or slots: %s", info.InstanceName(), strings.Join(problems, "; "))
}
