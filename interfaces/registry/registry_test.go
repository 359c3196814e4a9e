package registry_test

import (
	"testing"

	. "gopkg.in/check.v1"

	"github.com/snapcore/snapd/interfaces"
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

func Test(t *testing.T) { TestingT(t) }

type registrySuite struct{}

var _ = Suite(&registrySuite{})

// The registry can be snapd's own: its shared-memory is snapd's.
func (s *registrySuite) TestUpstreamRegistry(c *C) {
	ours, upstream := registry.Ours(), registry.Upstream()
	c.Check(upstream.Interfaces(), DeepEquals, snapdbuiltin.Interfaces())
	var oursShm, upstreamShm interfaces.Interface
	for _, iface := range ours.Interfaces() {
		if iface.Name() == "shared-memory" {
			oursShm = iface
		}
	}
	for _, iface := range upstream.Interfaces() {
		if iface.Name() == "shared-memory" {
			upstreamShm = iface
		}
	}
	c.Assert(oursShm, NotNil)
	c.Assert(upstreamShm, NotNil)
	c.Check(oursShm, Not(Equals), upstreamShm)

	// Only ours refuses a name with AppArmor's escape.
	backslash := system.Snap{YAML: []byte("name: provider\nversion: \"1\"\nslots:\n  shm:\n    interface: shared-memory\n    write: ['a\\b']\n")}
	info, err := system.ReadSnap(backslash, upstream)
	c.Assert(err, IsNil)
	c.Check(info.BadInterfaces, HasLen, 0)
	info, err = system.ReadSnap(backslash, ours)
	c.Assert(err, IsNil)
	c.Check(info.BadInterfaces["shm"], Equals, `shared-memory interface path is invalid: "a\\b" contains a reserved apparmor char from ?[]{}^"\`+"\x00")
}

func (s *registrySuite) TestBaseDeclaration(c *C) {
	ours, err := registry.Registry{}.BaseDeclaration()
	c.Assert(err, IsNil)
	again, err := registry.Ours().BaseDeclaration()
	c.Assert(err, IsNil)
	c.Check(again, Equals, ours)
	upstream, err := registry.Upstream().BaseDeclaration()
	c.Assert(err, IsNil)
	c.Check(ours.SlotRule("network"), DeepEquals, upstream.SlotRule("network"))
	c.Check(upstream, Not(Equals), ours)
	c.Check(upstream.SlotRule("shared-memory"), NotNil)

	// A registry of its own composes its own.
	mine := registry.Registry{Interfaces: func() []interfaces.Interface { return nil }, SanitizePlugsSlots: func(*snap.Info) {}}
	decl, err := mine.BaseDeclaration()
	c.Assert(err, IsNil)
	c.Check(decl.SlotRule("network"), IsNil)
}
