package hookattrs_test

import (
	"github.com/snapcore/snapd/interfaces"
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

// hole is a reproducer of results.json run in the kernel: the consumer's
// app reads /etc/shadow, which snapd's template does not let it read,
// once connected without and once with the attribute its hook sets.
type hole struct {
	name             string
	consumer, slot   string // snap.yamls; slot "" for the system's slot
	slotRef          interfaces.SlotRef
	plugAttr, slotAt map[string]interface{}
}

// consumerYAML is the snap.yaml of a consumer with plug p, declared as
// given.
func consumerYAML(plug string) string {
	return "name: consumer\nversion: \"1\"\napps:\n  app:\n    command: bin/app\nplugs:\n  p:\n" + plug
}

var kernelHoles = []hole{{
	name:     "custom-device",
	consumer: consumerYAML("    interface: custom-device\n    custom-device: s\n"),
	slot: `name: provider
version: "1"
apps:
  app:
    command: bin/app
slots:
  s:
    interface: custom-device
    devices:
    - /dev/probe0
`,
	slotRef: interfaces.SlotRef{Snap: "provider", Name: "s"},
	slotAt:  map[string]interface{}{"read-devices": []interface{}{"/**"}},
}, {
	name:     "system-files",
	consumer: consumerYAML("    interface: system-files\n    read:\n    - /etc/probe\n"),
	slotRef:  interfaces.SlotRef{Snap: "snapd", Name: "system-files"},
	plugAttr: map[string]interface{}{"write": []interface{}{"/**"}},
}}

// scene connects the hole's plug and slot, with the hook's attributes
// when hooked, writes the full AppArmor profiles with snapd's backend and
// runs head /etc/shadow as the consumer's app.
func (h hole) scene(c *C, probe string, hooked bool) *enforce.Scene {
	setup := system.Setup{Snaps: []system.Snap{{YAML: []byte(h.consumer)}}}
	if h.slot != "" {
		setup.Snaps = append(setup.Snaps, system.Snap{YAML: []byte(h.slot)})
	}
	ref := &interfaces.ConnRef{PlugRef: interfaces.PlugRef{Snap: "consumer", Name: "p"}, SlotRef: h.slotRef}
	profiles, err := apparmor.Generate(setup, apparmor.Options{Prepare: func(sys *system.System) error {
		sys.Repository.Disconnect(ref.PlugRef.Snap, ref.PlugRef.Name, ref.SlotRef.Snap, ref.SlotRef.Name)
		plugAttrs, slotAttrs := map[string]interface{}(nil), map[string]interface{}(nil)
		if hooked {
			plugAttrs, slotAttrs = h.plugAttr, h.slotAt
		}
		_, err := sys.Repository.Connect(ref, nil, plugAttrs, nil, slotAttrs, func(*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) (bool, error) { return true, nil })
		return err
	}})
	c.Assert(err, IsNil)
	name := h.name
	if hooked {
		name += "-hooked"
	}
	// Only the consumer's app runs: the kernel loads its profile alone.
	var app []system.File
	for _, f := range profiles.Files {
		if f.Name == "snap.consumer.app" {
			app = append(app, f)
		}
	}
	c.Assert(app, HasLen, 1)
	scene, err := enforce.NewScene(name, enforce.Programs{Probe: probe}, app, nil)
	c.Assert(err, IsNil)
	scene.Exec("consumer", "app", "/usr/bin/head", "-c1", "/etc/shadow")
	return scene
}

// TestHolesInKernel runs holes of snapd 2.64 found by the audit in the
// kernel: the hook's attribute lets the app read what it could not.
func (s *auditSuite) TestHolesInKernel(c *C) {
	probe, err := enforce.BuildProbe(c.MkDir())
	c.Assert(err, IsNil, Commentf("the kernel test needs gcc"))
	var batches []uml.Batch
	for _, h := range kernelHoles {
		for _, hooked := range []bool{false, true} {
			batch, err := h.scene(c, probe, hooked).Batch()
			c.Assert(err, IsNil)
			batches = append(batches, batch)
		}
	}
	report, err := uml.Run(batches)
	c.Assert(err, IsNil, Commentf("the kernel test needs linux.uml (apt-get install user-mode-linux) and AppArmor enabled in it"))
	// The head step is each scene's last.
	last := func(results []uml.Result) uml.Result { return results[len(results)-1] }
	for i, h := range kernelHoles {
		without, with := last(report.Results[2*i]), last(report.Results[2*i+1])
		c.Check(without.Exit, Not(Equals), 0, Commentf("%s without the hook: %+v", h.name, without))
		c.Check(without.Denials, Not(HasLen), 0, Commentf("%s without the hook", h.name))
		c.Check(with.Exit, Equals, 0, Commentf("%s with the hook: %+v", h.name, with))
		c.Check(with.Denials, HasLen, 0, Commentf("%s with the hook", h.name))
	}
}
