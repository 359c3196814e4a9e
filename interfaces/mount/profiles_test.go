package mount_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapcore/snapd/osutil"
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/mount"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/golden"
)

func Test(t *testing.T) { TestingT(t) }

type profilesSuite struct{}

var _ = Suite(&profilesSuite{})

func exampleYAML(c *C, name string) []byte {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	c.Assert(err, IsNil)
	return data
}

func privateExample(c *C, instanceKey string) ([]system.Snap, []system.Connection) {
	instance := "scratchpad"
	if instanceKey != "" {
		instance += "_" + instanceKey
	}
	return []system.Snap{
			{YAML: exampleYAML(c, "private/consumer.yaml"), InstanceKey: instanceKey},
			{YAML: exampleYAML(c, "private/core.yaml")},
		}, []system.Connection{
			{PlugSnap: instance, Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"},
		}
}

// Each case's golden directory holds one file per mount profile, named as
// the profile.
func (s *profilesSuite) TestGolden(c *C) {
	for _, t := range []struct {
		name        string
		instanceKey string
	}{
		{"private", ""},
		{"private-parallel", "foo"},
	} {
		snaps, conns := privateExample(c, t.instanceKey)
		result, err := mount.Generate(system.Setup{Snaps: snaps, Connections: conns})
		c.Assert(err, IsNil, Commentf("case %s", t.name))
		files := make(map[string]string)
		for _, profile := range result.Files {
			files[profile.Name] = profile.Text
			c.Check(strings.Contains(profile.Text, "snapd-shm-root-"), Equals, false, Commentf("temporary root in %s", profile.Name))
		}
		golden.Dir(c, filepath.Join("testdata", t.name), files)
	}
}

func (s *profilesSuite) TestPrivateEntry(c *C) {
	for _, t := range []struct {
		instanceKey, instance string
		entries               int
	}{
		{"", "scratchpad", 1},
		// The parallel instance also maps its snap and data directories
		// over the snap's own names.
		{"foo", "scratchpad_foo", 3},
	} {
		snaps, conns := privateExample(c, t.instanceKey)
		result, err := mount.Generate(system.Setup{Snaps: snaps, Connections: conns})
		c.Assert(err, IsNil)
		c.Assert(result.Files, HasLen, 1)
		c.Check(result.Files[0].Name, Equals, "snap."+t.instance+".fstab")
		profile, err := mount.ParseProfile(result.Files[0])
		c.Assert(err, IsNil)
		c.Assert(profile.Entries, HasLen, t.entries)
		c.Check(profile.Entries[t.entries-1], DeepEquals, osutil.MountEntry{
			Name:    "/dev/shm/snap." + t.instance,
			Dir:     "/dev/shm",
			Type:    "none",
			Options: []string{"bind", "rw"},
		})
	}
}

// Connections that share memory need no mount profile.
func (s *profilesSuite) TestNoProfile(c *C) {
	for _, example := range []struct{ dir, plugSnap, plug, slotSnap, slot string }{
		{"reference", "consumer", "my-ipc", "provider", "shmem"},
		{"wildcard", "viewer", "frames", "sensors", "frames"},
	} {
		result, err := mount.Generate(system.Setup{Snaps: []system.Snap{
			{YAML: exampleYAML(c, example.dir+"/provider.yaml")},
			{YAML: exampleYAML(c, example.dir+"/consumer.yaml")},
		}, Connections: []system.Connection{{PlugSnap: example.plugSnap, Plug: example.plug, SlotSnap: example.slotSnap, Slot: example.slot}}})
		c.Check(err, IsNil, Commentf(example.dir))
		c.Check(result.Files, HasLen, 0, Commentf(example.dir))
	}
}

func (s *profilesSuite) TestBadInput(c *C) {
	snaps, _ := privateExample(c, "")
	result, err := mount.Generate(system.Setup{Snaps: snaps, Connections: []system.Connection{
		{PlugSnap: "scratchpad", Plug: "nope", SlotSnap: "core", Slot: "shared-memory"},
	}})
	c.Check(err, ErrorMatches, `cannot connect plug "nope" from snap "scratchpad": no such plug`)
	c.Check(result, IsNil)

	_, err = mount.ParseProfile(system.File{Name: "snap.x.fstab", Text: "only-one-field\n"})
	c.Check(err, ErrorMatches, `cannot parse mount profile "snap.x.fstab": .*`)
}
