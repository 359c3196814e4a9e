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

// Package builtin is the registry of snapd-shm's interfaces. It mirrors
// snapd's interfaces/builtin, so that each interface file compiles both here
// and in snapd's tree. Unlike snapd's, it sets no global hooks of snapd:
// callers pass Interfaces and SanitizePlugsSlots on explicitly.
package builtin

import (
	"fmt"
	"sort"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"
)

var allInterfaces map[string]interfaces.Interface

// Interfaces returns every registered interface, sorted by name.
func Interfaces() []interfaces.Interface {
	ifaces := make([]interfaces.Interface, 0, len(allInterfaces))
	for _, iface := range allInterfaces {
		ifaces = append(ifaces, iface)
	}
	sort.Slice(ifaces, func(i, j int) bool { return ifaces[i].Name() < ifaces[j].Name() })
	return ifaces
}

// registerIface adds an interface to the registry; a name may be taken once.
func registerIface(iface interfaces.Interface) {
	if allInterfaces[iface.Name()] != nil {
		panic(fmt.Errorf("cannot register duplicate interface %q", iface.Name()))
	}
	if allInterfaces == nil {
		allInterfaces = make(map[string]interfaces.Interface)
	}
	allInterfaces[iface.Name()] = iface
}

// SanitizePlugsSlots validates the plugs and slots of a snap against the
// registered interfaces, as snapd's function of the same name does: each
// bad plug or slot is recorded in BadInterfaces and removed from the snap,
// its apps and its hooks.
func SanitizePlugsSlots(snapInfo *snap.Info) {
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

func sanitizePlug(plug *snap.PlugInfo) error {
	iface, ok := allInterfaces[plug.Interface]
	if !ok {
		return fmt.Errorf("unknown interface %q", plug.Interface)
	}
	if err := snap.ValidatePlugName(plug.Name); err != nil {
		return err
	}
	return interfaces.BeforePreparePlug(iface, plug)
}

func sanitizeSlot(slot *snap.SlotInfo) error {
	iface, ok := allInterfaces[slot.Interface]
	if !ok {
		return fmt.Errorf("unknown interface %q", slot.Interface)
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
