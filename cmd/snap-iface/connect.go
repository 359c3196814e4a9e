package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/osutil"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
)

// connectReport is the document that "connect --json" prints.
type connectReport struct {
	// Version changes only when a field changes meaning or goes away.
	Version int            `json:"version"`
	Plug    endpointReport `json:"plug"`
	Slot    endpointReport `json:"slot"`
	// Policy, PlugRules and SlotRules are null when the plug or the slot
	// is invalid.
	Policy    *policyReport `json:"policy"`
	PlugRules *rulesReport  `json:"plug_rules"`
	SlotRules *rulesReport  `json:"slot_rules"`
	// Check is present only with --check.
	Check *checkReport `json:"check,omitempty"`
	// Enforce is present only with --enforce.
	Enforce *enforce.Table `json:"enforce,omitempty"`
}

type endpointReport struct {
	File     string `json:"file"`
	Snap     string `json:"snap"`
	SnapType string `json:"snap_type"`
	Name     string `json:"name"`
	// Implicit is true for snapd's system slot on an os or snapd snap.
	Implicit bool `json:"implicit"`
	// Valid is true when the sanitizer accepts every shared-memory plug and
	// slot of the snap; Errors lists those it rejects.
	Valid  bool           `json:"valid"`
	Errors []badInterface `json:"errors"`
	// Attributes are the attributes after sanitizing, null when the
	// endpoint itself is rejected.
	Attributes map[string]interface{} `json:"attributes"`
}

type rulesReport struct {
	AppArmor []taggedSnippet `json:"apparmor"`
	// Permissions spells out each AppArmor permission set in the rules.
	Permissions map[string]string `json:"permissions"`
	UpdateNS    []string          `json:"update_ns"`
	// MountProfile holds fstab lines, "" when there are none.
	MountProfile string `json:"mount_profile"`
}

type taggedSnippet struct {
	Tag     string `json:"tag"`
	Snippet string `json:"snippet"`
}

type checkReport struct {
	OK       bool     `json:"ok"`
	Profiles []string `json:"profiles"`
	// Connected lists the connections the profiles were written for.
	Connected []string `json:"connected"`
	Error     string   `json:"error"`
}

type connectOptions struct {
	json, check, enforce             bool
	policy                           policyModel
	plugInstanceKey, slotInstanceKey string
}

func connectFlags(opts *connectOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	fs.BoolVar(&opts.json, "json", false, "print a JSON document")
	fs.BoolVar(&opts.check, "check", false, "write the full profiles of both snaps with snapd's backend and compile them with apparmor_parser")
	fs.BoolVar(&opts.enforce, "enforce", false, "run probes under the full profiles in a User-mode Linux kernel with AppArmor and print the access it grants")
	fs.StringVar(&opts.policy.PlugPublisher, "plug-publisher", "", "the plug snap comes from the store with a snap declaration by publisher `ID`")
	fs.StringVar(&opts.policy.SlotPublisher, "slot-publisher", "", "the slot snap comes from the store with a snap declaration by publisher `ID`")
	fs.BoolVar(&opts.policy.SlotGranted, "slot-granted", false, "the slot snap's declaration grants its shared-memory slot, as a store or brand store does (needs --slot-publisher)")
	fs.StringVar(&opts.plugInstanceKey, "plug-instance-key", "", "preview the plug snap parallel-installed as NAME_`KEY`")
	fs.StringVar(&opts.slotInstanceKey, "slot-instance-key", "", "preview the slot snap parallel-installed as NAME_`KEY`")
	return fs
}

