package preview_test

import (
	"errors"
	"strings"
	"testing"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/policy"
	"github.com/snapd-shm/snapd-shm/interfaces/preview"
)

func Test(t *testing.T) { TestingT(t) }

type previewSuite struct{}

var _ = Suite(&previewSuite{})

const consumerYAML = `name: consumer
version: "1"
apps:
  client: {command: bin/client}
plugs:
  my-ipc: {interface: shared-memory}
`

const providerYAML = `name: provider
version: "1"
apps:
  server: {command: bin/server}
slots:
  shmem: {interface: shared-memory, shared-memory: my-ipc, write: [students], read: [teachers]}
`

func parse(c *C, yaml string) *preview.Snap {
	s, err := preview.Parse("snap.yaml", []byte(yaml))
	c.Assert(err, IsNil)
	return s
}

func (s *previewSuite) TestConnect(c *C) {
	r, err := preview.Connect(parse(c, consumerYAML), "", parse(c, providerYAML), "", preview.Options{})
	c.Assert(err, IsNil)
	c.Check(r.OK(), Equals, true)
	c.Check(r.Plug.Valid && r.Slot.Valid, Equals, true)
	c.Check(r.Plug.Attributes, DeepEquals, map[string]interface{}{"private": false, "shared-memory": "my-ipc"})
	c.Check(r.Policy.Connected, Equals, policy.ConnectedManual)
	c.Check(r.SnapConnect(), Equals, "consumer:my-ipc provider:shmem")
	c.Assert(r.PlugRules.AppArmor, HasLen, 1)
	c.Check(r.PlugRules.AppArmor[0].Tag, Equals, "snap.consumer.client")
	c.Check(r.PlugRules.AppArmor[0].Snippet, Matches, `(?s).*"/\{dev,run\}/shm/students" mrwlk,.*"/\{dev,run\}/shm/teachers" r,.*`)
	c.Check(r.PlugRules.Permissions, DeepEquals, map[string]string{"mrwlk": "map executable (mmap with PROT_EXEC), read, write, link, lock", "r": "read"})
	c.Check(r.SlotRules.AppArmor[0].Tag, Equals, "snap.provider.server")
	c.Check(r.PlugRules.MountProfile, Equals, "")
	c.Check(r.Check, IsNil)
}

// The rule for glibc's temporary semaphore names is told apart on each
// side that gets it: both for a "write" semaphore, the slot's alone for a
// "read" one.
func (s *previewSuite) TestConnectTemporarySemaphores(c *C) {
	c.Check(strings.Count(consumerYAML+providerYAML, "sem."), Equals, 0)
	for _, t := range []struct {
		attrs      string
		plug, slot bool
	}{
		{"write: [students], read: [teachers]", false, false},
		{"write: [sem.lock]", true, true},
		{"write: [students], read: [sem.ready]", false, true},
	} {
		provider := strings.Replace(providerYAML, "write: [students], read: [teachers]", t.attrs, 1)
		r, err := preview.Connect(parse(c, consumerYAML), "", parse(c, provider), "", preview.Options{})
		c.Assert(err, IsNil)
		c.Check(r.PlugRules.TemporarySemaphores, Equals, t.plug, Commentf(t.attrs))
		c.Check(r.SlotRules.TemporarySemaphores, Equals, t.slot, Commentf(t.attrs))
	}
}

// A private plug gets its own /dev/shm from the system slot: a mount
// entry, and the implicit slot has no attributes of its own.
func (s *previewSuite) TestConnectPrivate(c *C) {
	scratch := parse(c, "name: scratch\nversion: '1'\napps:\n  work: {command: bin/work}\nplugs:\n  shared-memory: {private: true}\n")
	r, err := preview.Connect(scratch, "", preview.SnapdSnap(), "", preview.Options{})
	c.Assert(err, IsNil)
	c.Check(r.Slot.Implicit, Equals, true)
	c.Check(r.Policy.Connected, Equals, policy.ConnectedAuto)
	c.Check(r.SnapConnect(), Equals, "scratch:shared-memory :shared-memory")
	c.Check(r.PlugRules.MountProfile, Equals, "/dev/shm/snap.scratch /dev/shm none bind,rw 0 0\n")
}

