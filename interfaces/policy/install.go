package policy

import (
	"fmt"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"
	snapdpolicy "github.com/snapcore/snapd/interfaces/policy"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
)

// systemPublisher publishes the os and snapd snaps, which always come from
// the store.
const systemPublisher = "canonical"

// Install is an install of a plug snap and a slot snap, for which Check
// applies snapd's policy to a shared-memory connection. A snap without a
// publisher is installed locally (snap install --dangerous) and has no snap
// declaration; a snap with one comes from the store with a snap declaration
// by that publisher. An os or snapd slot snap always comes from the store.
type Install struct {
	PlugPublisher, SlotPublisher string
	// SlotGranted is true when the slot snap's declaration grants its
	// shared-memory slots, as a store or brand store grants a
	// super-privileged slot. It needs SlotPublisher.
	SlotGranted bool
}

// Connection says how a connection comes about in an install.
type Connection string

const (
	// ConnectedAuto is a connection snapd makes by itself.
	ConnectedAuto Connection = "auto"
	// ConnectedManual is a connection that needs "snap connect".
	ConnectedManual Connection = "manual"
	// NotConnected is a connection that does not happen.
	NotConnected Connection = ""
)

// Verdict is snapd's decision on one step of an install.
type Verdict struct {
	Allowed bool `json:"allowed"`
	// Reason says in plain words why it is denied, or why snapd does not
	// check.
	Reason string `json:"reason"`
	// PolicyError is the policy engine's error, also when snapd does not
	// act on it.
	PolicyError string `json:"policy_error"`
}

// Verdicts are snapd's decisions on a connection in an install.
type Verdicts struct {
	// Description describes the install in words.
	Description string
	// SlotPublisher publishes the slot snap's declaration, "" when the
	// slot snap is installed locally.
	SlotPublisher            string
	InstallPlug, InstallSlot Verdict
	// Connect is "snap connect" as snapd applies it in the install.
	Connect     Verdict
	AutoConnect Verdict
	Connected   Connection
}

// PublisherError is an invalid publisher of the plug snap, or of the slot
// snap when Slot is true.
type PublisherError struct {
	Slot bool
	Err  error
}

func (e *PublisherError) Error() string {
	side := "plug"
	if e.Slot {
		side = "slot"
	}
	return side + " publisher: " + e.Err.Error()
}

func (e *PublisherError) Unwrap() error { return e.Err }

// Check asks snapd's policy engine about the connection against base, and
// applies its verdicts as snapd does in the install.
func (in Install) Check(plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot, base *asserts.BaseDeclaration) (*Verdicts, error) {
	plugDecl, slotDecl, err := in.Declarations(plug.Snap(), slot.Snap())
	if err != nil {
		return nil, err
	}
	conn := snapdpolicy.ConnectCandidate{
		Plug:                plug,
		PlugSnapDeclaration: plugDecl,
		Slot:                slot,
		SlotSnapDeclaration: slotDecl,
		BaseDeclaration:     base,
	}
	why := explainer{plug: plug, slot: slot, install: in}
	v := &Verdicts{
		Description:   in.describe(slot.Snap()),
		SlotPublisher: publisher(slotDecl),
		InstallPlug:   checkInstall(plug.Snap(), plugDecl, base),
		InstallSlot:   checkInstall(slot.Snap(), slotDecl, base),
	}

	policyErr := conn.Check()
	v.Connect = verdictOf(policyErr, why.connect)
	if policyErr != nil && (plugDecl == nil || slotDecl == nil) {
		// snapd checks the connection policy of "snap connect" only
		// between snaps that both have snap declarations.
		v.Connect = Verdict{
			Allowed:     true,
			Reason:      fmt.Sprintf("snapd checks no connection policy for a locally installed snap; from the store it would be denied: %s", why.connect(policyErr)),
			PolicyError: policyErr.Error(),
		}
	}
	_, autoErr := conn.CheckAutoConnect()
	v.AutoConnect = verdictOf(autoErr, why.autoConnect)

	switch {
	case !v.InstallPlug.Allowed || !v.InstallSlot.Allowed:
	case v.AutoConnect.Allowed:
		v.Connected = ConnectedAuto
	case v.Connect.Allowed:
		v.Connected = ConnectedManual
	}
	return v, nil
}

