package system_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/interfaces/ifacetest"
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

func Test(t *testing.T) { TestingT(t) }

type systemSuite struct{}

var _ = Suite(&systemSuite{})

const consumerYaml = `name: consumer
version: "1.0"
apps:
  client:
    command: bin/client
plugs:
  my-ipc:
    interface: shared-memory
    shared-memory: ipc
  broken:
    interface: no-such-interface
`

func (s *systemSuite) TestReadSnapKeepsVerdicts(c *C) {
	info, err := system.ReadSnap(system.Snap{YAML: []byte(consumerYaml), InstanceKey: "foo"}, registry.Ours())
	c.Assert(err, IsNil)
	c.Check(info.InstanceName(), Equals, "consumer_foo")
	c.Check(info.Plugs["my-ipc"], NotNil)
	c.Check(info.Plugs["broken"], IsNil)
	c.Check(info.BadInterfaces, DeepEquals, map[string]string{"broken": `unknown interface "no-such-interface"`})
}

func (s *systemSuite) TestReadSnapErrors(c *C) {
	for _, t := range []struct {
		snap system.Snap
		err  string
	}{
		{system.Snap{YAML: []byte("name: [")}, `.*yaml.*`},
		{system.Snap{YAML: []byte(consumerYaml), InstanceKey: "Bad!"}, `invalid instance key: "Bad!"`},
	} {
		_, err := system.ReadSnap(t.snap, registry.Registry{})
		c.Check(err, ErrorMatches, t.err)
	}
}

// An os or snapd snap carries the implicit slots, whatever it declares.
func (s *systemSuite) TestSystemSlots(c *C) {
	for _, yaml := range []string{
		"name: core\nversion: \"16\"\ntype: os\n",
		"name: snapd\nversion: \"1\"\ntype: snapd\n",
		"name: core\nversion: \"16\"\ntype: os\nslots:\n  shared-memory:\n    write: [a]\n",
	} {
		info, err := system.ReadSnap(system.Snap{YAML: []byte(yaml)}, registry.Ours())
		c.Assert(err, IsNil)
		c.Check(info.BadInterfaces, HasLen, 0, Commentf(yaml))
		for _, iface := range builtin.Interfaces() {
			slot := info.Slots[iface.Name()]
			if !interfaces.StaticInfoOf(iface).ImplicitOnClassic {
				c.Check(slot, IsNil, Commentf("%s in %s", iface.Name(), yaml))
				continue
			}
			c.Assert(slot, NotNil, Commentf("%s in %s", iface.Name(), yaml))
			c.Check(slot.Interface, Equals, iface.Name())
			c.Check(slot.Attrs, HasLen, 0)
		}
	}
}

func (s *systemSuite) TestRun(c *C) {
	provider := "name: provider\nversion: \"1\"\nslots:\n  shmem:\n    interface: shared-memory\n    shared-memory: ipc\n    write: [a]\n"
	setup := system.Setup{
		Snaps:       []system.Snap{{YAML: []byte(provider)}, {YAML: []byte(consumerYaml)}},
		Connections: []system.Connection{{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "shmem"}},
	}
	// The unknown interface is an error here.
	err := system.Run(setup, &ifacetest.TestSecurityBackend{}, func(*system.System) error { return nil })
	c.Check(err, ErrorMatches, `cannot use snap #2: snap "consumer" has bad plugs or slots: plug "broken": unknown interface "no-such-interface"`)

	setup.Snaps[1].YAML = []byte(consumerYaml[:len(consumerYaml)-len("  broken:\n    interface: no-such-interface\n")])
	var root string
	err = system.Run(setup, &ifacetest.TestSecurityBackend{}, func(sys *system.System) error {
		root = sys.Root
		c.Check(sys.AppSets, HasLen, 3)
		c.Check(sys.AppSets[2].InstanceName(), Equals, "snapd")
		c.Check(sys.Connected, DeepEquals, []system.Connected{{Connection: setup.Connections[0], Interface: "shared-memory", Requested: true}})
		return nil
	})
	c.Assert(err, IsNil)
	c.Check(root, Not(Equals), "")
	_, err = os.Stat(root)
	c.Check(os.IsNotExist(err), Equals, true)
}

func (s *systemSuite) TestRunWithoutBackend(c *C) {
	called := false
	err := system.Run(system.Setup{}, nil, func(*system.System) error {
		called = true
		return nil
	})
	c.Check(err, ErrorMatches, `cannot run a system: backend is nil`)
	c.Check(called, Equals, false)
}

// WriteProfiles prepares the system, has the backend set up every snap, and
// reads what it wrote, paths under the root written as on a real root.
func (s *systemSuite) TestWriteProfiles(c *C) {
	var root string
	restored := false
	backend := &ifacetest.TestSecurityBackend{BackendName: "test"}
	backend.SetupCallback = func(appSet *interfaces.SnapAppSet, _ interfaces.ConfinementOptions, _ *interfaces.Repository) error {
		text := filepath.Join(root, "snap", appSet.InstanceName()) + "\n"
		return os.WriteFile(filepath.Join(root, "out", appSet.InstanceName()), []byte(text), 0644)
	}
	setup := system.Setup{Snaps: []system.Snap{{YAML: []byte("name: provider\nversion: \"1\"\n")}}}
	profiles, err := system.WriteProfiles(setup, backend, func() string { return filepath.Join(dirs.GlobalRootDir, "out") }, func(sys *system.System) (func(), error) {
		root = sys.Root
		c.Check(backend.SetupCalls, HasLen, 0)
		return func() { restored = true }, os.Mkdir(filepath.Join(root, "out"), 0755)
	})
	c.Assert(err, IsNil)
	c.Check(profiles, DeepEquals, &system.Profiles{Files: []system.File{
		{Name: "provider", Text: "/snap/provider\n"},
		{Name: "snapd", Text: "/snap/snapd\n"},
	}})
	c.Check(restored, Equals, true)

	profiles, err = system.WriteProfiles(setup, backend, nil, nil)
	c.Check(err, ErrorMatches, `cannot write profiles: dir is nil`)
	c.Check(profiles, IsNil)
}

// Snaps are validated as snapd validates them on installation.
func (s *systemSuite) TestReadSnapValidates(c *C) {
	for _, t := range []struct{ yaml, err string }{
		{"name: same\nversion: \"1\"\nplugs:\n  x: network\nslots:\n  x: network\n", `cannot have plug and slot with the same name: "x"`},
		{"name: noversion\n", `invalid snap version: cannot be empty`},
		{"name: app\nversion: \"1\"\napps:\n  a:\n    command: bin/a\n    daemon: bogus\n", `.*"bogus".*`},
	} {
		_, err := system.ReadSnap(system.Snap{YAML: []byte(t.yaml)}, registry.Ours())
		c.Check(err, ErrorMatches, t.err, Commentf(t.yaml))
	}
}
