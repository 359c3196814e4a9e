package system

import (
	"fmt"
	"sort"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"
	snapdpolicy "github.com/snapcore/snapd/interfaces/policy"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
)

// SnapdSnapYAML is the snap.yaml of the snapd snap, which carries the
// implicit slots on a classic system. Run adds it when no os or snapd snap
// is given.
const SnapdSnapYAML = "name: snapd\nversion: \"2.64\"\ntype: snapd\n"

// withSystemSnap returns the snaps with a snapd snap added at the end when
// none of them is an os or snapd snap.
func withSystemSnap(infos []*snap.Info, reg registry.Registry) ([]*snap.Info, error) {
	for _, info := range infos {
		if builtin.IsSystemSnap(info) {
			return infos, nil
		}
	}
	info, _, err := readSnap(Snap{YAML: []byte(SnapdSnapYAML)}, reg)
	if err != nil {
		return nil, fmt.Errorf("internal error: cannot read the snapd snap: %v", err)
	}
	return append(infos, info), nil
}

// declarations matches snap declarations to the snaps by snap name and
// gives each snap the snap ID of its declaration, as the store does.
func declarations(infos []*snap.Info, decls []*asserts.SnapDeclaration) (map[string]*asserts.SnapDeclaration, error) {
	bySnap := make(map[string]*asserts.SnapDeclaration, len(decls))
	for _, decl := range decls {
		if bySnap[decl.SnapName()] != nil {
			return nil, fmt.Errorf("cannot use two snap declarations for snap %q", decl.SnapName())
		}
		bySnap[decl.SnapName()] = decl
	}
	known := make(map[string]bool, len(infos))
	for _, info := range infos {
		known[info.SnapName()] = true
		if decl := bySnap[info.SnapName()]; decl != nil {
			info.SnapID = decl.SnapID()
		}
	}
	for name := range bySnap {
		if !known[name] {
			return nil, fmt.Errorf("cannot use snap declaration of snap %q: no such snap", name)
		}
	}
	return bySnap, nil
}

// allowAll is the policy check of a connection that is made, like a manual
// "snap connect" on a snap without a snap declaration, or one that snapd's
// policy engine already allowed. Passing a check makes the repository run
// the interface's BeforeConnectPlug and BeforeConnectSlot, as snapd does.
func allowAll(*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) (bool, error) {
	return true, nil
}

// autoConnect connects every plug of every snap as snapd does when the
// snaps are installed: a plug connects to the slots that the policy engine
// allows it to auto-connect to, if there is exactly one, or to all of them
// when the declarations allow a plug any number of slots.
func (sys *System) autoConnect(base *asserts.BaseDeclaration, decls map[string]*asserts.SnapDeclaration) error {
	check := func(plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) (bool, interfaces.SideArity, error) {
		candidate := snapdpolicy.ConnectCandidate{
			Plug:                plug,
			PlugSnapDeclaration: decls[plug.Snap().SnapName()],
			Slot:                slot,
			SlotSnapDeclaration: decls[slot.Snap().SnapName()],
			BaseDeclaration:     base,
		}
		arity, err := candidate.CheckAutoConnect()
		return err == nil, arity, nil
	}
	for _, appSet := range sys.AppSets {
		info := appSet.Info()
		plugNames := make([]string, 0, len(info.Plugs))
		for name := range info.Plugs {
			plugNames = append(plugNames, name)
		}
		sort.Strings(plugNames)
		for _, plugName := range plugNames {
			slots, arities := sys.Repository.AutoConnectCandidateSlots(info.InstanceName(), plugName, check)
			if len(slots) != 1 && !anySlots(arities) {
				continue
			}
			sort.Slice(slots, func(i, j int) bool { return slots[i].String() < slots[j].String() })
			for _, slot := range slots {
				conn := Connection{PlugSnap: info.InstanceName(), Plug: plugName, SlotSnap: slot.Snap.InstanceName(), Slot: slot.Name}
				if err := sys.connect(conn, true); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func anySlots(arities []interfaces.SideArity) bool {
	for _, arity := range arities {
		if !arity.SlotsPerPlugAny() {
			return false
		}
	}
	return true
}

// connect makes a connection and records it. A requested connection that
// was auto-connected already is only marked as requested.
func (sys *System) connect(conn Connection, auto bool) error {
	for i := range sys.Connected {
		if sys.Connected[i].Connection == conn {
			sys.Connected[i].Requested = sys.Connected[i].Requested || !auto
			return nil
		}
	}
	ref := &interfaces.ConnRef{
		PlugRef: interfaces.PlugRef{Snap: conn.PlugSnap, Name: conn.Plug},
		SlotRef: interfaces.SlotRef{Snap: conn.SlotSnap, Name: conn.Slot},
	}
	connected, err := sys.Repository.Connect(ref, nil, nil, nil, nil, allowAll)
	if err != nil {
		return err
	}
	sys.Connected = append(sys.Connected, Connected{Connection: conn, Interface: connected.Plug.Interface(), Auto: auto, Requested: !auto})
	return nil
}
