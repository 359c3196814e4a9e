// -*- Mode: Go; indent-tabs-mode: t -*-

/*
 * Copyright (C) 2026 The snapd-shm Authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License version 3 as
 * published by the Free Software Foundation.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <http://www.gnu.org/licenses/>.
 *
 */

// Package benchmarks_test measures our shared-memory interface against
// snapd 2.64's own in one binary: connecting, scaling with the number of
// names, regenerating the specifications of many snaps, and the cost of the
// rules to apparmor_parser. It holds benchmarks only.
package benchmarks_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/interfaces/apparmor"
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
)

// implementation is one shared-memory interface under measurement.
type implementation struct {
	name  string
	iface interfaces.Interface
}

// implementations are, in the order benchstat compares them: snapd 2.64's
// shared-memory, ours, and a no-op interface of the same name that shows
// what snapd's framework costs by itself.
func implementations() []implementation {
	return []implementation{
		{"snapd", findInterface(snapdbuiltin.Interfaces(), "shared-memory")},
		{"ours", findInterface(builtin.Interfaces(), "shared-memory")},
		{"noop", noopInterface{}},
	}
}

func findInterface(ifaces []interfaces.Interface, name string) interfaces.Interface {
	for _, iface := range ifaces {
		if iface.Name() == name {
			return iface
		}
	}
	panic(fmt.Sprintf("cannot find interface %q", name))
}

// noopInterface has every method that shared-memory has, and does nothing.
type noopInterface struct{}

func (noopInterface) Name() string { return "shared-memory" }

func (noopInterface) StaticInfo() interfaces.StaticInfo { return interfaces.StaticInfo{} }

func (noopInterface) BeforePrepareSlot(*snap.SlotInfo) error { return nil }

func (noopInterface) BeforePreparePlug(*snap.PlugInfo) error { return nil }

func (noopInterface) AppArmorConnectedPlug(*apparmor.Specification, *interfaces.ConnectedPlug, *interfaces.ConnectedSlot) error {
	return nil
}

func (noopInterface) AppArmorConnectedSlot(*apparmor.Specification, *interfaces.ConnectedPlug, *interfaces.ConnectedSlot) error {
	return nil
}

func (noopInterface) MountConnectedPlug(*mount.Specification, *interfaces.ConnectedPlug, *interfaces.ConnectedSlot) error {
	return nil
}

func (noopInterface) AutoConnect(*snap.PlugInfo, *snap.SlotInfo) bool { return true }

// snapInfo reads snap.yaml without snapd's global sanitizer, which is
// whichever registry's init ran last; callers sanitize with the
// implementation under measurement.
func snapInfo(tb testing.TB, yaml string) *snap.Info {
	tb.Helper()
	restore := snap.MockSanitizePlugsSlots(func(*snap.Info) {})
	defer restore()
	info, err := snap.InfoFromSnapYaml([]byte(yaml))
	if err != nil {
		tb.Fatalf("cannot read snap.yaml: %v", err)
	}
	return info
}

func appSet(tb testing.TB, info *snap.Info) *interfaces.SnapAppSet {
	tb.Helper()
	set, err := interfaces.NewSnapAppSet(info, nil)
	if err != nil {
		tb.Fatalf("cannot make app set of %q: %v", info.InstanceName(), err)
	}
	return set
}

// providerYaml returns a provider whose slot my-ipc lists the given names;
// names alternate between "write" and "read".
func providerYaml(names []string) string {
	var write, read []string
	for i, name := range names {
		if i%2 == 0 {
			write = append(write, name)
		} else {
			read = append(read, name)
		}
	}
	return slotProviderYaml(write, read)
}

// slotProviderYaml returns a provider whose slot my-ipc writes and reads the
// given names.
func slotProviderYaml(write, read []string) string {
	quote := func(names []string) string {
		quoted := make([]string, len(names))
		for i, name := range names {
			quoted[i] = fmt.Sprintf("%q", name)
		}
		return strings.Join(quoted, ", ")
	}
	return fmt.Sprintf(`name: provider
version: "1.0"
apps:
  server:
    command: bin/server
    slots: [shmem]
slots:
  shmem:
    interface: shared-memory
    shared-memory: my-ipc
    write: [%s]
    read: [%s]
`, quote(write), quote(read))
}

// realisticNames are 8 names, 2 of them globs.
var realisticNames = []string{"frame-*", "stats.*", "control", "config", "audio-ring", "status", "video-ring", "events"}

// scaledNames returns n names, every fifth one a glob.
func scaledNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("object-%04d", i)
		if i%5 == 4 {
			names[i] += "-*"
		}
	}
	return names
}

