package policy_test

import (
	. "gopkg.in/check.v1"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"
	"github.com/snapcore/snapd/snap/snaptest"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
)

type installSuite struct{}

var _ = Suite(&installSuite{})

const (
	kernelYaml = `name: kernel
version: 0
type: kernel
slots:
  shmem:
    interface: shared-memory
    shared-memory: my-ipc
    write: [a]
`
	// talkerYaml connects its own plug to its own slot.
	talkerYaml = `name: talker
version: 0
plugs:
  my-ipc:
    interface: shared-memory
    shared-memory: dds
slots:
  shmem:
    interface: shared-memory
    shared-memory: dds
    write: [a]
`
)

// Wording that several cases share.
const (
	localInstall        = "installed locally, snapd checks only that a snap of its type may have its slots"
	localInstallNoSlots = "installed locally, snapd checks only a snap's slots, and it has none"
	superPrivileged     = `slot "shmem" is super-privileged: the store must grant it in the snap declaration of provider (preview that with --slot-granted)`
	installDenied       = `installation denied by "shmem" slot rule of interface "shared-memory"`
	kernelDenied        = `installation not allowed by "shmem" slot rule of interface "shared-memory"`
	plugDenied          = `connection not allowed by plug rule of interface "shared-memory"`
	autoDenied          = `auto-connection not allowed by plug rule of interface "shared-memory"`
	grantDenied         = `connection not allowed by slot rule of interface "shared-memory" for "provider" snap`
	grantAutoDenied     = `auto-connection not allowed by slot rule of interface "shared-memory" for "provider" snap`
	noPublisher         = "a plug auto-connects only to a slot of its own publisher, and a locally installed snap has none: use snap connect"
	idMismatch          = "plug identifier something-else does not match slot identifier my-ipc"
	privateToApp        = "private plugs connect only to the system slot"
	plainToSystem       = "the system slot takes only private plugs: this plug connects to an application slot with the same identifier"
)

// endpoints returns the plug "my-ipc" and the slot "shmem" as snapd
// connects them, sanitized by our registry; the system slot is implicit
// and is not. The same snap.yaml on both sides is one snap.
func endpoints(c *C, iface interfaces.Interface, plugYaml, slotYaml string) (*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) {
	plugInfo := snaptest.MockInfo(c, plugYaml, nil).Plugs["my-ipc"]
	c.Assert(interfaces.BeforePreparePlug(iface, plugInfo), IsNil)
	slotSnap := plugInfo.Snap
	if slotYaml != plugYaml {
		slotSnap = snaptest.MockInfo(c, slotYaml, nil)
	}
	slotInfo := slotSnap.Slots["shmem"]
	if t := slotSnap.Type(); t != snap.TypeOS && t != snap.TypeSnapd {
		c.Assert(interfaces.BeforePrepareSlot(iface, slotInfo), IsNil)
	}
	return connectedPlug(c, plugInfo), connectedSlot(c, slotInfo)
}

