// Package hookattrs measures, for every interface of a registry, what
// attributes set at connection time do: the attributes that a prepare-plug
// or prepare-slot hook sets with "snapctl set :<plug-or-slot> key=value",
// which snapd hands to the interface as the dynamic attributes of the
// ConnectedPlug or ConnectedSlot, and which ConnectedPlug.Lookup and
// ConnectedSlot.Lookup return first. Each case connects through snapd's
// Repository.Connect, generates every backend's output with snapd's own
// Specifications, compiles the AppArmor rules with apparmor_parser, and
// compares the result with what a snap.yaml may declare.
package hookattrs

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"
	snapdapparmor "github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/interfaces/utils"

	"github.com/snapd-shm/snapd-shm/interfaces/policy"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/keys"
)

// Outcome is what snapd does with one case.
type Outcome string

// The outcomes, from the least to the most severe.
const (
	Refused  Outcome = "refused at connection"
	Same     Outcome = "accepted, as the snap.yaml may declare"
	GenError Outcome = "error at profile generation"
	Broken   Outcome = "broken profile"
	Panic    Outcome = "panic"
	Hole     Outcome = "accepted, although the snap.yaml may not declare it"
)

var severity = map[Outcome]int{Refused: 0, Same: 1, GenError: 2, Broken: 3, Panic: 4, Hole: 5}

// worse returns the more severe of two outcomes; "" is the least.
func worse(a, b Outcome) Outcome {
	if a == "" || (b != "" && severity[b] > severity[a]) {
		return b
	}
	return a
}

// Case is one attribute set at connection time and what came of it.
type Case struct {
	Key     string  `json:"key"`
	Value   string  `json:"value"` // the value as JSON, as snapctl set takes it
	Outcome Outcome `json:"outcome"`
	// Detail is snapd's error, the panic, the parser's message, or, for
	// a hole, why the snap.yaml may not declare it.
	Detail string `json:"detail,omitempty"`
	// Grants lists, for a hole, the backends' lines that the case adds
	// to the connection's output, each as "backend: line".
	Grants []string `json:"grants,omitempty"`
	// Policy says, for a hole, what the base declaration decides for
	// snaps of one publisher from the store, without a grant.
	Policy string `json:"policy,omitempty"`
}

// Side is the audit of a plug or of a slot of one interface.
type Side struct {
	// Skipped says why the side was not audited.
	Skipped string `json:"skipped,omitempty"`
	// YAML is the snap.yaml of the snap whose hook sets the attributes,
	// PeerYAML that of the snap it connects to, "" for the system snap,
	// and Connect the connection, as "snap connect" names it.
	YAML     string `json:"yaml,omitempty"`
	PeerYAML string `json:"peer_yaml,omitempty"`
	Connect  string `json:"connect,omitempty"`
	// Read lists the attributes that change snapd's verdict or output
	// when set at connection time.
	Read []string `json:"read"`
	// Validated lists those of Read that no case turns into a hole, a
	// broken profile, an error or a panic.
	Validated []string `json:"validated"`
	Worst     Outcome  `json:"worst,omitempty"`
	Cases     []Case   `json:"cases"`
}

// Interface is the audit of one interface.
type Interface struct {
	Name string `json:"name"`
	Plug Side   `json:"plug"`
	Slot Side   `json:"slot"`
}

// Worst returns the most severe outcome of both sides, "" when neither
// was audited.
func (i *Interface) Worst() Outcome {
	return worse(i.Plug.Worst, i.Slot.Worst)
}

// Results is the audit of a registry.
type Results struct {
	// Snapd names the snapd the audit ran against.
	Snapd      string       `json:"snapd"`
	Keys       []string     `json:"keys"`
	Interfaces []*Interface `json:"interfaces"`
}

// Holes returns "interface plug|slot key" for each hole found, once per
// attribute.
func (r *Results) Holes() []string {
	var holes []string
	for _, iface := range r.Interfaces {
		for _, side := range []struct {
			name string
			s    *Side
		}{{"plug", &iface.Plug}, {"slot", &iface.Slot}} {
			seen := make(map[string]bool)
			for _, c := range side.s.Cases {
				if c.Outcome == Hole && !seen[c.Key] {
					seen[c.Key] = true
					holes = append(holes, fmt.Sprintf("%s %s %s", iface.Name, side.name, c.Key))
				}
			}
		}
	}
	return holes
}

// Options selects what Audit measures.
type Options struct {
	Registry registry.Registry
	// Snapd names the snapd audited, for the results.
	Snapd string
	// Keys are the candidate attribute names, from Keys.
	Keys []string
	// Only, when not empty, names the interfaces to audit.
	Only []string
}

