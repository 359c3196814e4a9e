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

package builtin

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/osutil"
	"github.com/snapcore/snapd/snap"
)

const sharedMemorySummary = `allows two snaps to use predefined shared memory objects`

// A plug works in one of two modes. A private plug (private: true) connects
// to the system slot and gets a /dev/shm of its own. Any other plug connects
// to an application slot with the same shared-memory identifier. Plugs need
// no store grant: only a granted slot exposes memory, so a plug alone gives
// nothing away. Auto-connection is for private plugs, and for snaps of one
// publisher whose identifiers match.
const sharedMemoryBaseDeclarationPlugs = `
  shared-memory:
    allow-connection:
      -
        plug-attributes:
          private: false
        slot-attributes:
          shared-memory: $PLUG(shared-memory)
      -
        plug-attributes:
          private: true
        slot-snap-type:
          - core
    allow-auto-connection:
      -
        plug-attributes:
          private: false
        slot-attributes:
          shared-memory: $PLUG(shared-memory)
        slot-publisher-id:
          - $PLUG_PUBLISHER_ID
      -
        plug-attributes:
          private: true
        slot-snap-type:
          - core
`

// The system slot is implicit on core and snapd. Application and gadget
// snaps may offer a slot too, but it is super-privileged: the store must
// grant it in a snap declaration. The plug rules decide auto-connection.
const sharedMemoryBaseDeclarationSlots = `
  shared-memory:
    allow-installation:
      slot-snap-type:
        - app
        - gadget
        - core
    deny-installation:
      slot-snap-type:
        - app
        - gadget
    deny-auto-connection: true
`

const sharedMemoryPrivateConnectedPlugAppArmor = `
# Description: the snap's private /dev/shm is its own, subdirectories included.
"/dev/shm/**" mrwlkix,
`

// snap-update-ns binds /dev/shm/snap.<instance> over /dev/shm, creating the
// source directory when it is missing.
const sharedMemoryPrivateUpdateNS = `  # Private /dev/shm
  /dev/ r,
  /dev/shm/{,**} rw,
  mount options=(bind, rw) /dev/shm/snap.%s/ -> /dev/shm/,
  umount /dev/shm/,`

// Connected plugs read and write the slot's "write" names, and only read its
// "read" names; the slot itself reads and writes both.
const (
	sharedMemoryReadWritePerms = "mrwlk"
	sharedMemoryReadOnlyPerms  = "r"
)

// validateSharedMemoryName checks one entry of the "read" or "write" list.
// An accepted name yields a rule that AppArmor compiles and that matches
// objects directly inside /dev/shm only.
func validateSharedMemoryName(attr, name string) error {
	if name == "" {
		return fmt.Errorf(`shared-memory %q attribute cannot hold an empty name`, attr)
	}
	if strings.TrimSpace(name) != name {
		return fmt.Errorf(`shared-memory %q name %q cannot have leading or trailing space`, attr, name)
	}
	for i, r := range name {
		switch r {
		case '/', '?', '[', ']', '{', '}', '^', '"', '\\', 0:
			// The path separator, AppArmor's pattern characters but "*",
			// its quote and its escape, and NUL.
			return fmt.Errorf(`shared-memory %q name %q cannot contain %q`, attr, name, string(r))
		case '*':
			if strings.HasPrefix(name[i+1:], "*") {
				return fmt.Errorf(`shared-memory %q name %q cannot contain "**"`, attr, name)
			}
		default:
			if unicode.IsControl(r) {
				return fmt.Errorf(`shared-memory %q name %q cannot contain control character %q`, attr, name, string(r))
			}
		}
	}
	if name == "." || name == ".." {
		return fmt.Errorf(`shared-memory %q name %q does not name an object in /dev/shm`, attr, name)
	}
	return nil
}

