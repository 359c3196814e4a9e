package main

import (
	"fmt"
	"strings"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"
	snapdpolicy "github.com/snapcore/snapd/interfaces/policy"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
)

// systemPublisher publishes the os and snapd snaps, which always come from
// the store.
const systemPublisher = "canonical"

// How a connection comes about in the modelled install.
const (
	connectedAuto   = "auto"
	connectedManual = "manual"
	notConnected    = ""
)

type policyReport struct {
	// Install describes the modelled install in words.
	Install       string `json:"install"`
	PlugPublisher string `json:"plug_publisher"`
	SlotPublisher string `json:"slot_publisher"`
	// SlotGranted is true when the slot snap's declaration grants its
	// shared-memory slot.
	SlotGranted bool    `json:"slot_granted"`
	InstallPlug verdict `json:"install_plug_snap"`
	InstallSlot verdict `json:"install_slot_snap"`
	// Connect is "snap connect" as snapd applies it in this install.
	Connect     verdict `json:"connect"`
	AutoConnect verdict `json:"auto_connect"`
	// Connected is "auto", "manual" ("snap connect" is needed) or "" when
	// the connection does not happen in this install.
	Connected string `json:"connected"`
}

type verdict struct {
	Allowed bool `json:"allowed"`
	// Reason says in plain words why it is denied, or why snapd does not
	// check.
	Reason string `json:"reason"`
	// PolicyError is the policy engine's error, also when snapd does not
	// act on it.
	PolicyError string `json:"policy_error"`
}

// policyModel is the install being previewed: which snaps have snap
// declarations, by which publisher, and whether the slot is granted.
type policyModel struct {
	plugPublisher, slotPublisher string
	slotGranted                  bool
}

// checkPolicy asks snapd's policy engine about the connection, against the
// base declaration of our registry, and applies its verdicts as snapd does
// for the modelled install.
func checkPolicy(plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot, model policyModel) (*policyReport, error) {
	base, err := policy.BaseDeclaration(builtin.Interfaces())
	if err != nil {
		return nil, err
	}
	install := model.describe()
	if model.slotPublisher == "" && isSystemSnap(slot.Snap()) {
		install += fmt.Sprintf("; the system snap %s comes from the store", slot.Snap().InstanceName())
	}
	plugDecl, slotDecl, err := model.declarations(plug.Snap(), slot.Snap())
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
	why := explainer{plug: plug, slot: slot, model: model}
	report := &policyReport{
		Install:       install,
		PlugPublisher: model.plugPublisher,
		SlotPublisher: slotPublisher(slotDecl),
		SlotGranted:   model.slotGranted,
		InstallPlug:   checkInstall(plug.Snap(), plugDecl, base, why.install),
		InstallSlot:   checkInstall(slot.Snap(), slotDecl, base, why.install),
	}

	policyErr := conn.Check()
	report.Connect = verdictOf(policyErr, why.connect)
	if policyErr != nil && (plugDecl == nil || slotDecl == nil) {
		// snapd checks the connection policy of "snap connect" only
		// between snaps that both have snap declarations.
		report.Connect = verdict{
			Allowed:     true,
			Reason:      fmt.Sprintf("snapd checks no connection policy for a locally installed snap; from the store it would be denied: %s", why.connect(policyErr)),
			PolicyError: policyErr.Error(),
		}
	}
	_, autoErr := conn.CheckAutoConnect()
	report.AutoConnect = verdictOf(autoErr, why.autoConnect)

	switch {
	case !report.InstallPlug.Allowed || !report.InstallSlot.Allowed:
	case report.AutoConnect.Allowed:
		report.Connected = connectedAuto
	case report.Connect.Allowed:
		report.Connected = connectedManual
	}
	return report, nil
}

// checkInstall checks the installation of a snap as snapd does: in full
// when it has a snap declaration, and otherwise (snap install --dangerous)
// only whether its type may have its slots.
func checkInstall(info *snap.Info, decl *asserts.SnapDeclaration, base *asserts.BaseDeclaration, why func(*snap.Info, error) string) verdict {
	var err error
	if decl == nil {
		err = (&snapdpolicy.InstallCandidateMinimalCheck{Snap: info, BaseDeclaration: base}).Check()
	} else {
		err = (&snapdpolicy.InstallCandidate{Snap: info, SnapDeclaration: decl, BaseDeclaration: base}).Check()
	}
	switch {
	case err != nil:
		return verdict{Reason: why(info, err), PolicyError: err.Error()}
	case decl == nil:
		return verdict{Allowed: true, Reason: "installed locally, snapd checks only that a snap of its type may have its slots"}
	default:
		return verdict{Allowed: true}
	}
}

