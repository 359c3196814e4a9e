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

// Package builtin is the registry of snapd-shm's interfaces: every
// interface snapd 2.64 ships, with ours in place of snapd's of the same
// name. It mirrors snapd's interfaces/builtin, so that each of our
// interface files compiles both here and in snapd's tree. Unlike snapd's,
// it sets no global hooks of snapd: callers pass Interfaces and
// SanitizePlugsSlots on explicitly.
package builtin

import (
	"fmt"
	"sort"
	"sync"

	"github.com/snapcore/snapd/interfaces"
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/snap"
)

// SharedMemory is the name of the shared-memory interface.
const SharedMemory = "shared-memory"

// replaced names the interfaces of snapd 2.64 that snapd-shm replaces with
// its own, each registered under the same name. It is the whole list.
var replaced = []string{SharedMemory}

// Replaced returns the names of snapd's interfaces that ours replace.
func Replaced() []string {
	return append([]string(nil), replaced...)
}

// allInterfaces holds our own interfaces, as their files register them.
var allInterfaces map[string]interfaces.Interface

// registerIface adds one of our interfaces; a name may be taken once.
func registerIface(iface interfaces.Interface) {
	if allInterfaces[iface.Name()] != nil {
		panic(fmt.Errorf("cannot register duplicate interface %q", iface.Name()))
	}
	if allInterfaces == nil {
		allInterfaces = make(map[string]interfaces.Interface)
	}
	allInterfaces[iface.Name()] = iface
}

// registry is snapd's interfaces with ours in place of the replaced ones,
// composed on first use, once every interface file has registered.
var registry = sync.OnceValues(compose)

func compose() (byName map[string]interfaces.Interface, sorted []interfaces.Interface) {
	byName = make(map[string]interfaces.Interface)
	for _, iface := range snapdbuiltin.Interfaces() {
		byName[iface.Name()] = iface
	}
	isReplaced := make(map[string]bool, len(replaced))
	for _, name := range replaced {
		if byName[name] == nil || allInterfaces[name] == nil {
			panic(fmt.Sprintf("cannot replace interface %q: it must be both snapd's and ours", name))
		}
		byName[name] = allInterfaces[name]
		isReplaced[name] = true
	}
	for name := range allInterfaces {
		if !isReplaced[name] {
			panic(fmt.Sprintf("cannot use interface %q: it is not listed as replacing snapd's", name))
		}
	}
	for _, iface := range byName {
		sorted = append(sorted, iface)
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name() < sorted[j].Name() })
	return byName, sorted
}

// Interfaces returns every interface of the registry, sorted by name.
func Interfaces() []interfaces.Interface {
	_, sorted := registry()
	return append([]interfaces.Interface(nil), sorted...)
}

// SanitizePlugsSlots validates the plugs and slots of a snap against the
// registered interfaces, as snapd's function of the same name does: each
// bad plug or slot is recorded in BadInterfaces and removed from the snap,
// its apps and its hooks. A nil snap has nothing to sanitize.
func SanitizePlugsSlots(snapInfo *snap.Info) {
	if snapInfo == nil {
		return
	}
	if snapInfo.BadInterfaces == nil {
		snapInfo.BadInterfaces = make(map[string]string)
	}
	// Bad plugs and slots are removed only after all are checked, so that
	// no verdict depends on map order.
	var badPlugs, badSlots []string
	for name, plug := range snapInfo.Plugs {
		if err := sanitizePlug(plug); err != nil {
			snapInfo.BadInterfaces[name] = err.Error()
			badPlugs = append(badPlugs, name)
		}
	}
	for name, slot := range snapInfo.Slots {
		if err := sanitizeSlot(slot); err != nil {
			snapInfo.BadInterfaces[name] = err.Error()
			badSlots = append(badSlots, name)
		}
	}
	for _, name := range badPlugs {
		removePlug(snapInfo, name)
	}
	for _, name := range badSlots {
		removeSlot(snapInfo, name)
	}
}

// ByName returns the registry's interface of that name.
func ByName(name string) (interfaces.Interface, error) {
	byName, _ := registry()
	iface, ok := byName[name]
	if !ok {
		return nil, fmt.Errorf("unknown interface %q", name)
	}
	return iface, nil
}

func sanitizePlug(plug *snap.PlugInfo) error {
	iface, err := ByName(plug.Interface)
	if err != nil {
		return err
	}
	if err := snap.ValidatePlugName(plug.Name); err != nil {
		return err
	}
	return interfaces.BeforePreparePlug(iface, plug)
}

func sanitizeSlot(slot *snap.SlotInfo) error {
	iface, err := ByName(slot.Interface)
	if err != nil {
		return err
	}
	if err := snap.ValidateSlotName(slot.Name); err != nil {
		return err
	}
	return interfaces.BeforePrepareSlot(iface, slot)
}

func removePlug(snapInfo *snap.Info, name string) {
	delete(snapInfo.Plugs, name)
	for _, app := range snapInfo.Apps {
		delete(app.Plugs, name)
	}
	for _, hook := range snapInfo.Hooks {
		delete(hook.Plugs, name)
	}
	for _, component := range snapInfo.Components {
		for _, hook := range component.ExplicitHooks {
			delete(hook.Plugs, name)
		}
	}
}

func removeSlot(snapInfo *snap.Info, name string) {
	delete(snapInfo.Slots, name)
	for _, app := range snapInfo.Apps {
		delete(app.Slots, name)
		activatesOn := app.ActivatesOn[:0]
		for _, slot := range app.ActivatesOn {
			if slot.Name != name {
				activatesOn = append(activatesOn, slot)
			}
		}
		app.ActivatesOn = activatesOn
	}
	for _, hook := range snapInfo.Hooks {
		delete(hook.Slots, name)
	}
}