// sharedMemoryNames returns the names of a "read" or "write" attribute.
func sharedMemoryNames(attrs interfaces.Attrer, attr string) ([]string, error) {
	value, ok := attrs.Lookup(attr)
	if !ok {
		return nil, nil
	}
	if names, ok := sharedMemoryStrings(value); ok {
		return names, nil
	}
	// Other list types, and the error, are stringListAttribute's.
	names, err := stringListAttribute(attrs, attr)
	if err != nil {
		return nil, fmt.Errorf("shared-memory %v", err)
	}
	return names, nil
}

// sharedMemoryStrings returns value as a list of strings, if it is a list
// as snap.yaml gives it: taking the strings as they are spares Attr's
// reflection.
func sharedMemoryStrings(value interface{}) ([]string, bool) {
	list, ok := value.([]interface{})
	if !ok {
		return nil, false
	}
	names := make([]string, len(list))
	for i, item := range list {
		if names[i], ok = item.(string); !ok {
			return nil, false
		}
	}
	return names, true
}

// sharedMemoryIdentifier checks the "shared-memory" attribute and defaults
// it to the plug or slot name.
func sharedMemoryIdentifier(attrs map[string]interface{}, name string) error {
	value, set := attrs["shared-memory"]
	identifier, ok := value.(string)
	if set && !ok {
		return fmt.Errorf(`shared-memory "shared-memory" attribute must be a string, not "%v"`, value)
	}
	if identifier == "" {
		attrs["shared-memory"] = name
	}
	return nil
}

// sharedMemoryPrivate checks the "private" attribute, given as looking it up
// found it. Connections stored by snapd releases older than the attribute
// lack it: they are not private.
func sharedMemoryPrivate(value interface{}, set bool) (bool, error) {
	private, ok := value.(bool)
	if set && !ok {
		return false, fmt.Errorf(`shared-memory "private" attribute must be a bool, not "%v"`, value)
	}
	return private, nil
}

type sharedMemoryInterface struct{}

func (iface *sharedMemoryInterface) Name() string {
	return "shared-memory"
}

func (iface *sharedMemoryInterface) StaticInfo() interfaces.StaticInfo {
	return interfaces.StaticInfo{
		Summary:              sharedMemorySummary,
		BaseDeclarationPlugs: sharedMemoryBaseDeclarationPlugs,
		BaseDeclarationSlots: sharedMemoryBaseDeclarationSlots,
		AffectsPlugOnRefresh: true,
		ImplicitOnCore:       true,
		ImplicitOnClassic:    true,
	}
}

func (iface *sharedMemoryInterface) BeforePrepareSlot(slot *snap.SlotInfo) error {
	if slot.Attrs == nil {
		slot.Attrs = make(map[string]interface{})
	}
	if err := sharedMemoryIdentifier(slot.Attrs, slot.Name); err != nil {
		return err
	}
	count := 0
	for _, attr := range []string{"read", "write"} {
		names, err := sharedMemoryNames(slot, attr)
		if err != nil {
			return err
		}
		for _, name := range names {
			if err := validateSharedMemoryName(attr, name); err != nil {
				return err
			}
		}
		count += len(names)
	}
	if count == 0 {
		return fmt.Errorf(`shared-memory slot %q needs at least one name in "read" or "write"`, slot.Name)
	}
	return nil
}

func (iface *sharedMemoryInterface) BeforePreparePlug(plug *snap.PlugInfo) error {
	if plug.Attrs == nil {
		plug.Attrs = make(map[string]interface{})
	}
	value, set := plug.Attrs["private"]
	private, err := sharedMemoryPrivate(value, set)
	if err != nil {
		return err
	}
	plug.Attrs["private"] = private
	if !private {
		return sharedMemoryIdentifier(plug.Attrs, plug.Name)
	}
	if _, set := plug.Attrs["shared-memory"]; set {
		return fmt.Errorf(`shared-memory plug %q cannot set "shared-memory" together with "private: true"`, plug.Name)
	}
	for _, other := range plug.Snap.Plugs {
		if other != plug && other.Interface == "shared-memory" {
			return fmt.Errorf(`shared-memory plug %q with "private: true" cannot be used with other shared-memory plugs, such as %q`, plug.Name, other.Name)
		}
	}
	for _, other := range plug.Snap.Slots {
		if other.Interface == "shared-memory" {
			return fmt.Errorf(`shared-memory plug %q with "private: true" cannot be used with shared-memory slots, such as %q`, plug.Name, other.Name)
		}
	}
	return nil
}