func (s *installSuite) TestCheck(c *C) {
	base, err := policy.BaseDeclaration(builtin.Interfaces())
	c.Assert(err, IsNil)
	ours := mustFind(builtin.Interfaces(), "shared-memory")
	allowed := policy.Verdict{Allowed: true}
	for _, t := range []struct {
		summary    string
		plug, slot string
		install    policy.Install
		want       policy.Verdicts
	}{{
		summary: "local install: snap connect skips the connection policy",
		plug:    consumerYaml, slot: providerYaml,
		want: policy.Verdicts{
			Description: "local install (snap install --dangerous, no snap declarations)",
			InstallPlug: policy.Verdict{Allowed: true, Reason: localInstallNoSlots},
			InstallSlot: policy.Verdict{Allowed: true, Reason: localInstall},
			Connect:     allowed,
			AutoConnect: policy.Verdict{Reason: noPublisher, PolicyError: autoDenied},
			Connected:   policy.ConnectedManual,
		},
	}, {
		summary: "store, one publisher: the slot is not granted",
		plug:    consumerYaml, slot: providerYaml,
		install: policy.Install{PlugPublisher: "pub1", SlotPublisher: "pub1"},
		want: policy.Verdicts{
			Description:   "store (plug snap by pub1, slot snap by pub1)",
			SlotPublisher: "pub1",
			InstallPlug:   allowed,
			InstallSlot:   policy.Verdict{Reason: superPrivileged, PolicyError: installDenied},
			Connect:       allowed,
			AutoConnect:   allowed,
			Connected:     policy.NotConnected,
		},
	}, {
		summary: "store, two publishers",
		plug:    consumerYaml, slot: providerYaml,
		install: policy.Install{PlugPublisher: "pub1", SlotPublisher: "pub2"},
		want: policy.Verdicts{
			Description:   "store (plug snap by pub1, slot snap by pub2)",
			SlotPublisher: "pub2",
			InstallPlug:   allowed,
			InstallSlot:   policy.Verdict{Reason: superPrivileged, PolicyError: installDenied},
			Connect:       allowed,
			AutoConnect: policy.Verdict{
				Reason:      "a plug auto-connects only to a slot of its own publisher, and the plug snap is by pub1, the slot snap by pub2: use snap connect",
				PolicyError: autoDenied,
			},
		},
	}, {
		summary: "store, only the slot snap: the plug snap has no publisher",
		plug:    consumerYaml, slot: providerYaml,
		install: policy.Install{SlotPublisher: "pub2", SlotGranted: true},
		want: policy.Verdicts{
			Description:   "store (plug snap by nobody: installed locally, slot snap by pub2, whose snap declaration grants the slot)",
			SlotPublisher: "pub2",
			InstallPlug:   policy.Verdict{Allowed: true, Reason: localInstallNoSlots},
			InstallSlot:   allowed,
			Connect:       allowed,
			AutoConnect:   allowed,
			Connected:     policy.ConnectedAuto,
		},
	}, {
		summary: "store, the slot granted: auto-connects from any publisher",
		plug:    consumerYaml, slot: providerYaml,
		install: policy.Install{PlugPublisher: "pub1", SlotPublisher: "pub2", SlotGranted: true},
		want: policy.Verdicts{
			Description:   "store (plug snap by pub1, slot snap by pub2, whose snap declaration grants the slot)",
			SlotPublisher: "pub2",
			InstallPlug:   allowed,
			InstallSlot:   allowed,
			Connect:       allowed,
			AutoConnect:   allowed,
			Connected:     policy.ConnectedAuto,
		},
	}, {
		summary: "local install, identifiers differ: snap connect would be denied from the store",
		plug:    otherConsumerYaml, slot: providerYaml,
		want: policy.Verdicts{
			Description: "local install (snap install --dangerous, no snap declarations)",
			InstallPlug: policy.Verdict{Allowed: true, Reason: localInstallNoSlots},
			InstallSlot: policy.Verdict{Allowed: true, Reason: localInstall},
			Connect: policy.Verdict{
				Allowed:     true,
				Reason:      "snapd checks no connection policy for a locally installed snap; from the store it would be denied: " + idMismatch,
				PolicyError: plugDenied,
			},
			AutoConnect: policy.Verdict{Reason: idMismatch, PolicyError: autoDenied},
			Connected:   policy.ConnectedManual,
		},
	}, {
		summary: "only the slot snap from the store, identifiers differ: snap connect is not checked",
		plug:    otherConsumerYaml, slot: providerYaml,
		install: policy.Install{SlotPublisher: "pub", SlotGranted: true},
		want: policy.Verdicts{
			Description:   "store (plug snap by nobody: installed locally, slot snap by pub, whose snap declaration grants the slot)",
			SlotPublisher: "pub",
			InstallPlug:   policy.Verdict{Allowed: true, Reason: localInstallNoSlots},
			InstallSlot:   allowed,
			Connect: policy.Verdict{
				Allowed:     true,
				Reason:      "snapd checks no connection policy for a locally installed snap; from the store it would be denied: " + idMismatch,
				PolicyError: grantDenied,
			},
			AutoConnect: policy.Verdict{Reason: idMismatch, PolicyError: grantAutoDenied},
			Connected:   policy.ConnectedManual,
		},
	}, {
		summary: "store, identifiers differ",
		plug:    otherConsumerYaml, slot: providerYaml,
		install: policy.Install{PlugPublisher: "pub", SlotPublisher: "pub", SlotGranted: true},
		want: policy.Verdicts{
			Description:   "store (plug snap by pub, slot snap by pub, whose snap declaration grants the slot)",
			SlotPublisher: "pub",
			InstallPlug:   allowed,
			InstallSlot:   allowed,
			Connect:       policy.Verdict{Reason: idMismatch, PolicyError: grantDenied},
			AutoConnect:   policy.Verdict{Reason: idMismatch, PolicyError: grantAutoDenied},
		},
	}, {
		summary: "store, private plug to an application slot",
		plug:    privateYaml, slot: providerYaml,
		install: policy.Install{PlugPublisher: "pub", SlotPublisher: "pub", SlotGranted: true},
		want: policy.Verdicts{
			Description:   "store (plug snap by pub, slot snap by pub, whose snap declaration grants the slot)",
			SlotPublisher: "pub",
			InstallPlug:   allowed,
			InstallSlot:   allowed,
			Connect:       policy.Verdict{Reason: privateToApp, PolicyError: grantDenied},
			AutoConnect:   policy.Verdict{Reason: privateToApp, PolicyError: grantAutoDenied},
		},
	}, {
		summary: "private plug to the system slot, which comes from the store",
		plug:    privateYaml, slot: coreYaml,
		want: policy.Verdicts{
			Description:   "local install (snap install --dangerous, no snap declarations); the system snap core comes from the store",
			SlotPublisher: "canonical",
			InstallPlug:   policy.Verdict{Allowed: true, Reason: localInstallNoSlots},
			InstallSlot:   allowed,
			Connect:       allowed,
			AutoConnect:   allowed,
			Connected:     policy.ConnectedAuto,
		},
	}, {
		summary: "store, plain plug to the system slot",
		plug:    consumerYaml, slot: snapdYaml,
		install: policy.Install{PlugPublisher: "pub"},
		want: policy.Verdicts{
			Description:   "store (plug snap by pub, slot snap by nobody: installed locally); the system snap snapd comes from the store",
			SlotPublisher: "canonical",
			InstallPlug:   allowed,
			InstallSlot:   allowed,
			Connect:       policy.Verdict{Reason: plainToSystem, PolicyError: plugDenied},
			AutoConnect:   policy.Verdict{Reason: plainToSystem, PolicyError: autoDenied},
		},
	}, {
		summary: "local install, a slot on a kernel",
		plug:    consumerYaml, slot: kernelYaml,
		want: policy.Verdicts{
			Description: "local install (snap install --dangerous, no snap declarations)",
			InstallPlug: policy.Verdict{Allowed: true, Reason: localInstallNoSlots},
			InstallSlot: policy.Verdict{
				Reason:      "a snap of type kernel cannot have a shared-memory slot: only app, gadget, os and snapd snaps can",
				PolicyError: kernelDenied,
			},
			Connect:     allowed,
			AutoConnect: policy.Verdict{Reason: noPublisher, PolicyError: autoDenied},
		},
	}, {
		summary: "store, a slot on a gadget",
		plug:    consumerYaml, slot: "type: gadget\n" + providerYaml,
		install: policy.Install{PlugPublisher: "pub", SlotPublisher: "pub"},
		want: policy.Verdicts{
			Description:   "store (plug snap by pub, slot snap by pub)",
			SlotPublisher: "pub",
			InstallPlug:   allowed,
			InstallSlot:   policy.Verdict{Reason: superPrivileged, PolicyError: installDenied},
			Connect:       allowed,
			AutoConnect:   allowed,
		},
	}, {
		summary: "store, one snap on both sides has one declaration",
		plug:    talkerYaml, slot: talkerYaml,
		install: policy.Install{PlugPublisher: "pub"},
		want: policy.Verdicts{
			Description:   "store (plug snap by pub, slot snap by nobody: installed locally)",
			SlotPublisher: "pub",
			InstallPlug:   policy.Verdict{Reason: `slot "shmem" is super-privileged: the store must grant it in the snap declaration of talker (preview that with --slot-granted)`, PolicyError: installDenied},
			InstallSlot:   policy.Verdict{Reason: `slot "shmem" is super-privileged: the store must grant it in the snap declaration of talker (preview that with --slot-granted)`, PolicyError: installDenied},
			Connect:       allowed,
			AutoConnect:   allowed,
		},
	}} {
		comment := Commentf(t.summary)
		plug, slot := endpoints(c, ours, t.plug, t.slot)
		got, err := t.install.Check(plug, slot, base)
		c.Assert(err, IsNil, comment)
		c.Check(*got, DeepEquals, t.want, comment)
	}
}