// declarations returns the snap declarations of the plug and slot snaps in
// the modelled install, nil for a snap installed locally. The system snap
// always comes from the store. A snap on both sides has one declaration.
func (m policyModel) declarations(plugSnap, slotSnap *snap.Info) (plugDecl, slotDecl *asserts.SnapDeclaration, err error) {
	slotPublisher := m.slotPublisher
	if slotPublisher == "" && isSystemSnap(slotSnap) {
		slotPublisher = systemPublisher
	}
	if slotSnap == plugSnap {
		if slotPublisher == "" {
			slotPublisher = m.plugPublisher
		}
		slotDecl, err = snapDeclaration(slotSnap, slotPublisher, m.slotGranted)
		return slotDecl, slotDecl, err
	}
	if plugDecl, err = snapDeclaration(plugSnap, m.plugPublisher, false); err != nil {
		return nil, nil, fmt.Errorf("--plug-publisher: %v", err)
	}
	if slotDecl, err = snapDeclaration(slotSnap, slotPublisher, m.slotGranted); err != nil {
		return nil, nil, fmt.Errorf("--slot-publisher: %v", err)
	}
	return plugDecl, slotDecl, nil
}

// snapDeclaration returns the snap's declaration by publisher, granting its
// shared-memory slots when granted; nil without a publisher.
func snapDeclaration(info *snap.Info, publisher string, granted bool) (*asserts.SnapDeclaration, error) {
	switch {
	case publisher == "":
		return nil, nil
	case granted:
		return policy.SnapDeclarationGrantingSharedMemory(info.SnapName(), publisher)
	default:
		return policy.SnapDeclaration(info.SnapName(), publisher)
	}
}

func slotPublisher(decl *asserts.SnapDeclaration) string {
	if decl == nil {
		return ""
	}
	return decl.PublisherID()
}

func verdictOf(err error, why func(error) string) verdict {
	if err != nil {
		return verdict{Reason: why(err), PolicyError: err.Error()}
	}
	return verdict{Allowed: true}
}

func (m policyModel) describe() string {
	switch {
	case m.plugPublisher == "" && m.slotPublisher == "":
		return "local install (snap install --dangerous, no snap declarations)"
	case m.slotGranted:
		return fmt.Sprintf("store (plug snap by %s, slot snap by %s, whose snap declaration grants the slot)", orLocal(m.plugPublisher), m.slotPublisher)
	default:
		return fmt.Sprintf("store (plug snap by %s, slot snap by %s)", orLocal(m.plugPublisher), orLocal(m.slotPublisher))
	}
}

// orLocal names a publisher, or says the snap has none.
func orLocal(publisher string) string {
	if publisher == "" {
		return "nobody: installed locally"
	}
	return publisher
}

// explainer puts the policy engine's denials of a shared-memory connection
// in plain words. The engine names only the rule that failed; the reasons
// follow from the interface's base declaration.
type explainer struct {
	plug  *interfaces.ConnectedPlug
	slot  *interfaces.ConnectedSlot
	model policyModel
}

func (e explainer) private() bool {
	value, _ := e.plug.Lookup("private")
	private, _ := value.(bool)
	return private
}

// sharedMemoryID returns the shared-memory identifier of a plug or slot.
func sharedMemoryID(attrs interface {
	Lookup(string) (interface{}, bool)
}) string {
	value, _ := attrs.Lookup("shared-memory")
	id, _ := value.(string)
	return id
}

func (e explainer) install(info *snap.Info, err error) string {
	for _, slot := range info.Slots {
		if slot.Interface != sharedMemory || !strings.Contains(err.Error(), fmt.Sprintf("%q slot rule", slot.Name)) {
			continue
		}
		switch info.Type() {
		case snap.TypeApp, snap.TypeGadget:
			return fmt.Sprintf("slot %q is super-privileged: the store must grant it in the snap declaration of %s (preview that with --slot-granted)", slot.Name, info.InstanceName())
		default:
			return fmt.Sprintf("a snap of type %s cannot have a shared-memory slot: only app, gadget, os and snapd snaps can", info.Type())
		}
	}
	return err.Error()
}

func (e explainer) connect(err error) string {
	if reason := e.mismatch(); reason != "" {
		return reason
	}
	return err.Error()
}

func (e explainer) autoConnect(err error) string {
	if reason := e.mismatch(); reason != "" {
		return reason
	}
	plugPub, slotPub := e.model.plugPublisher, e.model.slotPublisher
	switch {
	case plugPub == "" || slotPub == "":
		return "a plug auto-connects only to a slot of its own publisher, and a locally installed snap has none: use snap connect"
	case plugPub != slotPub:
		return fmt.Sprintf("a plug auto-connects only to a slot of its own publisher, and the plug snap is by %s, the slot snap by %s: use snap connect", plugPub, slotPub)
	}
	return err.Error()
}

// mismatch says why the plug cannot connect to the slot at all, or "".
func (e explainer) mismatch() string {
	systemSlot := isSystemSnap(e.slot.Snap())
	switch {
	case e.private() && !systemSlot:
		return "private plugs connect only to the system slot"
	case !e.private() && systemSlot:
		return "the system slot takes only private plugs: this plug connects to an application slot with the same identifier"
	case !e.private():
		plugID, slotID := sharedMemoryID(e.plug), sharedMemoryID(e.slot)
		if plugID != slotID {
			return fmt.Sprintf("plug identifier %s does not match slot identifier %s", plugID, slotID)
		}
	}
	return ""
}
