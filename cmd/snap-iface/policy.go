package main

import (
	"errors"
	"fmt"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
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
	Connected policy.Connection `json:"connected"`
}

// verdict is a policy.Verdict in the report.
type verdict struct {
	Allowed bool `json:"allowed"`
	// Reason says in plain words why it is denied, or why snapd does not
	// check.
	Reason string `json:"reason"`
	// PolicyError is the policy engine's error, also when snapd does not
	// act on it.
	PolicyError string `json:"policy_error"`
}

// policyModel is the install that connect's flags describe.
type policyModel struct{ policy.Install }

// checkPolicy applies snapd's policy to the connection in the modelled
// install, against the base declaration of our registry.
func checkPolicy(plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot, model policyModel) (*policyReport, error) {
	base, err := policy.BaseDeclaration(builtin.Interfaces())
	if err != nil {
		return nil, err
	}
	v, err := model.Check(plug, slot, base)
	if err != nil {
		return nil, flagError(err)
	}
	return &policyReport{
		Install:       v.Description,
		PlugPublisher: model.PlugPublisher,
		SlotPublisher: v.SlotPublisher,
		SlotGranted:   model.SlotGranted,
		InstallPlug:   verdict(v.InstallPlug),
		InstallSlot:   verdict(v.InstallSlot),
		Connect:       verdict(v.Connect),
		AutoConnect:   verdict(v.AutoConnect),
		Connected:     v.Connected,
	}, nil
}

// declarations returns the snap declarations of the plug and slot snaps in
// the modelled install, nil for a snap installed locally.
func (m policyModel) declarations(plugSnap, slotSnap *snap.Info) (plugDecl, slotDecl *asserts.SnapDeclaration, err error) {
	plugDecl, slotDecl, err = m.Declarations(plugSnap, slotSnap)
	return plugDecl, slotDecl, flagError(err)
}

// flagError names the flag that gave an invalid publisher.
func flagError(err error) error {
	var bad *policy.PublisherError
	switch {
	case !errors.As(err, &bad):
		return err
	case bad.Slot:
		return fmt.Errorf("--slot-publisher: %v", bad.Err)
	default:
		return fmt.Errorf("--plug-publisher: %v", bad.Err)
	}
}