func runConnect(args []string, stdout io.Writer) (int, error) {
	var opts connectOptions
	args, err := parseFlags(connectFlags(&opts), args)
	if err != nil {
		return 0, err
	}
	if len(args) != 2 {
		return 0, fmt.Errorf("connect: want 2 arguments, PLUG_SNAP[:PLUG] SLOT_SNAP[:SLOT], got %d", len(args))
	}
	if opts.policy.SlotGranted && opts.policy.SlotPublisher == "" {
		return 0, fmt.Errorf("connect: --slot-granted needs --slot-publisher: only a snap declaration grants a slot")
	}
	plugPath, plugName := splitEndpoint(args[0])
	slotPath, slotName := splitEndpoint(args[1])
	plugFile, err := loadSnapFile(plugPath)
	if err != nil {
		return 0, err
	}
	if err := plugFile.setInstanceKey(opts.plugInstanceKey); err != nil {
		return 0, fmt.Errorf("--plug-instance-key: %v", err)
	}
	slotFile, err := loadSlotSnap(slotPath)
	if err != nil {
		return 0, err
	}
	if err := slotFile.setInstanceKey(opts.slotInstanceKey); err != nil {
		return 0, fmt.Errorf("--slot-instance-key: %v", err)
	}
	if plugFile.raw.InstanceName() == slotFile.raw.InstanceName() {
		if !sameFile(plugFile.path, slotFile.path) {
			return 0, fmt.Errorf("%s and %s both declare snap %q: give one file for a snap on both sides, or an instance key to preview two installs", plugFile.path, slotFile.path, plugFile.raw.InstanceName())
		}
		// One snap is on both sides.
		slotFile = plugFile
	}
	if plugName, err = plugFile.pickPlug(plugName); err != nil {
		return 0, err
	}
	if slotName, err = slotFile.pickSlot(slotName); err != nil {
		return 0, err
	}
	report, err := buildConnectReport(plugFile, plugName, slotFile, slotName, opts)
	if err != nil {
		return 0, err
	}
	if opts.enforce {
		if report.Enforce, err = enforceTable(report, plugFile, plugName, slotFile, slotName, opts.policy); err != nil {
			return 0, err
		}
	}
	if opts.json {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return 0, fmt.Errorf("cannot encode report: %v", err)
		}
	} else {
		writeConnectText(stdout, report)
	}
	return report.status(), nil
}

// loadSlotSnap loads the slot side: a file, or "system" for the snapd snap
// of a classic system.
func loadSlotSnap(path string) (*snapFile, error) {
	if path == systemArgument {
		return systemSnapFile(), nil
	}
	return loadSnapFile(path)
}

// status is the exit status for the report: findings when a shared-memory
// declaration is invalid, when the connection does not happen in the
// modelled install, or when apparmor_parser rejects a profile.
func (r *connectReport) status() int {
	if !r.Plug.Valid || !r.Slot.Valid || r.Policy == nil || r.Policy.Connected == policy.NotConnected || (r.Check != nil && !r.Check.OK) {
		return exitFindings
	}
	return exitOK
}

func buildConnectReport(plugFile *snapFile, plugName string, slotFile *snapFile, slotName string, opts connectOptions) (*connectReport, error) {
	report := &connectReport{
		Version: 2,
		Plug:    endpoint(plugFile, plugName, false),
		Slot:    endpoint(slotFile, slotName, true),
	}
	plugInfo := plugFile.sanitized.Plugs[plugName]
	slotInfo := slotFile.sanitized.Slots[slotName]
	if plugInfo == nil || slotInfo == nil {
		return report, nil
	}

	plugSet, err := interfaces.NewSnapAppSet(plugInfo.Snap, nil)
	if err != nil {
		return nil, err
	}
	slotSet := plugSet
	if slotInfo.Snap != plugInfo.Snap {
		if slotSet, err = interfaces.NewSnapAppSet(slotInfo.Snap, nil); err != nil {
			return nil, err
		}
	}
	plug := interfaces.NewConnectedPlug(plugInfo, plugSet, nil, nil)
	slot := interfaces.NewConnectedSlot(slotInfo, slotSet, nil, nil)

	if report.Policy, err = checkPolicy(plug, slot, opts.policy); err != nil {
		return nil, err
	}
	iface := sharedMemoryInterface()
	if report.PlugRules, err = rules(plugSet, func(aa *apparmor.Specification, m *mount.Specification) error {
		if err := aa.AddConnectedPlug(iface, plug, slot); err != nil {
			return err
		}
		return m.AddConnectedPlug(iface, plug, slot)
	}); err != nil {
		return nil, fmt.Errorf("cannot compute the rules of plug %q: %v", plugName, err)
	}
	if report.SlotRules, err = rules(slotSet, func(aa *apparmor.Specification, m *mount.Specification) error {
		if err := aa.AddConnectedSlot(iface, plug, slot); err != nil {
			return err
		}
		return m.AddConnectedSlot(iface, plug, slot)
	}); err != nil {
		return nil, fmt.Errorf("cannot compute the rules of slot %q: %v", slotName, err)
	}
	if opts.check {
		report.Check = checkProfiles(plugFile, plugName, slotFile, slotName, opts.policy)
	}
	return report, nil
}