// Timings is where an audit's time went.
type Timings struct {
	Setup, Connect, Declare, Compile time.Duration
	Cases, Compiled                  int
}

func (t Timings) String() string {
	return fmt.Sprintf("%d cases: systems set up %v, connections and backends %v, snap.yaml checks %v; apparmor_parser %v (%d profiles)",
		t.Cases, t.Setup.Round(time.Millisecond), t.Connect.Round(time.Millisecond), t.Declare.Round(time.Microsecond), t.Compile.Round(time.Millisecond), t.Compiled)
}

// Audit audits every interface of the registry, or those of opts.Only.
func Audit(opts Options) (*Results, Timings, error) {
	var t Timings
	if err := checkParser(); err != nil {
		return nil, t, err
	}
	base, err := opts.Registry.BaseDeclaration()
	if err != nil {
		return nil, t, err
	}
	only := make(map[string]bool)
	for _, name := range opts.Only {
		only[name] = true
	}
	results := &Results{Snapd: opts.Snapd, Keys: opts.Keys}
	for _, iface := range opts.Registry.Interfaces() {
		if len(only) > 0 && !only[iface.Name()] {
			continue
		}
		a := &auditor{iface: iface, registry: opts.Registry, base: base, keys: opts.Keys, t: &t}
		result := &Interface{Name: iface.Name()}
		result.Plug = a.side(false)
		result.Slot = a.side(true)
		results.Interfaces = append(results.Interfaces, result)
	}
	return results, t, nil
}

// auditor audits one interface.
type auditor struct {
	iface    interfaces.Interface
	registry registry.Registry
	base     *asserts.BaseDeclaration
	keys     []string
	t        *Timings
}

// attempt is one connection made, and what came of it.
type attempt struct {
	outcome Outcome
	detail  string
	out     Output
	// profiles are the AppArmor profiles' bodies, for apparmor_parser.
	profiles []string
	conn     *interfaces.Connection
}

func allow(*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) (bool, error) { return true, nil }

// side audits the plug side, or the slot side, of the interface.
func (a *auditor) side(isSlot bool) Side {
	var result Side
	start := time.Now()
	setup, err := a.setup(isSlot)
	if err != nil {
		return skipped(err)
	}
	var pending []compileJob
	// apparmor_parser runs once the system is gone: the apparmor
	// package looks it up outside system.Run.
	err = system.Run(setup, &snapdapparmor.Backend{}, func(sys *system.System) error {
		a.t.Setup += time.Since(start)
		ref, err := connRef(sys, a.iface, isSlot)
		if err != nil {
			return err
		}
		result.Connect = fmt.Sprintf("snap connect %s %s", ref.PlugRef, ref.SlotRef)
		// The consumer is the first snap, the provider the second.
		result.YAML = string(setup.Snaps[0].YAML)
		if isSlot {
			result.YAML, result.PeerYAML = string(setup.Snaps[1].YAML), result.YAML
		} else if ref.SlotRef.Snap == provider {
			result.PeerYAML = string(setup.Snaps[1].YAML)
		}
		p := &prober{auditor: a, sys: sys, ref: ref, isSlot: isSlot}
		result.Read, result.Cases, pending = p.run()
		return nil
	})
	if err != nil {
		return skipped(err)
	}
	if result.Cases == nil {
		result.Cases = []Case{}
	}
	a.compile(result.Cases, pending)
	result.summarize()
	return result
}

func skipped(err error) Side {
	return Side{Skipped: err.Error(), Read: []string{}, Validated: []string{}, Cases: []Case{}}
}

// connRef picks the connection of a side's audit: the consumer's plug to
// the provider's slot, or, for the plug side of an interface whose slot
// the system snap carries, to the system's slot.
func connRef(sys *system.System, iface interfaces.Interface, isSlot bool) (*interfaces.ConnRef, error) {
	plug := interfaces.PlugRef{Snap: consumer, Name: plugName}
	if !isSlot && sys.Repository.Slot(snapdSnap, iface.Name()) != nil {
		return &interfaces.ConnRef{PlugRef: plug, SlotRef: interfaces.SlotRef{Snap: snapdSnap, Name: iface.Name()}}, nil
	}
	if sys.Repository.Slot(provider, slotName) == nil {
		return nil, fmt.Errorf("no slot to connect to")
	}
	return &interfaces.ConnRef{PlugRef: plug, SlotRef: interfaces.SlotRef{Snap: provider, Name: slotName}}, nil
}

