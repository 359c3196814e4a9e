package preview

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	snapdapparmor "github.com/snapcore/snapd/interfaces/apparmor"
	snapdmount "github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/osutil"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/review"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// Options say what the preview models and checks.
type Options struct {
	// Install is the install the policy verdicts apply to: local unless
	// publishers are given.
	Install policy.Install
	// Check writes the full profiles of both snaps with snapd's backend and
	// compiles them with apparmor_parser.
	Check bool
}

// connection is the plug and slot previewed, with their snaps.
type connection struct {
	plugSnap, slotSnap *Snap
	plug, slot         string
	install            policy.Install
}

// Connect previews the connection of the shared-memory plug of plugSnap
// to the shared-memory slot of slotSnap. An empty name stands for the
// snap's only shared-memory plug or slot; the snapd snap of
// SnapdSnap, like any os or snapd snap, has the implicit system
// slot. Both snaps may be one. An error means that the preview could not be
// made: no such plug or slot, two snaps of one name, or an invalid
// publisher (a *policy.PublisherError).
func Connect(plugSnap *Snap, plugName string, slotSnap *Snap, slotName string, opts Options) (*Report, error) {
	if plugSnap.Declared.InstanceName() == slotSnap.Declared.InstanceName() && plugSnap != slotSnap {
		if !sameFile(plugSnap.Path, slotSnap.Path) {
			return nil, fmt.Errorf("%s and %s both declare snap %q: give one file for a snap on both sides, or an instance key to preview two installs", plugSnap.Path, slotSnap.Path, plugSnap.Declared.InstanceName())
		}
		slotSnap = plugSnap
	}
	var err error
	if plugName, err = pickPlug(plugSnap, plugName); err != nil {
		return nil, err
	}
	if slotName, err = pickSlot(slotSnap, slotName); err != nil {
		return nil, err
	}
	r := &Report{
		Version: 3,
		Plug:    endpoint(plugSnap, plugName, false),
		Slot:    endpoint(slotSnap, slotName, true),
		conn:    connection{plugSnap: plugSnap, slotSnap: slotSnap, plug: plugName, slot: slotName, install: opts.Install},
	}
	if slotSnap == plugSnap {
		// The plug lists the snap's rejected plugs and slots once.
		r.Slot.Errors = ownErrors(r.Slot.Errors, "slot", slotName)
	}
	if err := r.addWarnings(); err != nil {
		return nil, err
	}
	plugInfo := plugSnap.Installed.Plugs[plugName]
	slotInfo := slotSnap.Installed.Slots[slotName]
	if plugInfo == nil || slotInfo == nil {
		return r, nil
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
	if r.Policy, err = checkPolicy(plug, slot, opts.Install); err != nil {
		return nil, err
	}
	iface, err := builtin.ByName(builtin.SharedMemory)
	if err != nil {
		return nil, err
	}
	if r.PlugRules, err = rules(plugSet, func(aa *snapdapparmor.Specification, m *snapdmount.Specification) error {
		if err := aa.AddConnectedPlug(iface, plug, slot); err != nil {
			return err
		}
		return m.AddConnectedPlug(iface, plug, slot)
	}); err != nil {
		return nil, fmt.Errorf("cannot compute the rules of plug %q: %v", plugName, err)
	}
	if r.SlotRules, err = rules(slotSet, func(aa *snapdapparmor.Specification, m *snapdmount.Specification) error {
		if err := aa.AddConnectedSlot(iface, plug, slot); err != nil {
			return err
		}
		return m.AddConnectedSlot(iface, plug, slot)
	}); err != nil {
		return nil, fmt.Errorf("cannot compute the rules of slot %q: %v", slotName, err)
	}
	if opts.Check {
		r.Check = r.check()
	}
	return r, nil
}

// SnapConnect is the argument list of "snap connect" for the connection;
// the system slot is written ":NAME", as snap connect takes it.
func (r *Report) SnapConnect() string {
	slot := r.Slot.Snap + ":" + r.Slot.Name
	if r.Slot.Implicit {
		slot = ":" + r.Slot.Name
	}
	return r.Plug.Snap + ":" + r.Plug.Name + " " + slot
}

// Setup is the install of both snaps with the connection made, for
// apparmor.Generate, mount.Generate or enforce.AccessTable. The
// connection is Connections[0].
func (r *Report) Setup() (system.Setup, error) {
	c := r.conn
	plugDecl, slotDecl, err := c.install.Declarations(c.plugSnap.Installed, c.slotSnap.Installed)
	if err != nil {
		return system.Setup{}, err
	}
	setup := system.Setup{
		Snaps: []system.Snap{{YAML: c.plugSnap.YAML, InstanceKey: c.plugSnap.Declared.InstanceKey}},
		Connections: []system.Connection{{
			PlugSnap: c.plugSnap.Declared.InstanceName(), Plug: c.plug,
			SlotSnap: c.slotSnap.Declared.InstanceName(), Slot: c.slot,
		}},
	}
	if c.slotSnap != c.plugSnap {
		setup.Snaps = append(setup.Snaps, system.Snap{YAML: c.slotSnap.YAML, InstanceKey: c.slotSnap.Declared.InstanceKey})
	}
	if plugDecl != nil {
		setup.Declarations = append(setup.Declarations, plugDecl)
	}
	if slotDecl != nil && slotDecl != plugDecl {
		setup.Declarations = append(setup.Declarations, slotDecl)
	}
	return setup, nil
}

// check writes the full profiles of both snaps in the install, with the
// connection made, and compiles them with apparmor_parser.
func (r *Report) check() *Check {
	check := &Check{Profiles: []string{}, Connected: []string{}, Unconnected: []string{}}
	setup, err := r.Setup()
	if err != nil {
		check.Error = err.Error()
		return check
	}
	result, err := apparmor.Generate(setup, apparmor.Options{Compile: true})
	if err != nil {
		check.Error = err.Error()
		return check
	}
	check.OK = true
	for _, p := range result.Files {
		check.Profiles = append(check.Profiles, p.Name)
	}
	for _, c := range result.Connected {
		how := []string{c.Interface}
		if c.Auto {
			how = append(how, "auto-connected")
		}
		if c.Requested {
			how = append(how, "requested")
		}
		check.Connected = append(check.Connected, fmt.Sprintf("%s:%s %s:%s (%s)", c.PlugSnap, c.Plug, c.SlotSnap, c.Slot, strings.Join(how, ", ")))
	}
	check.Unconnected = unconnected([]*snap.Info{r.conn.plugSnap.Installed, r.conn.slotSnap.Installed}, result.Connected)
	return check
}

// unconnected lists the plugs of the snaps that no connection uses, as
// "SNAP:PLUG (INTERFACE)", sorted.
func unconnected(infos []*snap.Info, conns []system.Connected) []string {
	used := make(map[string]bool, len(conns))
	for _, c := range conns {
		used[c.PlugSnap+":"+c.Plug] = true
	}
	list := []string{}
	seen := map[string]bool{}
	for _, info := range infos {
		for name, plug := range info.Plugs {
			ref := info.InstanceName() + ":" + name
			if !used[ref] && !seen[ref] {
				seen[ref] = true
				list = append(list, fmt.Sprintf("%s (%s)", ref, plug.Interface))
			}
		}
	}
	sort.Strings(list)
	return list
}

// checkPolicy applies snapd's policy to the connection in the install,
// against the base declaration of our registry.
func checkPolicy(plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot, install policy.Install) (*Policy, error) {
	base, err := registry.Ours().BaseDeclaration()
	if err != nil {
		return nil, err
	}
	v, err := install.Check(plug, slot, base)
	if err != nil {
		return nil, err
	}
	return &Policy{
		Install:       v.Description,
		PlugPublisher: install.PlugPublisher,
		SlotPublisher: v.SlotPublisher,
		SlotGranted:   install.SlotGranted,
		InstallPlug:   v.InstallPlug,
		InstallSlot:   v.InstallSlot,
		Connect:       v.Connect,
		AutoConnect:   v.AutoConnect,
		Connected:     v.Connected,
	}, nil
}

// rules runs add on fresh specifications of snapd's AppArmor and mount
// backends and collects what they gained.
func rules(set *interfaces.SnapAppSet, add func(*snapdapparmor.Specification, *snapdmount.Specification) error) (*Rules, error) {
	aa := snapdapparmor.NewSpecification(set)
	var m snapdmount.Specification
	if err := add(aa, &m); err != nil {
		return nil, err
	}
	r := &Rules{AppArmor: []Snippet{}, UpdateNS: aa.UpdateNS()}
	if r.UpdateNS == nil {
		r.UpdateNS = []string{}
	}
	var snippets []string
	for _, tag := range aa.SecurityTags() {
		snippet := aa.SnippetForTag(tag)
		r.AppArmor = append(r.AppArmor, Snippet{Tag: tag, Snippet: snippet})
		snippets = append(snippets, snippet)
		r.TemporarySemaphores = r.TemporarySemaphores || strings.Contains(snippet, builtin.TemporarySemaphoreRule)
	}
	r.Permissions = apparmor.PermissionsIn(snippets)
	var fstab bytes.Buffer
	profile := osutil.MountProfile{Entries: m.MountEntries()}
	if _, err := profile.WriteTo(&fstab); err != nil {
		return nil, err
	}
	r.MountProfile = fstab.String()
	return r, nil
}

// endpoint reports a plug or slot: its attributes are nil when the
// sanitizer rejected it, whatever the other side is.
func endpoint(s *Snap, name string, isSlot bool) Endpoint {
	e := Endpoint{
		File:     s.Path,
		Snap:     s.Declared.InstanceName(),
		SnapType: string(s.Declared.Type()),
		Name:     name,
		Errors:   badSharedMemory(s),
	}
	var attrs map[string]interface{}
	switch {
	case isSlot && s.Installed.Slots[name] != nil:
		attrs = s.Installed.Slots[name].Attrs
		e.Implicit = builtin.IsSystemSnap(s.Installed)
	case !isSlot && s.Installed.Plugs[name] != nil:
		attrs = s.Installed.Plugs[name].Attrs
	default:
		return e
	}
	e.Valid = true
	e.Attributes = map[string]interface{}{}
	for key, value := range attrs {
		e.Attributes[key] = jsonSafe(value)
	}
	return e
}

// ownErrors returns the errors about the plug or slot itself.
func ownErrors(errors []BadInterface, kind, name string) []BadInterface {
	own := []BadInterface{}
	for _, bad := range errors {
		if bad.Kind == kind && bad.Name == name {
			own = append(own, bad)
		}
	}
	return own
}

// addWarnings gives each side the warnings of a review of both snaps about
// it.
func (r *Report) addWarnings() error {
	snaps := []review.Snap{{Label: r.conn.plugSnap.Path, Info: r.conn.plugSnap.Declared, BadInterfaces: r.conn.plugSnap.Installed.BadInterfaces, YAML: r.conn.plugSnap.YAML}}
	if r.conn.slotSnap != r.conn.plugSnap {
		snaps = append(snaps, review.Snap{Label: r.conn.slotSnap.Path, Info: r.conn.slotSnap.Declared, BadInterfaces: r.conn.slotSnap.Installed.BadInterfaces, YAML: r.conn.slotSnap.YAML})
	}
	findings, err := review.Snaps(snaps)
	if err != nil {
		return err
	}
	r.Plug.Warnings, r.Slot.Warnings = []string{}, []string{}
	for _, f := range findings {
		switch {
		case f.Severity() != review.Warning:
		case f.Kind == "plug" && f.Name == r.Plug.Name && f.Label == r.Plug.File:
			r.Plug.Warnings = append(r.Plug.Warnings, f.Detail())
		case f.Kind == "slot" && f.Name == r.Slot.Name && f.Label == r.Slot.File:
			r.Slot.Warnings = append(r.Slot.Warnings, f.Detail())
		}
	}
	return nil
}

// badSharedMemory returns the sanitizer's verdicts on the snap's
// shared-memory plugs and slots, sorted by name.
func badSharedMemory(s *Snap) []BadInterface {
	bad := []BadInterface{}
	for name, msg := range s.Installed.BadInterfaces {
		if plug, ok := s.Declared.Plugs[name]; ok && plug.Interface == builtin.SharedMemory {
			bad = append(bad, BadInterface{Kind: "plug", Name: name, Error: msg + review.RejectionHint(plug.Attrs)})
		}
		if slot, ok := s.Declared.Slots[name]; ok && slot.Interface == builtin.SharedMemory {
			bad = append(bad, BadInterface{Kind: "slot", Name: name, Error: msg + review.RejectionHint(slot.Attrs)})
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Name < bad[j].Name })
	return bad
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

// sameFile reports whether two paths name one file.
func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	infoA, errA := os.Stat(a)
	infoB, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(infoA, infoB)
}
