// Package preview shows what snapd would do with one shared-memory
// connection between two snaps as snapyaml reads them: whether each
// declaration passes the sanitizer, the policy engine's verdicts in an
// install, the AppArmor rules, snap-update-ns rules and mount entries of
// each side, and, on request, whether the full profiles compile. The
// Report is what "snap-iface connect --json" prints.
package preview

import (
	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
)

// Report is one connection's preview.
type Report struct {
	// Version changes only when a field changes meaning or goes away.
	Version int      `json:"version"`
	Plug    Endpoint `json:"plug"`
	Slot    Endpoint `json:"slot"`
	// Policy, PlugRules and SlotRules are nil when the plug or the slot
	// is invalid.
	Policy    *Policy `json:"policy"`
	PlugRules *Rules  `json:"plug_rules"`
	SlotRules *Rules  `json:"slot_rules"`
	// Check is set only when Options.Check asks for it.
	Check *Check `json:"check,omitempty"`
	// Enforce is the access table of enforce.AccessTable, for a caller
	// that runs it.
	Enforce *enforce.Table `json:"enforce,omitempty"`

	conn connection
}

// Endpoint is the plug or the slot.
type Endpoint struct {
	File     string `json:"file"`
	Snap     string `json:"snap"`
	SnapType string `json:"snap_type"`
	Name     string `json:"name"`
	// Implicit is true for snapd's system slot on an os or snapd snap.
	Implicit bool `json:"implicit"`
	// Valid is true when the sanitizer accepts the plug or slot. Errors
	// lists every shared-memory plug and slot of the snap that it
	// rejects: snapd leaves them out and installs the rest. When the plug
	// and the slot are of one snap, the plug lists them, and the slot
	// only its own.
	Valid  bool           `json:"valid"`
	Errors []BadInterface `json:"errors"`
	// Attributes are the attributes after sanitizing, nil when the
	// endpoint itself is rejected.
	Attributes map[string]interface{} `json:"attributes"`
	// Warnings are what "snap-iface lint" warns of about the plug or
	// slot, as review.Finding.Detail words them.
	Warnings []string `json:"warnings"`
}

// BadInterface is a plug or slot that the sanitizer rejected.
type BadInterface struct {
	// Kind is "plug" or "slot".
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Error string `json:"error"`
}

// Rules are what one side gains from the connection.
type Rules struct {
	AppArmor []Snippet `json:"apparmor"`
	// Permissions spells out each AppArmor permission set in the rules.
	Permissions map[string]string `json:"permissions"`
	// TemporarySemaphores is true when the rules hold
	// builtin.TemporarySemaphoreRule, for glibc's temporary semaphore
	// names: it reaches every object in /dev/shm named "sem." and 6
	// letters or digits that the app's user owns, whoever created it.
	TemporarySemaphores bool     `json:"temporary_semaphores"`
	UpdateNS            []string `json:"update_ns"`
	// MountProfile holds fstab lines, "" when there are none.
	MountProfile string `json:"mount_profile"`
}

// Snippet is the AppArmor snippet of one security tag.
type Snippet struct {
	Tag     string `json:"tag"`
	Snippet string `json:"snippet"`
}

// Check is the outcome of compiling the full profiles of both snaps.
type Check struct {
	OK       bool     `json:"ok"`
	Profiles []string `json:"profiles"`
	// Connected lists the connections the profiles were written for, and
	// Unconnected the plugs of either snap that are left out of them.
	Connected   []string `json:"connected"`
	Unconnected []string `json:"unconnected"`
	Error       string   `json:"error"`
}

// Policy holds the policy engine's verdicts in the install.
type Policy struct {
	// Install describes the install in words.
	Install       string `json:"install"`
	PlugPublisher string `json:"plug_publisher"`
	SlotPublisher string `json:"slot_publisher"`
	// SlotGranted is true when the slot snap's declaration grants its
	// shared-memory slot.
	SlotGranted bool           `json:"slot_granted"`
	InstallPlug policy.Verdict `json:"install_plug_snap"`
	InstallSlot policy.Verdict `json:"install_slot_snap"`
	// Connect is "snap connect" as snapd applies it in this install.
	Connect     policy.Verdict `json:"connect"`
	AutoConnect policy.Verdict `json:"auto_connect"`
	// Connected is "auto", "manual" ("snap connect" is needed) or "" when
	// the connection does not happen in this install.
	Connected policy.Connection `json:"connected"`
}

// OK reports whether all is well: the plug and the slot are valid, the
// connection happens in the install, and the profiles compile when they
// were checked.
func (r *Report) OK() bool {
	return r.Plug.Valid && r.Slot.Valid && r.Policy != nil && r.Policy.Connected != policy.NotConnected && (r.Check == nil || r.Check.OK)
}