// prober runs the cases of one side on one system.
type prober struct {
	*auditor
	sys      *system.System
	ref      *interfaces.ConnRef
	isSlot   bool
	baseline attempt
}

func (p *prober) run() (read []string, cases []Case, pending []compileJob) {
	p.baseline = p.connect(nil)
	static := p.staticAttrs()
	read = []string{}
	for _, key := range p.keys {
		if _, ok := static[key]; ok || !p.reads(key) {
			continue
		}
		read = append(read, key)
		for _, value := range values {
			c, got := p.probe(key, value)
			if got != nil && differs(got.out, p.baseline.out) {
				pending = append(pending, compileJob{index: len(cases), bodies: got.profiles})
			}
			cases = append(cases, c)
		}
	}
	return read, cases, pending
}

// summarize sets the side's validated attributes and worst outcome from
// its cases.
func (s *Side) summarize() {
	// Attributes that are not read are accepted and change nothing.
	s.Worst = Same
	byKey := make(map[string]Outcome)
	for _, c := range s.Cases {
		byKey[c.Key] = worse(byKey[c.Key], c.Outcome)
		s.Worst = worse(s.Worst, c.Outcome)
	}
	s.Validated = []string{}
	for _, key := range s.Read {
		if severity[byKey[key]] <= severity[Same] {
			s.Validated = append(s.Validated, key)
		}
	}
}

// reads reports whether setting key at connection time changes snapd's
// verdict or output, for any of the discovery values.
func (p *prober) reads(key string) bool {
	for _, value := range discovery {
		got := p.connect(map[string]interface{}{key: value.v})
		if got.outcome != p.baseline.outcome || differs(got.out, p.baseline.out) {
			return true
		}
	}
	return false
}

// probe runs one case: key set to value at connection time, compared with
// the same key declared in the snap.yaml.
func (p *prober) probe(key string, value namedValue) (Case, *attempt) {
	c := Case{Key: key, Value: value.json()}
	got := p.connect(map[string]interface{}{key: value.v})
	c.Outcome, c.Detail = got.outcome, got.detail
	if got.outcome != Same {
		return c, nil
	}
	if !differs(got.out, p.baseline.out) {
		return c, &got
	}
	declared, why := p.declare(key, value.v)
	if declared != nil && !differs(got.out, declared.out) {
		return c, &got
	}
	if declared != nil {
		why = "the snap.yaml declaring it gets other rules"
	}
	c.Outcome, c.Detail = Hole, why
	c.Grants = added(p.baseline.out, got.out)
	c.Policy = p.policy(got.conn)
	return c, &got
}

// connect connects the plug and the slot anew, with dynamic set on the
// side audited, and generates the backends' output.
func (p *prober) connect(dynamic map[string]interface{}) attempt {
	return p.connectWith(nil, nil, dynamic)
}

func (p *prober) connectWith(plugStatic, slotStatic, dynamic map[string]interface{}) (result attempt) {
	start := time.Now()
	defer func() { p.t.Connect += time.Since(start); p.t.Cases++ }()
	repo := p.sys.Repository
	repo.Disconnect(p.ref.PlugRef.Snap, p.ref.PlugRef.Name, p.ref.SlotRef.Snap, p.ref.SlotRef.Name)
	defer func() {
		if r := recover(); r != nil {
			result = attempt{outcome: Panic, detail: fmt.Sprint(r)}
		}
	}()
	plugDynamic, slotDynamic := dynamic, map[string]interface{}(nil)
	if p.isSlot {
		plugDynamic, slotDynamic = nil, dynamic
	}
	conn, err := repo.Connect(p.ref, plugStatic, plugDynamic, slotStatic, slotDynamic, allow)
	if err != nil {
		return attempt{outcome: Refused, detail: err.Error()}
	}
	g, err := generate(p.iface, conn, p.sys.Root)
	if err != nil {
		return attempt{outcome: GenError, detail: err.Error(), conn: conn}
	}
	return attempt{outcome: Same, out: g.out, profiles: g.profiles, conn: conn}
}

// staticAttrs returns the attributes of the audited plug or slot as
// installed: a hook cannot set those.
func (p *prober) staticAttrs() map[string]interface{} {
	if p.isSlot {
		return p.sys.Repository.Slot(p.ref.SlotRef.Snap, p.ref.SlotRef.Name).Attrs
	}
	return p.sys.Repository.Plug(p.ref.PlugRef.Snap, p.ref.PlugRef.Name).Attrs
}