// An invalid plug has no rules and no verdicts.
func (s *previewSuite) TestConnectInvalid(c *C) {
	bad := parse(c, "name: bad\nversion: '1'\nplugs:\n  my-ipc: {interface: shared-memory, private: \"yes\"}\n")
	r, err := preview.Connect(bad, "", parse(c, providerYAML), "", preview.Options{})
	c.Assert(err, IsNil)
	c.Check(r.OK(), Equals, false)
	c.Check(r.Plug.Valid, Equals, false)
	c.Check(r.Plug.Attributes, IsNil)
	c.Check(r.Plug.Errors, DeepEquals, []preview.BadInterface{{Kind: "plug", Name: "my-ipc", Error: `shared-memory "private" attribute must be a bool, not yes`}})
	c.Check(r.Policy, IsNil)
	c.Check(r.PlugRules, IsNil)
}

// snapd rejects a private plug beside a shared-memory slot, drops it and
// keeps the slot: the slot is valid, the connection happens, and the
// rejected plug is still listed among the snap's errors.
func (s *previewSuite) TestConnectPrivatePlugBesideSlot(c *C) {
	camera := parse(c, "name: camera\nversion: '1'\napps:\n  cam: {command: bin/cam}\nplugs:\n  shared-memory: {private: true}\nslots:\n  frames: {interface: shared-memory, write: [frames]}\n")
	viewer := parse(c, "name: viewer\nversion: '1'\napps:\n  v: {command: bin/v}\nplugs:\n  frames: {interface: shared-memory}\n")
	r, err := preview.Connect(viewer, "", camera, "", preview.Options{})
	c.Assert(err, IsNil)
	c.Check(r.Slot.Valid, Equals, true)
	c.Assert(r.Slot.Errors, HasLen, 1)
	c.Check(r.Slot.Errors[0].Kind+" "+r.Slot.Errors[0].Name, Equals, "plug shared-memory")
	c.Check(r.Policy.Connected, Equals, policy.ConnectedManual)
	c.Check(r.OK(), Equals, true)
}

// A rejected plug of a snap that both plugs and slots is reported once,
// with the plug.
func (s *previewSuite) TestConnectOneSnapRejectedOnce(c *C) {
	both := parse(c, "name: both\nversion: '1'\napps:\n  a: {command: bin/a}\nplugs:\n  bad: {interface: shared-memory, private: 'true'}\n  p: {interface: shared-memory, shared-memory: s}\nslots:\n  s: {interface: shared-memory, write: [x]}\n")
	r, err := preview.Connect(both, "p", both, "s", preview.Options{})
	c.Assert(err, IsNil)
	c.Check(r.Plug.Errors, DeepEquals, []preview.BadInterface{{Kind: "plug", Name: "bad", Error: `shared-memory "private" attribute must be a bool, not true: the value is the string "true"; write private: true, without quotes`}})
	c.Check(r.Slot.Errors, DeepEquals, []preview.BadInterface{})
}

func (s *previewSuite) TestConnectErrors(c *C) {
	two := parse(c, "name: two\nversion: '1'\nplugs:\n  a: {interface: shared-memory}\n  b: {interface: shared-memory}\n  files: home\n")
	provider := parse(c, providerYAML)
	for _, t := range []struct {
		plug, slot string
		err        string
	}{
		{"", "", `snap "two" \(snap.yaml\) has 2 shared-memory plugs \(a, b\): name one as snap.yaml:PLUG`},
		{"missing", "", `snap "two" \(snap.yaml\) has no plug "missing"`},
		{"files", "", `plug "files" of snap "two" \(snap.yaml\) has interface "home", not shared-memory`},
		{"a", "missing", `snap "provider" \(snap.yaml\) has no slot "missing"`},
	} {
		_, err := preview.Connect(two, t.plug, provider, t.slot, preview.Options{})
		c.Check(err, ErrorMatches, t.err)
	}
	_, err := preview.Connect(parse(c, consumerYAML), "", provider, "", preview.Options{Install: policy.Install{PlugPublisher: "bad publisher"}})
	var bad *policy.PublisherError
	c.Check(errors.As(err, &bad), Equals, true, Commentf("%v", err))
}