func consumerYaml(snapName string) string {
	return fmt.Sprintf(`name: %s
version: "1.0"
apps:
  client:
    command: bin/client
    plugs: [shm]
plugs:
  shm:
    interface: shared-memory
    shared-memory: my-ipc
`, snapName)
}

const privateConsumerYaml = `name: consumer
version: "1.0"
apps:
  client:
    command: bin/client
    plugs: [shm]
plugs:
  shm:
    interface: shared-memory
    private: true
`

const coreYaml = `name: core
version: "16"
type: os
slots:
  shared-memory:
    interface: shared-memory
`

// connection is one plug and one slot, unsanitized, with the attributes
// they were read with.
type connection struct {
	plug             *snap.PlugInfo
	slot             *snap.SlotInfo
	plugSet, slotSet *interfaces.SnapAppSet
	plugAttrs        map[string]interface{}
	slotAttrs        map[string]interface{}
	sanitizeSlot     bool
	plugTag          string
	// plugSpec is the consumer's specification from the last lifecycle.
	plugSpec *apparmor.Specification
}

func newConnection(tb testing.TB, plugYaml, slotYaml string) *connection {
	tb.Helper()
	plugInfo := snapInfo(tb, plugYaml)
	slotInfo := snapInfo(tb, slotYaml)
	if len(plugInfo.Plugs) != 1 || len(slotInfo.Slots) != 1 {
		tb.Fatalf("%s and %s must have one plug and one slot", plugInfo.InstanceName(), slotInfo.InstanceName())
	}
	c := &connection{
		plugSet: appSet(tb, plugInfo),
		slotSet: appSet(tb, slotInfo),
	}
	for _, plug := range plugInfo.Plugs {
		c.plug = plug
	}
	for _, slot := range slotInfo.Slots {
		c.slot = slot
	}
	tags, err := c.plugSet.SecurityTagsForPlug(c.plug)
	if err != nil || len(tags) != 1 {
		tb.Fatalf("plug %s must belong to one app: %v %v", c.plug, tags, err)
	}
	c.plugTag = tags[0]
	c.plugAttrs, c.slotAttrs = c.plug.Attrs, c.slot.Attrs
	// snapd adds the system slot without sanitizing it.
	c.sanitizeSlot = slotInfo.Type() != snap.TypeOS
	return c
}

// slotConnector is an interface that checks a slot when it connects, as
// snapd's Repository.Connect calls it.
type slotConnector interface {
	BeforeConnectSlot(slot *interfaces.ConnectedSlot) error
}

// lifecycle sanitizes fresh copies of the plug and slot, checks them when
// they connect, and adds the connection to new AppArmor and mount
// specifications, as snapd does when it connects them.
func (c *connection) lifecycle(iface interfaces.Interface) error {
	c.plug.Attrs = maps.Clone(c.plugAttrs)
	c.slot.Attrs = maps.Clone(c.slotAttrs)
	if c.sanitizeSlot {
		if err := interfaces.BeforePrepareSlot(iface, c.slot); err != nil {
			return err
		}
	}
	if err := interfaces.BeforePreparePlug(iface, c.plug); err != nil {
		return err
	}
	plug := interfaces.NewConnectedPlug(c.plug, c.plugSet, nil, nil)
	slot := interfaces.NewConnectedSlot(c.slot, c.slotSet, nil, nil)
	if err := interfaces.BeforeConnectPlug(iface, plug); err != nil {
		return err
	}
	if iface, ok := iface.(slotConnector); ok {
		if err := iface.BeforeConnectSlot(slot); err != nil {
			return err
		}
	}
	c.plugSpec = apparmor.NewSpecification(c.plugSet)
	if err := c.plugSpec.AddConnectedPlug(iface, plug, slot); err != nil {
		return err
	}
	if err := apparmor.NewSpecification(c.slotSet).AddConnectedSlot(iface, plug, slot); err != nil {
		return err
	}
	return (&mount.Specification{}).AddConnectedPlug(iface, plug, slot)
}

// plugSnippet runs the lifecycle once and returns the consumer's snippet;
// it fails when a real implementation emits nothing.
func (c *connection) plugSnippet(tb testing.TB, impl implementation) string {
	tb.Helper()
	if err := c.lifecycle(impl.iface); err != nil {
		tb.Fatalf("%s: cannot connect: %v", impl.name, err)
	}
	snippet := c.plugSpec.SnippetForTag(c.plugTag)
	if snippet == "" && impl.name != "noop" {
		tb.Fatalf("%s: no AppArmor snippet for %s", impl.name, c.plugTag)
	}
	return snippet
}