// endpoint reports a plug or slot: its attributes are null when the
// sanitizer rejected it, whatever the other side is.
func endpoint(f *snapFile, name string, isSlot bool) endpointReport {
	bad := f.badSharedMemory()
	e := endpointReport{
		File:     f.path,
		Snap:     f.raw.InstanceName(),
		SnapType: string(f.raw.Type()),
		Name:     name,
		Valid:    len(bad) == 0,
		Errors:   bad,
	}
	var attrs map[string]interface{}
	switch {
	case isSlot && f.sanitized.Slots[name] != nil:
		attrs = f.sanitized.Slots[name].Attrs
		e.Implicit = isSystemSnap(f.sanitized)
	case !isSlot && f.sanitized.Plugs[name] != nil:
		attrs = f.sanitized.Plugs[name].Attrs
	default:
		return e
	}
	e.Attributes = map[string]interface{}{}
	for key, value := range attrs {
		e.Attributes[key] = jsonSafe(value)
	}
	return e
}

// jsonSafe returns a copy of an attribute value that JSON can hold: YAML's
// .nan, .inf and -.inf become those strings.
func jsonSafe(value interface{}) interface{} {
	switch v := value.(type) {
	case float64:
		switch {
		case math.IsNaN(v):
			return ".nan"
		case math.IsInf(v, 1):
			return ".inf"
		case math.IsInf(v, -1):
			return "-.inf"
		}
	case map[string]interface{}:
		safe := make(map[string]interface{}, len(v))
		for key, item := range v {
			safe[key] = jsonSafe(item)
		}
		return safe
	case []interface{}:
		safe := make([]interface{}, len(v))
		for i, item := range v {
			safe[i] = jsonSafe(item)
		}
		return safe
	}
	return value
}

// sharedMemoryInterface returns our registry's shared-memory interface.
func sharedMemoryInterface() interfaces.Interface {
	for _, iface := range builtin.Interfaces() {
		if iface.Name() == sharedMemory {
			return iface
		}
	}
	panic("internal error: the registry has no shared-memory interface")
}

// rules runs add on fresh specifications of snapd's AppArmor and mount
// backends and collects what they gained.
func rules(set *interfaces.SnapAppSet, add func(*apparmor.Specification, *mount.Specification) error) (*rulesReport, error) {
	aa := apparmor.NewSpecification(set)
	var m mount.Specification
	if err := add(aa, &m); err != nil {
		return nil, err
	}
	report := &rulesReport{AppArmor: []taggedSnippet{}, UpdateNS: aa.UpdateNS()}
	if report.UpdateNS == nil {
		report.UpdateNS = []string{}
	}
	var snippets []string
	for _, tag := range aa.SecurityTags() {
		snippet := aa.SnippetForTag(tag)
		report.AppArmor = append(report.AppArmor, taggedSnippet{Tag: tag, Snippet: snippet})
		snippets = append(snippets, snippet)
	}
	report.Permissions = permissionsIn(snippets)
	var fstab bytes.Buffer
	profile := osutil.MountProfile{Entries: m.MountEntries()}
	if _, err := profile.WriteTo(&fstab); err != nil {
		return nil, err
	}
	report.MountProfile = fstab.String()
	return report, nil
}

func writeConnectText(w io.Writer, r *connectReport) {
	writeEndpointText(w, "Plug", r.Plug)
	writeEndpointText(w, "Slot", r.Slot)
	if r.Policy == nil {
		fmt.Fprintf(w, "\nNo preview: the plug or the slot is rejected.\n")
		return
	}
	p := r.Policy
	fmt.Fprintf(w, "\nPolicy, %s:\n", p.Install)
	fmt.Fprintf(w, "  install %s: %s\n", r.Plug.Snap, verdictText(p.InstallPlug))
	if r.Slot.Snap != r.Plug.Snap {
		fmt.Fprintf(w, "  install %s: %s\n", r.Slot.Snap, verdictText(p.InstallSlot))
	}
	fmt.Fprintf(w, "  snap connect: %s\n", verdictText(p.Connect))
	fmt.Fprintf(w, "  auto-connect: %s\n", verdictText(p.AutoConnect))
	switch p.Connected {
	case policy.ConnectedAuto:
		fmt.Fprintf(w, "  result: connected automatically\n")
		fmt.Fprintf(w, "\nRules granted once connected:\n")
	case policy.ConnectedManual:
		fmt.Fprintf(w, "  result: connected by snap connect %s\n", snapConnectArgs(r))
		fmt.Fprintf(w, "\nRules granted once connected:\n")
	default:
		fmt.Fprintf(w, "  result: not connected in this install\n")
		fmt.Fprintf(w, "\nRules a connection would grant (NOT granted in this install):\n")
	}
	writeRulesText(w, "plug", r.Plug.Snap, r.PlugRules)
	writeRulesText(w, "slot", r.Slot.Snap, r.SlotRules)
	if c := r.Check; c != nil {
		fmt.Fprintf(w, "\napparmor_parser:\n")
		if c.OK {
			fmt.Fprintf(w, "  connections made:\n")
			for _, conn := range c.Connected {
				fmt.Fprintf(w, "    %s\n", conn)
			}
			fmt.Fprintf(w, "  compiled %d profiles: %s\n", len(c.Profiles), strings.Join(c.Profiles, ", "))
		} else {
			fmt.Fprintf(w, "  rejected: %s\n", c.Error)
		}
	}
	writeEnforceText(w, r.Enforce)
}

