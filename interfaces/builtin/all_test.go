package builtin_test

import (
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/snap/snaptest"
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
)

type allSuite struct{}

var _ = Suite(&allSuite{})

// The registry is snapd's, name for name, with ours where listed.
func (s *allSuite) TestInterfaces(c *C) {
	c.Check(builtin.Replaced(), DeepEquals, []string{"shared-memory"})
	replaced := map[string]bool{}
	for _, name := range builtin.Replaced() {
		replaced[name] = true
	}
	ours, upstream := builtin.Interfaces(), snapdbuiltin.Interfaces()
	c.Assert(ours, HasLen, len(upstream))
	c.Check(len(ours) > 150, Equals, true, Commentf("%d interfaces", len(ours)))
	for i, iface := range ours {
		c.Assert(iface.Name(), Equals, upstream[i].Name())
		if replaced[iface.Name()] {
			c.Check(iface, Equals, builtin.MustInterface(iface.Name()))
			c.Check(iface, Not(Equals), upstream[i])
		} else {
			c.Check(iface, Equals, upstream[i], Commentf(iface.Name()))
		}
	}
	// Callers cannot change the registry through what they are given.
	ours[0] = nil
	c.Check(builtin.Interfaces()[0], NotNil)
}

// Plugs and slots of snapd's interfaces are sanitized by snapd's code,
// shared-memory ones by ours.
func (s *allSuite) TestSanitizePlugsSlots(c *C) {
	info := snaptest.MockInfo(c, `name: app
version: "1"
apps:
  app:
    command: bin/app
    plugs: [network, home, x11, wayland, opengl, audio-playback, browser-support, removable-media, fonts, unknown]
plugs:
  fonts:
    interface: content
    target: $SNAP/data-dir/fonts
  bad-content:
    interface: content
  bad-shm:
    interface: shared-memory
    private: true
    shared-memory: x
  unknown:
    interface: no-such-thing
slots:
  bad-dbus:
    interface: dbus
    bus: nowhere
    name: org.example.App
`, nil)
	builtin.SanitizePlugsSlots(info)
	c.Check(info.BadInterfaces, HasLen, 4)
	c.Check(info.BadInterfaces["unknown"], Equals, `unknown interface "no-such-thing"`)
	c.Check(info.BadInterfaces["bad-content"], Matches, `.*content.*target.*`)
	c.Check(info.BadInterfaces["bad-dbus"], Matches, `.*bus.*`)
	c.Check(info.BadInterfaces["bad-shm"], Matches, `shared-memory "shared-memory" attribute must not be set together with "private: true"`)
	var plugs []string
	for name := range info.Apps["app"].Plugs {
		plugs = append(plugs, name)
	}
	c.Check(plugs, HasLen, 9)
	c.Check(info.Plugs["unknown"], IsNil)
	c.Check(info.Slots["bad-dbus"], IsNil)
	c.Check(info.Plugs["fonts"].Attrs["content"], Equals, "fonts")
}