func (s *installSuite) TestCheckErrors(c *C) {
	base, err := policy.BaseDeclaration(builtin.Interfaces())
	c.Assert(err, IsNil)
	ours := mustFind(builtin.Interfaces(), "shared-memory")
	for _, t := range []struct {
		summary    string
		plug, slot string
		install    policy.Install
		err        string
		bad        *policy.PublisherError
	}{
		{"bad plug publisher", consumerYaml, providerYaml, policy.Install{PlugPublisher: "pub.lisher"}, `plug publisher: cannot make snap declaration: invalid name "pub.lisher"`, &policy.PublisherError{}},
		{"bad slot publisher", consumerYaml, providerYaml, policy.Install{SlotPublisher: "pub\n"}, `slot publisher: cannot make snap declaration: invalid name "pub\\n"`, &policy.PublisherError{Slot: true}},
		{"bad publisher, one snap", talkerYaml, talkerYaml, policy.Install{PlugPublisher: "pub.lisher"}, `cannot make snap declaration: invalid name "pub.lisher"`, nil},
		{"granted without a publisher", consumerYaml, providerYaml, policy.Install{SlotGranted: true}, `cannot grant the slot of a locally installed snap: only a snap declaration grants a slot`, nil},
		{"granted system slot without a publisher", privateYaml, coreYaml, policy.Install{SlotGranted: true}, `cannot grant the slot of a locally installed snap: only a snap declaration grants a slot`, nil},
	} {
		comment := Commentf(t.summary)
		plug, slot := endpoints(c, ours, t.plug, t.slot)
		got, err := t.install.Check(plug, slot, base)
		c.Check(got, IsNil, comment)
		c.Check(err, ErrorMatches, t.err, comment)
		bad, ok := err.(*policy.PublisherError)
		c.Check(ok, Equals, t.bad != nil, comment)
		if ok && t.bad != nil {
			c.Check(bad.Slot, Equals, t.bad.Slot, comment)
		}
	}
}