// snapConnectArgs are the arguments of "snap connect" for the connection;
// the system slot is written ":NAME", as snap connect takes it.
func snapConnectArgs(r *connectReport) string {
	slot := r.Slot.Snap + ":" + r.Slot.Name
	if r.Slot.Implicit {
		slot = ":" + r.Slot.Name
	}
	return r.Plug.Snap + ":" + r.Plug.Name + " " + slot
}

func writeEndpointText(w io.Writer, kind string, e endpointReport) {
	fmt.Fprintf(w, "%s %s:%s (%s, type %s)\n", kind, e.Snap, e.Name, e.File, e.SnapType)
	if e.Valid {
		fmt.Fprintf(w, "  declaration: valid\n")
	} else {
		fmt.Fprintf(w, "  declaration: invalid\n")
		for _, bad := range e.Errors {
			fmt.Fprintf(w, "    %s: %s\n", bad.Name, bad.Error)
		}
	}
	switch {
	case e.Attributes == nil:
		fmt.Fprintf(w, "  %s %q: rejected\n", strings.ToLower(kind), e.Name)
	case e.Implicit:
		fmt.Fprintf(w, "  implicit system slot: not sanitized, no attributes\n")
	default:
		fmt.Fprintf(w, "  attributes: %s\n", attributesText(e.Attributes))
	}
}

func verdictText(v verdict) string {
	switch {
	case v.Allowed && v.Reason != "":
		return "allowed: " + v.Reason
	case v.Allowed:
		return "allowed"
	default:
		return "denied: " + v.Reason
	}
}

// attributesText renders attributes in name order, values as JSON.
func attributesText(attrs map[string]interface{}) string {
	if len(attrs) == 0 {
		return "(none)"
	}
	out, err := json.Marshal(attrs)
	if err != nil {
		return fmt.Sprintf("%v", attrs)
	}
	return string(out)
}

func writeRulesText(w io.Writer, side, snapName string, r *rulesReport) {
	fmt.Fprintf(w, "\nAppArmor rules, %s side (%s):\n", side, snapName)
	if len(r.AppArmor) == 0 {
		fmt.Fprintf(w, "  (none)\n")
	}
	for _, s := range r.AppArmor {
		fmt.Fprintf(w, "  %s:\n", s.Tag)
		writeIndented(w, s.Snippet, "    ")
	}
	if len(r.Permissions) > 0 {
		fmt.Fprintf(w, "  permissions: %s\n", permissionsText(r.Permissions))
	}
	fmt.Fprintf(w, "snap-update-ns rules, %s side:\n", side)
	if len(r.UpdateNS) == 0 {
		fmt.Fprintf(w, "  (none)\n")
	}
	for _, s := range r.UpdateNS {
		writeIndented(w, s, "  ")
	}
	fmt.Fprintf(w, "Mount profile, %s side:\n", side)
	if r.MountProfile == "" {
		fmt.Fprintf(w, "  (none)\n")
	}
	writeIndented(w, r.MountProfile, "  ")
}

// writeIndented writes each non-blank line of text with the prefix, so that
// leading and trailing newlines of snippets leave no gaps.
func writeIndented(w io.Writer, text, prefix string) {
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) != "" {
			fmt.Fprintf(w, "%s%s\n", prefix, line)
		}
	}
}
