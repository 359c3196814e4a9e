package system

import (
	"fmt"
	"sort"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"
)

// ReadSnap reads a snap.yaml as snapd installs it on the classic host the
// system models: it validates the snap as snapd does and sanitizes its
// plugs and slots with the registry. The sanitizer's verdicts stay in the
// snap's BadInterfaces, and the plugs and slots it rejected are removed.
//
// An os or snapd snap carries the implicit system slot of every interface
// implicit on classic: those slots are added when missing, and declared
// ones are kept unsanitized and without attributes, as snapd does.
func ReadSnap(s Snap, registry Registry) (*snap.Info, error) {
	globalsMu.Lock()
	defer globalsMu.Unlock()
	restore := onHost()
	defer restore()
	info, _, err := readSnap(s, registry.orOurs())
	return info, err
}

// readSnap is ReadSnap without the locking. It also returns the
// sanitizer's verdicts as one error, or nil when there are none.
func readSnap(s Snap, registry Registry) (info *snap.Info, rejected error, err error) {
	// The sanitizer runs below, with the registry asked for: whichever
	// registry set snapd's global hook plays no part.
	restore := snap.MockSanitizePlugsSlots(func(*snap.Info) {})
	info, err = snap.InfoFromSnapYaml(s.YAML)
	restore()
	if err != nil {
		return nil, nil, err
	}
	info.InstanceKey = s.InstanceKey
	info.Revision = installedRevision
	if err := snap.ValidateInstanceName(info.InstanceName()); err != nil {
		return nil, nil, err
	}
	systemSlots := takeSystemSlots(info, registry)
	declaredPlugs := make(map[string]bool, len(info.Plugs))
	for name := range info.Plugs {
		declaredPlugs[name] = true
	}
	registry.SanitizePlugsSlots(info)
	for name, slot := range systemSlots {
		info.Slots[name] = slot
	}
	return info, rejectedError(info, declaredPlugs), nil
}

// takeSystemSlots removes from an os or snapd snap the slots of interfaces
// implicit on classic, adds the implicit ones it does not declare, and
// returns them all, without attributes.
func takeSystemSlots(info *snap.Info, registry Registry) map[string]*snap.SlotInfo {
	if typ := info.Type(); typ != snap.TypeOS && typ != snap.TypeSnapd {
		return nil
	}
	slots := make(map[string]*snap.SlotInfo)
	for _, iface := range registry.Interfaces() {
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