// Declarations gives the snap declarations that Check applies: none for a
// local install, canonical's for a system snap, the grant when granted.
func (s *installSuite) TestDeclarations(c *C) {
	consumer := snaptest.MockInfo(c, consumerYaml, nil)
	provider := snaptest.MockInfo(c, providerYaml, nil)
	core := snaptest.MockInfo(c, coreYaml, nil)

	plugDecl, slotDecl, err := policy.Install{}.Declarations(consumer, provider)
	c.Assert(err, IsNil)
	c.Check(plugDecl, IsNil)
	c.Check(slotDecl, IsNil)

	plugDecl, slotDecl, err = policy.Install{}.Declarations(consumer, core)
	c.Assert(err, IsNil)
	c.Check(plugDecl, IsNil)
	c.Check(slotDecl.PublisherID(), Equals, "canonical")
	c.Check(slotDecl.SlotRule("shared-memory"), IsNil)

	plugDecl, slotDecl, err = policy.Install{PlugPublisher: "pub1", SlotPublisher: "pub2", SlotGranted: true}.Declarations(consumer, provider)
	c.Assert(err, IsNil)
	c.Check(plugDecl.PublisherID(), Equals, "pub1")
	c.Check(plugDecl.SnapName(), Equals, "consumer")
	c.Check(slotDecl.PublisherID(), Equals, "pub2")
	c.Check(slotDecl.SnapName(), Equals, "provider")
	c.Check(slotDecl.SlotRule("shared-memory"), NotNil)
}