// declare connects with key declared in the snap.yaml, if the
// interface's sanitizer accepts it there; otherwise it says why not.
func (p *prober) declare(key string, value interface{}) (*attempt, string) {
	start := time.Now()
	attrs := utils.CopyAttributes(p.staticAttrs())
	if attrs == nil {
		attrs = make(map[string]interface{})
	}
	attrs[key] = utils.NormalizeInterfaceAttributes(value)
	var err error
	if p.isSlot {
		slot := *p.sys.Repository.Slot(p.ref.SlotRef.Snap, p.ref.SlotRef.Name)
		slot.Attrs = attrs
		err = interfaces.BeforePrepareSlot(p.iface, &slot)
	} else {
		plug := *p.sys.Repository.Plug(p.ref.PlugRef.Snap, p.ref.PlugRef.Name)
		plug.Attrs = attrs
		err = interfaces.BeforePreparePlug(p.iface, &plug)
	}
	p.t.Declare += time.Since(start)
	if err != nil {
		return nil, "the snap.yaml may not declare it: " + err.Error()
	}
	var got attempt
	if p.isSlot {
		got = p.connectWith(nil, attrs, nil)
	} else {
		got = p.connectWith(attrs, nil, nil)
	}
	if got.outcome != Same {
		return nil, "declared in the snap.yaml, it is " + string(got.outcome) + ": " + got.detail
	}
	return &got, ""
}

// policy says what the base declaration decides for the connection
// between snaps of one publisher installed from the store, with no grant
// in their snap declarations.
func (p *prober) policy(conn *interfaces.Connection) string {
	install := policy.Install{PlugPublisher: "acme", SlotPublisher: "acme"}
	if conn.Slot.Snap().SnapName() == snapdSnap {
		install.SlotPublisher = ""
	}
	v, err := install.Check(conn.Plug, conn.Slot, p.base)
	if err != nil {
		return "cannot check: " + err.Error()
	}
	switch {
	case !v.InstallSlot.Allowed:
		return "stopped: " + v.InstallSlot.Reason
	case !v.InstallPlug.Allowed:
		return "stopped: " + v.InstallPlug.Reason
	case v.Connected == policy.ConnectedAuto:
		return "not stopped: it auto-connects"
	case v.Connected == policy.ConnectedManual:
		return "not stopped: snap connect connects it"
	}
	return "stopped: " + v.Connect.Reason
}

// differs reports whether two outputs differ.
func differs(a, b Output) bool {
	if len(a) != len(b) {
		return true
	}
	for k, v := range a {
		if b[k] != v {
			return true
		}
	}
	return false
}

// added returns the lines of got that base does not have, as
// "backend: line".
func added(base, got Output) []string {
	var lines []string
	for _, name := range keys.Sorted(got) {
		had := make(map[string]bool)
		for _, line := range strings.Split(base[name], "\n") {
			had[line] = true
		}
		for _, line := range strings.Split(got[name], "\n") {
			if line = strings.TrimRight(line, " \t"); strings.TrimSpace(line) != "" && !had[line] {
				lines = append(lines, name+": "+strings.TrimSpace(line))
			}
		}
	}
	return lines
}

// namedValue is one value a hook can set.
type namedValue struct{ v interface{} }

func (v namedValue) json() string {
	data, err := json.Marshal(v.v)
	if err != nil {
		return fmt.Sprint(v.v)
	}
	return string(data)
}

// discovery are the values that find out whether an interface reads a key.
var discovery = []namedValue{
	{"$SNAP/probe"}, {[]interface{}{"/**"}}, {float64(42)}, {true},
	{map[string]interface{}{"read": []interface{}{"/"}}},
}

// values are the values of every case of a key that an interface reads:
// valid ones, paths out of the snap, "..", AppArmor's specials and quotes,
// the wrong types and null. Numbers are float64, as JSON decodes them.
var values = []namedValue{
	{"probe"},
	{"$SNAP/probe"},
	{"$SNAP_DATA/probe"},
	{"$SNAP_COMMON/probe"},
	{"/dev/ttyUSB0"},
	{"/etc/shadow"},
	{"/"},
	{"/**"},
	{"$SNAP/../../../etc"},
	{"$SNAP_DATA/../../.."},
	{"/tmp/a\" rwklx,\n/** rwklx,\n#"},
	{"/tmp/{a,b}"},
	{"@{HOME}/x"},
	{"/tmp/a*b[c]"},
	{float64(42)},
	{float64(-1)},
	{true},
	{[]interface{}{"$SNAP/../../../etc"}},
	{[]interface{}{"/**"}},
	{[]interface{}{nil}},
	{map[string]interface{}{"read": []interface{}{"/"}}},
	{map[string]interface{}{"write": []interface{}{"$SNAP_DATA/../../.."}}},
	{nil},
}