// Declarations returns the snap declarations of the plug and slot snaps in
// the install, nil for a snap installed locally. A snap on both sides has
// one declaration. An invalid publisher is a *PublisherError when the
// snaps differ.
func (in Install) Declarations(plugSnap, slotSnap *snap.Info) (plugDecl, slotDecl *asserts.SnapDeclaration, err error) {
	if in.SlotGranted && in.SlotPublisher == "" {
		return nil, nil, fmt.Errorf("cannot grant the slot of a locally installed snap: only a snap declaration grants a slot")
	}
	slotPublisher := in.SlotPublisher
	if slotPublisher == "" && builtin.IsSystemSnap(slotSnap) {
		slotPublisher = systemPublisher
	}
	if slotSnap == plugSnap {
		if slotPublisher == "" {
			slotPublisher = in.PlugPublisher
		}
		slotDecl, err = declaration(slotSnap, slotPublisher, in.SlotGranted)
		return slotDecl, slotDecl, err
	}
	if plugDecl, err = declaration(plugSnap, in.PlugPublisher, false); err != nil {
		return nil, nil, &PublisherError{Err: err}
	}
	if slotDecl, err = declaration(slotSnap, slotPublisher, in.SlotGranted); err != nil {
		return nil, nil, &PublisherError{Slot: true, Err: err}
	}
	return plugDecl, slotDecl, nil
}

// declaration returns the snap's declaration by publisher, granting its
// shared-memory slots when granted; nil without a publisher.
func declaration(info *snap.Info, publisher string, granted bool) (*asserts.SnapDeclaration, error) {
	switch {
	case publisher == "":
		return nil, nil
	case granted:
		return SnapDeclarationGrantingSharedMemory(info.SnapName(), publisher)
	default:
		return SnapDeclaration(info.SnapName(), publisher)
	}
}

func publisher(decl *asserts.SnapDeclaration) string {
	if decl == nil {
		return ""
	}
	return decl.PublisherID()
}

// checkInstall checks the installation of a snap as snapd does: in full
// when it has a snap declaration, and otherwise (snap install --dangerous)
// only whether its type may have its slots.
func checkInstall(info *snap.Info, decl *asserts.SnapDeclaration, base *asserts.BaseDeclaration) Verdict {
	var err error
	if decl == nil {
		err = (&snapdpolicy.InstallCandidateMinimalCheck{Snap: info, BaseDeclaration: base}).Check()
	} else {
		err = (&snapdpolicy.InstallCandidate{Snap: info, SnapDeclaration: decl, BaseDeclaration: base}).Check()
	}
	switch {
	case err != nil:
		return Verdict{Reason: explainInstall(info, err), PolicyError: err.Error()}
	case decl == nil && len(info.Slots) == 0:
		return Verdict{Allowed: true, Reason: "installed locally, snapd checks only a snap's slots, and it has none"}
	case decl == nil:
		return Verdict{Allowed: true, Reason: "installed locally, snapd checks only that a snap of its type may have its slots"}
	default:
		return Verdict{Allowed: true}
	}
}

func verdictOf(err error, why func(error) string) Verdict {
	if err != nil {
		return Verdict{Reason: why(err), PolicyError: err.Error()}
	}
	return Verdict{Allowed: true}
}

// describe says in words which install this is.
func (in Install) describe(slotSnap *snap.Info) string {
	var words string
	switch {
	case in.PlugPublisher == "" && in.SlotPublisher == "":
		words = "local install (snap install --dangerous, no snap declarations)"
	case in.SlotGranted:
		words = fmt.Sprintf("store (plug snap by %s, slot snap by %s, whose snap declaration grants the slot)", orLocal(in.PlugPublisher), in.SlotPublisher)
	default:
		words = fmt.Sprintf("store (plug snap by %s, slot snap by %s)", orLocal(in.PlugPublisher), orLocal(in.SlotPublisher))
	}
	if in.SlotPublisher == "" && builtin.IsSystemSnap(slotSnap) {
		words += fmt.Sprintf("; the system snap %s comes from the store", slotSnap.InstanceName())
	}
	return words
}

// orLocal names a publisher, or says the snap has none.
func orLocal(publisher string) string {
	if publisher == "" {
		return "nobody: installed locally"
	}
	return publisher
}
