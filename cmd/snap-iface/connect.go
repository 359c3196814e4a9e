package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/interfaces/mount"
	snapdpolicy "github.com/snapcore/snapd/interfaces/policy"
	"github.com/snapcore/snapd/osutil"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
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

type policyReport struct {
	PlugPublisher string  `json:"plug_publisher"`
	SlotPublisher string  `json:"slot_publisher"`
	InstallPlug   verdict `json:"install_plug_snap"`
	InstallSlot   verdict `json:"install_slot_snap"`
	Connect       verdict `json:"connect"`
	AutoConnect   verdict `json:"auto_connect"`
}

type verdict struct {
	Allowed bool `json:"allowed"`
	// Reason is the policy engine's error when not allowed.
	Reason string `json:"reason"`
}

type rulesReport struct {
	AppArmor []taggedSnippet `json:"apparmor"`
	UpdateNS []string        `json:"update_ns"`
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
	Error    string   `json:"error"`
}

type connectOptions struct {
	json, check                  bool
	plugPublisher, slotPublisher string
}

func runConnect(args []string, stdout io.Writer) (int, error) {
	var opts connectOptions
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	fs.BoolVar(&opts.json, "json", false, "print a JSON document")
	fs.BoolVar(&opts.check, "check", false, "compile the full profiles with apparmor_parser")
	fs.StringVar(&opts.plugPublisher, "plug-publisher", "", "publisher id of the plug snap")
	fs.StringVar(&opts.slotPublisher, "slot-publisher", "", "publisher id of the slot snap")
	args, err := parseFlags(fs, args)
	if err != nil {
		return 0, err
	}
	if len(args) != 2 {
		return 0, fmt.Errorf("connect: want 2 arguments, PLUG_SNAP_YAML[:PLUG] SLOT_SNAP_YAML[:SLOT], got %d", len(args))
	}
	plugPath, plugName := splitEndpoint(args[0])
	slotPath, slotName := splitEndpoint(args[1])
	plugFile, err := loadSnapFile(plugPath)
	if err != nil {
		return 0, err
	}
	slotFile, err := loadSnapFile(slotPath)
	if err != nil {
		return 0, err
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
	if report.Policy == nil || (report.Check != nil && !report.Check.OK) {
		return exitFindings, nil
	}
	return exitOK, nil
}

func buildConnectReport(plugFile *snapFile, plugName string, slotFile *snapFile, slotName string, opts connectOptions) (*connectReport, error) {
	report := &connectReport{
		Version: 1,
		Plug:    endpoint(plugFile, plugName),
		Slot:    endpoint(slotFile, slotName),
	}
	plugInfo := plugFile.sanitized.Plugs[plugName]
	slotInfo := slotFile.sanitized.Slots[slotName]
	if plugInfo == nil || slotInfo == nil {
		return report, nil
	}
	report.Plug.Attributes = plugInfo.Attrs
	report.Slot.Attributes = slotInfo.Attrs
	report.Slot.Implicit = isSystemSnap(slotInfo.Snap)
	if report.Slot.Attributes == nil {
		report.Slot.Attributes = map[string]interface{}{}
	}

	plugSet, err := interfaces.NewSnapAppSet(plugInfo.Snap, nil)
	if err != nil {
		return nil, err
	}
	slotSet, err := interfaces.NewSnapAppSet(slotInfo.Snap, nil)
	if err != nil {
		return nil, err
	}
	plug := interfaces.NewConnectedPlug(plugInfo, plugSet, nil, nil)
	slot := interfaces.NewConnectedSlot(slotInfo, slotSet, nil, nil)

	if report.Policy, err = checkPolicy(plug, slot, opts); err != nil {
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
		report.Check = checkProfiles(plugFile, plugName, slotFile, slotName)
	}
	return report, nil
}

func endpoint(f *snapFile, name string) endpointReport {
	bad := f.badSharedMemory()
	return endpointReport{
		File:     f.path,
		Snap:     f.raw.InstanceName(),
		SnapType: string(f.raw.Type()),
		Name:     name,
		Valid:    len(bad) == 0,
		Errors:   bad,
	}
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

// checkPolicy asks snapd's policy engine about the connection, against the
// base declaration of our registry.
func checkPolicy(plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot, opts connectOptions) (*policyReport, error) {
	base, err := policy.BaseDeclaration(builtin.Interfaces())
	if err != nil {
		return nil, err
	}
	plugDecl, err := snapDeclaration(plug.Snap(), opts.plugPublisher)
	if err != nil {
		return nil, fmt.Errorf("--plug-publisher: %v", err)
	}
	slotDecl, err := snapDeclaration(slot.Snap(), opts.slotPublisher)
	if err != nil {
		return nil, fmt.Errorf("--slot-publisher: %v", err)
	}
	plugInstall := snapdpolicy.InstallCandidate{Snap: plug.Snap(), SnapDeclaration: plugDecl, BaseDeclaration: base}
	slotInstall := snapdpolicy.InstallCandidate{Snap: slot.Snap(), SnapDeclaration: slotDecl, BaseDeclaration: base}
	conn := snapdpolicy.ConnectCandidate{
		Plug:                plug,
		PlugSnapDeclaration: plugDecl,
		Slot:                slot,
		SlotSnapDeclaration: slotDecl,
		BaseDeclaration:     base,
	}
	_, autoErr := conn.CheckAutoConnect()
	return &policyReport{
		PlugPublisher: opts.plugPublisher,
		SlotPublisher: opts.slotPublisher,
		InstallPlug:   verdictOf(plugInstall.Check()),
		InstallSlot:   verdictOf(slotInstall.Check()),
		Connect:       verdictOf(conn.Check()),
		AutoConnect:   verdictOf(autoErr),
	}, nil
}

func snapDeclaration(info *snap.Info, publisher string) (*asserts.SnapDeclaration, error) {
	if publisher == "" {
		return nil, nil
	}
	return policy.SnapDeclaration(info.SnapName(), publisher)
}

func verdictOf(err error) verdict {
	if err != nil {
		return verdict{Reason: err.Error()}
	}
	return verdict{Allowed: true}
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
	for _, tag := range aa.SecurityTags() {
		report.AppArmor = append(report.AppArmor, taggedSnippet{Tag: tag, Snippet: aa.SnippetForTag(tag)})
	}
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
	fmt.Fprintf(w, "\nPolicy (%s):\n", publishers(p))
	fmt.Fprintf(w, "  install %s: %s\n", r.Plug.Snap, verdictText(p.InstallPlug))
	fmt.Fprintf(w, "  install %s: %s\n", r.Slot.Snap, verdictText(p.InstallSlot))
	fmt.Fprintf(w, "  connect: %s\n", verdictText(p.Connect))
	fmt.Fprintf(w, "  auto-connect: %s\n", verdictText(p.AutoConnect))
	writeRulesText(w, "plug", r.Plug.Snap, r.PlugRules)
	writeRulesText(w, "slot", r.Slot.Snap, r.SlotRules)
	if c := r.Check; c != nil {
		fmt.Fprintf(w, "\napparmor_parser:\n")
		if c.OK {
			fmt.Fprintf(w, "  compiled %d profiles: %s\n", len(c.Profiles), strings.Join(c.Profiles, ", "))
		} else {
			fmt.Fprintf(w, "  rejected: %s\n", c.Error)
		}
	}
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

func publishers(p *policyReport) string {
	if p.PlugPublisher == "" && p.SlotPublisher == "" {
		return "no snap declarations"
	}
	return fmt.Sprintf("plug publisher %s, slot publisher %s", orNone(p.PlugPublisher), orNone(p.SlotPublisher))
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func verdictText(v verdict) string {
	if v.Allowed {
		return "allowed"
	}
	return "denied: " + v.Reason
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
