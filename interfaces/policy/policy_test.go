package policy_test

import (
	"fmt"
	"testing"

	. "gopkg.in/check.v1"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	snapdpolicy "github.com/snapcore/snapd/interfaces/policy"
	"github.com/snapcore/snapd/snap"
	"github.com/snapcore/snapd/snap/snaptest"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
)

func Test(t *testing.T) { TestingT(t) }

type policySuite struct{}

var _ = Suite(&policySuite{})

// implementation is one registry's shared-memory interface, with the base
// declaration composed from the whole registry.
type implementation struct {
	name  string
	iface interfaces.Interface
	decl  *asserts.BaseDeclaration
}

func (s *policySuite) implementations(c *C) []implementation {
	var impls []implementation
	for _, impl := range []struct {
		name   string
		ifaces []interfaces.Interface
	}{
		{"ours", builtin.Interfaces()},
		{"snapd", snapdbuiltin.Interfaces()},
	} {
		decl, err := policy.BaseDeclaration(impl.ifaces)
		c.Assert(err, IsNil)
		impls = append(impls, implementation{impl.name, mustFind(impl.ifaces, "shared-memory"), decl})
	}
	return impls
}

func mustFind(ifaces []interfaces.Interface, name string) interfaces.Interface {
	for _, iface := range ifaces {
		if iface.Name() == name {
			return iface
		}
	}
	panic(fmt.Sprintf("no interface %q", name))
}

const (
	providerYaml = `name: provider
version: 0
slots:
  shmem:
    interface: shared-memory
    shared-memory: my-ipc
    write: [students]
    read: [teachers]
`
	consumerYaml = `name: consumer
version: 0
plugs:
  my-ipc:
    interface: shared-memory
`
	otherConsumerYaml = `name: consumer
version: 0
plugs:
  my-ipc:
    interface: shared-memory
    shared-memory: something-else
`
	privateYaml = `name: consumer
version: 0
plugs:
  my-ipc:
    interface: shared-memory
    private: true
`
	coreYaml = `name: core
version: 0
type: os
slots:
  shmem:
    interface: shared-memory
`
	snapdYaml = `name: snapd
version: 0
type: snapd
slots:
  shmem:
    interface: shared-memory
`
)

// candidate builds a connection candidate as snapd does, between the plug
// "my-ipc" and the slot "shmem".
func candidate(c *C, impl implementation, plugYaml, slotYaml, plugPublisher, slotPublisher string) *snapdpolicy.ConnectCandidate {
	plug, slot := endpoints(c, impl.iface, plugYaml, slotYaml)
	cand := &snapdpolicy.ConnectCandidate{Plug: plug, Slot: slot, BaseDeclaration: impl.decl}
	var err error
	if plugPublisher != "" {
		cand.PlugSnapDeclaration, err = policy.SnapDeclaration(plug.Snap().SnapName(), plugPublisher)
		c.Assert(err, IsNil)
	}
	if slotPublisher != "" {
		cand.SlotSnapDeclaration, err = policy.SnapDeclaration(slot.Snap().SnapName(), slotPublisher)
		c.Assert(err, IsNil)
	}
	return cand
}

func connectedPlug(c *C, plugInfo *snap.PlugInfo) *interfaces.ConnectedPlug {
	set, err := interfaces.NewSnapAppSet(plugInfo.Snap, nil)
	c.Assert(err, IsNil)
	return interfaces.NewConnectedPlug(plugInfo, set, nil, nil)
}

func connectedSlot(c *C, slotInfo *snap.SlotInfo) *interfaces.ConnectedSlot {
	set, err := interfaces.NewSnapAppSet(slotInfo.Snap, nil)
	c.Assert(err, IsNil)
	return interfaces.NewConnectedSlot(slotInfo, set, nil, nil)
}

func (s *policySuite) TestConnection(c *C) {
	for _, t := range []struct {
		summary                      string
		plug, slot                   string
		plugPublisher, slotPublisher string
		connect, autoConnect         bool
	}{
		{"same publisher, same identifier", consumerYaml, providerYaml, "pub1", "pub1", true, true},
		{"other publisher, same identifier", consumerYaml, providerYaml, "pub2", "pub1", true, false},
		{"no declarations, same identifier", consumerYaml, providerYaml, "", "", true, false},
		{"plug declaration only, same identifier", consumerYaml, providerYaml, "pub1", "", true, false},
		{"same publisher, other identifier", otherConsumerYaml, providerYaml, "pub1", "pub1", false, false},
		{"no declarations, other identifier", otherConsumerYaml, providerYaml, "", "", false, false},
		{"private plug, core system slot", privateYaml, coreYaml, "pub1", "canonical", true, true},
		{"private plug, snapd system slot", privateYaml, snapdYaml, "pub1", "canonical", true, true},
		{"private plug, system slot, no declarations", privateYaml, coreYaml, "", "", true, true},
		{"private plug, application slot", privateYaml, providerYaml, "pub1", "pub1", false, false},
		{"plain plug, system slot", consumerYaml, coreYaml, "pub1", "canonical", false, false},
		{"plain plug, system slot, no declarations", consumerYaml, snapdYaml, "", "", false, false},
	} {
		for _, impl := range s.implementations(c) {
			comment := Commentf("%s (%s)", t.summary, impl.name)
			cand := candidate(c, impl, t.plug, t.slot, t.plugPublisher, t.slotPublisher)
			c.Check(cand.Check() == nil, Equals, t.connect, comment)
			_, err := cand.CheckAutoConnect()
			c.Check(err == nil, Equals, t.autoConnect, comment)
		}
	}
}