// sharedMemoryRules returns one rule for each of the slot's names, on both
// /dev/shm and /run/shm (Ubuntu 14.04). Read names get readPerms. The names
// were validated by BeforePrepareSlot.
func sharedMemoryRules(slot *interfaces.ConnectedSlot, readPerms string) (string, error) {
	writeNames, err := sharedMemoryNames(slot, "write")
	if err != nil {
		return "", err
	}
	readNames, err := sharedMemoryNames(slot, "read")
	if err != nil {
		return "", err
	}
	lists := [...]struct {
		names []string
		perms string
	}{
		{writeNames, sharedMemoryReadWritePerms},
		{readNames, readPerms},
	}
	// Each rule takes at most ruleSize bytes beside its name: grow once.
	const ruleSize = len(`"/{dev,run}/shm/" ` + sharedMemoryReadWritePerms + ",\n")
	size := 0
	for _, list := range lists {
		for _, name := range list.names {
			size += ruleSize + len(name)
		}
	}
	var rules strings.Builder
	rules.Grow(size)
	for _, list := range lists {
		for _, name := range list.names {
			rules.WriteString(`"/{dev,run}/shm/`)
			rules.WriteString(name)
			rules.WriteString(`" `)
			rules.WriteString(list.perms)
			rules.WriteString(",\n")
		}
	}
	return rules.String(), nil
}

func (iface *sharedMemoryInterface) AppArmorConnectedPlug(spec *apparmor.Specification, plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) error {
	private, err := sharedMemoryPrivate(plug.Lookup("private"))
	if err != nil {
		return err
	}
	if private {
		spec.AddDeduplicatedSnippet(sharedMemoryPrivateConnectedPlugAppArmor)
		spec.AddUpdateNSf(sharedMemoryPrivateUpdateNS, plug.Snap().InstanceName())
		return nil
	}
	rules, err := sharedMemoryRules(slot, sharedMemoryReadOnlyPerms)
	if err != nil {
		return err
	}
	spec.AddDeduplicatedSnippet(rules)
	return nil
}

func (iface *sharedMemoryInterface) AppArmorConnectedSlot(spec *apparmor.Specification, plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) error {
	if implicitSystemConnectedSlot(slot) {
		return nil
	}
	rules, err := sharedMemoryRules(slot, sharedMemoryReadWritePerms)
	if err != nil {
		return err
	}
	spec.AddDeduplicatedSnippet(rules)
	return nil
}

func (iface *sharedMemoryInterface) MountConnectedPlug(spec *mount.Specification, plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) error {
	private, err := sharedMemoryPrivate(plug.Lookup("private"))
	if err != nil {
		return err
	}
	if !private {
		return nil
	}
	devShm := filepath.Join(dirs.GlobalRootDir, "/dev/shm")
	if osutil.IsSymlink(devShm) {
		return fmt.Errorf(`shared-memory plug %q with "private: true" cannot be connected: %q is a symlink`, plug.Name(), devShm)
	}
	return spec.AddMountEntry(osutil.MountEntry{
		Name:    "/dev/shm/snap." + plug.Snap().InstanceName(),
		Dir:     "/dev/shm",
		Options: []string{"bind", "rw"},
	})
}

func (iface *sharedMemoryInterface) AutoConnect(plug *snap.PlugInfo, slot *snap.SlotInfo) bool {
	// The base declaration decides.
	return true
}

func init() {
	registerIface(&sharedMemoryInterface{})
}
