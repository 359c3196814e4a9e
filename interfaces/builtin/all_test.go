package builtin_test

import (
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/snap"
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

// ByName finds the registry's interface, ours for a replaced name.
func (s *allSuite) TestByName(c *C) {
	iface, err := builtin.ByName("shared-memory")
	c.Assert(err, IsNil)
	c.Check(iface, Equals, builtin.MustInterface("shared-memory"))
	iface, err = builtin.ByName("network")
	c.Assert(err, IsNil)
	c.Check(iface.Name(), Equals, "network")
	_, err = builtin.ByName("no-such")
	c.Check(err, ErrorMatches, `unknown interface "no-such"`)
}

// A nil snap has nothing to sanitize; a snap.Info made without a
// BadInterfaces map gets one for the verdicts.
func (s *allSuite) TestSanitizePlugsSlotsZeroValues(c *C) {
	builtin.SanitizePlugsSlots(nil)
	info := &snap.Info{SuggestedName: "bare"}
	info.Plugs = map[string]*snap.PlugInfo{"shm": {Snap: info, Name: "shm", Interface: "shared-memory", Attrs: map[string]interface{}{"private": "yes"}}}
	builtin.SanitizePlugsSlots(info)
	c.Check(info.BadInterfaces, DeepEquals, map[string]string{"shm": `shared-memory "private" attribute must be a bool, not yes`})
	c.Check(info.Plugs, HasLen, 0)
}