func (s *policySuite) TestInstallation(c *C) {
	for _, t := range []struct {
		summary   string
		yaml      string
		publisher string
		allowed   bool
	}{
		{"slot on an app", providerYaml, "pub1", false},
		{"slot on an app, no declaration", providerYaml, "", false},
		{"slot on a gadget", "type: gadget\n" + providerYaml, "pub1", false},
		{"system slot on core", coreYaml, "canonical", true},
		{"system slot on snapd", snapdYaml, "canonical", true},
		{"plug", consumerYaml, "pub1", true},
		{"private plug", privateYaml, "pub1", true},
		{"private plug, no declaration", privateYaml, "", true},
	} {
		for _, impl := range s.implementations(c) {
			comment := Commentf("%s (%s)", t.summary, impl.name)
			info := snaptest.MockInfo(c, t.yaml, nil)
			cand := &snapdpolicy.InstallCandidate{Snap: info, BaseDeclaration: impl.decl}
			if t.publisher != "" {
				var err error
				cand.SnapDeclaration, err = policy.SnapDeclaration(info.SnapName(), t.publisher)
				c.Assert(err, IsNil)
			}
			c.Check(cand.Check() == nil, Equals, t.allowed, comment)
		}
	}
}

func (s *policySuite) TestBaseDeclarationLeavesBuiltinAlone(c *C) {
	before := asserts.BuiltinBaseDeclaration()
	c.Assert(before, NotNil)
	ours, err := policy.BaseDeclaration(builtin.Interfaces())
	c.Assert(err, IsNil)
	after := asserts.BuiltinBaseDeclaration()
	beforeContent, _ := before.Signature()
	afterContent, _ := after.Signature()
	c.Check(string(afterContent), Equals, string(beforeContent))

	// Composed from our registry, it is snapd's own but for the
	// interfaces we replace.
	replaced := map[string]bool{}
	for _, name := range builtin.Replaced() {
		replaced[name] = true
	}
	for _, iface := range builtin.Interfaces() {
		name := iface.Name()
		if replaced[name] {
			continue
		}
		c.Check(ours.PlugRule(name), DeepEquals, before.PlugRule(name), Commentf(name))
		c.Check(ours.SlotRule(name), DeepEquals, before.SlotRule(name), Commentf(name))
	}
	c.Check(ours.SlotRule("network"), NotNil)
}

func (s *policySuite) TestSnapDeclarationErrors(c *C) {
	_, err := policy.SnapDeclaration("consumer", "pub\nrevision: 7")
	c.Check(err, ErrorMatches, `cannot make snap declaration: invalid name "pub\\nrevision: 7"`)
	_, err = policy.SnapDeclaration("", "pub")
	c.Check(err, ErrorMatches, `cannot make snap declaration: invalid name ""`)
}

// The three installs a preview models: a local install ("snap install
// --dangerous", no declarations), a store install (declarations naming the
// publishers), and a store install whose slot snap's declaration grants
// its shared-memory slot.
func (s *policySuite) TestInstallModes(c *C) {
	granted, err := policy.SnapDeclarationGrantingSharedMemory("provider", "brand")
	c.Assert(err, IsNil)
	plain, err := policy.SnapDeclaration("provider", "brand")
	c.Assert(err, IsNil)
	for _, impl := range s.implementations(c) {
		info := snaptest.MockInfo(c, providerYaml, nil)
		local := &snapdpolicy.InstallCandidateMinimalCheck{Snap: info, BaseDeclaration: impl.decl}
		c.Check(local.Check(), IsNil, Commentf("local install (%s)", impl.name))
		store := &snapdpolicy.InstallCandidate{Snap: info, SnapDeclaration: plain, BaseDeclaration: impl.decl}
		c.Check(store.Check(), ErrorMatches, `installation denied by "shmem" slot rule of interface "shared-memory"`, Commentf("store (%s)", impl.name))
		store.SnapDeclaration = granted
		c.Check(store.Check(), IsNil, Commentf("granted (%s)", impl.name))
	}
}

func (s *policySuite) TestGrantedSlotConnection(c *C) {
	granted, err := policy.SnapDeclarationGrantingSharedMemory("provider", "brand")
	c.Assert(err, IsNil)
	c.Check(granted.SlotRule("shared-memory"), NotNil)
	c.Check(granted.PublisherID(), Equals, "brand")
	for _, t := range []struct {
		summary              string
		plug, plugPublisher  string
		connect, autoConnect bool
	}{
		{"other publisher, same identifier", consumerYaml, "partner", true, true},
		{"same publisher, same identifier", consumerYaml, "brand", true, true},
		{"no plug declaration, same identifier", consumerYaml, "", true, true},
		{"other publisher, other identifier", otherConsumerYaml, "partner", false, false},
		{"private plug", privateYaml, "partner", false, false},
	} {
		for _, impl := range s.implementations(c) {
			cand := candidate(c, impl, t.plug, providerYaml, t.plugPublisher, "")
			cand.SlotSnapDeclaration = granted
			comment := Commentf("%s (%s)", t.summary, impl.name)
			c.Check(cand.Check() == nil, Equals, t.connect, comment)
			_, err := cand.CheckAutoConnect()
			c.Check(err == nil, Equals, t.autoConnect, comment)
		}
	}
}

func (s *policySuite) TestBaseDeclarationWithoutRules(c *C) {
	decl, err := policy.BaseDeclaration(nil)
	c.Assert(err, IsNil)
	c.Check(decl.PlugRule("shared-memory"), IsNil)
	c.Check(decl.SlotRule("shared-memory"), IsNil)
}