// Two snaps of one name are one snap when they are one file, and an error
// otherwise.
func (s *previewSuite) TestConnectSameSnap(c *C) {
	both := "name: both\nversion: '1'\napps:\n  a: {command: bin/a}\nplugs:\n  p: {interface: shared-memory, shared-memory: s}\nslots:\n  s: {interface: shared-memory, write: [x]}\n"
	r, err := preview.Connect(parse(c, both), "", parse(c, both), "", preview.Options{})
	c.Assert(err, IsNil)
	setup, err := r.Setup()
	c.Assert(err, IsNil)
	c.Check(setup.Snaps, HasLen, 1)
	other, err := preview.Parse("other.yaml", []byte(both))
	c.Assert(err, IsNil)
	_, err = preview.Connect(parse(c, both), "", other, "", preview.Options{})
	c.Check(err, ErrorMatches, `snap.yaml and other.yaml both declare snap "both": .*`)
}

// Setup is the install previewed: both snaps, the connection, and the
// snap declarations of the publishers given.
func (s *previewSuite) TestSetup(c *C) {
	install := policy.Install{PlugPublisher: "acme", SlotPublisher: "acme", SlotGranted: true}
	r, err := preview.Connect(parse(c, consumerYAML), "", parse(c, providerYAML), "", preview.Options{Install: install})
	c.Assert(err, IsNil)
	c.Check(r.Policy.Connected, Equals, policy.ConnectedAuto)
	setup, err := r.Setup()
	c.Assert(err, IsNil)
	c.Check(setup.Snaps, HasLen, 2)
	c.Check(setup.Declarations, HasLen, 2)
	c.Check(setup.Connections[0].PlugSnap+":"+setup.Connections[0].Plug+" "+setup.Connections[0].SlotSnap+":"+setup.Connections[0].Slot, Equals, "consumer:my-ipc provider:shmem")
}

// Check compiles the full profiles of both snaps.
func (s *previewSuite) TestCheck(c *C) {
	r, err := preview.Connect(parse(c, consumerYAML), "", parse(c, providerYAML), "", preview.Options{Check: true})
	c.Assert(err, IsNil)
	c.Assert(r.Check, NotNil)
	c.Check(r.Check.Error, Equals, "")
	c.Check(r.Check.OK, Equals, true)
	c.Check(r.Check.Profiles, DeepEquals, []string{"snap-update-ns.consumer", "snap-update-ns.provider", "snap.consumer.client", "snap.provider.server"})
	c.Check(r.Check.Connected, DeepEquals, []string{"consumer:my-ipc provider:shmem (shared-memory, requested)"})
	c.Check(r.Check.Unconnected, DeepEquals, []string{})
	// A camera plug is manual-connect: it is left out, and listed.
	camera := parse(c, "name: consumer\nversion: '1'\napps:\n  client: {command: bin/client, plugs: [my-ipc, camera, network]}\nplugs:\n  my-ipc: {interface: shared-memory}\n")
	r, err = preview.Connect(camera, "", parse(c, providerYAML), "", preview.Options{Check: true})
	c.Assert(err, IsNil)
	c.Check(r.Check.Unconnected, DeepEquals, []string{"consumer:camera (camera)"})
}

// A slot's "private" attribute is ignored: connect warns as lint does, and
// says how to get a private /dev/shm.
func (s *previewSuite) TestConnectWarnings(c *C) {
	provider := parse(c, "name: provider\nversion: '1'\nslots:\n  shmem: {interface: shared-memory, shared-memory: my-ipc, write: [a], private: true}\n")
	r, err := preview.Connect(parse(c, consumerYAML), "", provider, "", preview.Options{})
	c.Assert(err, IsNil)
	c.Check(r.Plug.Warnings, HasLen, 0)
	c.Check(r.Slot.Warnings, DeepEquals, []string{`slot "shmem": attribute "private" value true is a plug attribute: a slot ignores it; for a /dev/shm of its own, a snap plugs shared-memory with "private: true", and then has no shared-memory slot`})
}
