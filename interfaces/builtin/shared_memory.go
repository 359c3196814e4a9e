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
	"strconv"
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

// glibc's sem_open creates a semaphore under a temporary name, "sem." and 6
// characters of [A-Za-z0-9], then links it to its own name and unlinks the
// temporary. AppArmor lets a link grant on its new name, but for "l", only
// what the target already grants: so the temporary needs every permission
// that names of semaphores have but "l". The owner qualifier keeps it to the
// files the process itself creates.
const sharedMemorySemaphoreTemporaryPerms = "mrwk"

const sharedMemorySemaphoreAppArmor = `
# Description: glibc's sem_open creates a semaphore as sem.XXXXXX, then links it to its name.
owner "/{dev,run}/shm/sem.[a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9]" ` + sharedMemorySemaphoreTemporaryPerms + `,
`

// Limits that keep every profile apparmor_parser compiles from a slot's
// names within reach of its 65535 states, and its compile time, on a full
// profile, under a second. A glob costs more the more text follows it, so
// each "*" counts a name's length once more towards a slot's size.
const (
	// sharedMemoryMaxNameLength is NAME_MAX: no longer name exists in
	// /dev/shm.
	sharedMemoryMaxNameLength = 255
	sharedMemoryMaxGlobs      = 4
	sharedMemoryMaxNames      = 1024
	sharedMemoryMaxSize       = 16384
)

// validateSharedMemoryName checks one entry of the "read" or "write" list.
// An accepted name yields a rule that AppArmor compiles and that matches
// objects directly inside /dev/shm only.
func validateSharedMemoryName(attr, name string) error {
	if name == "" {
		return fmt.Errorf(`shared-memory %q attribute cannot hold an empty name`, attr)
	}
	if len(name) > sharedMemoryMaxNameLength {
		return fmt.Errorf(`shared-memory %q name %q cannot be longer than %d bytes, not %d`, attr, name, sharedMemoryMaxNameLength, len(name))
	}
	if strings.TrimSpace(name) != name {
		return fmt.Errorf(`shared-memory %q name %q cannot have leading or trailing space`, attr, name)
	}
	globs := 0
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
			if globs++; globs > sharedMemoryMaxGlobs {
				return fmt.Errorf(`shared-memory %q name %q cannot contain more than %d "*"`, attr, name, sharedMemoryMaxGlobs)
			}
		default:
			if unicode.IsControl(r) {
				return fmt.Errorf(`shared-memory %q name %q cannot contain control character %q`, attr, name, string(r))
			}
			if r > unicode.MaxASCII && sharedMemoryInvisible(r) {
				return fmt.Errorf(`shared-memory %q name %q cannot contain invisible character %q`, attr, name, string(r))
			}
		}
	}
	if name == "." || name == ".." {
		return fmt.Errorf(`shared-memory %q name %q does not name an object in /dev/shm`, attr, name)
	}
	return nil
}

// sharedMemoryInvisible reports whether r is a non-ASCII space, a line or
// paragraph separator, or a character that Unicode says to draw as nothing
// (format characters such as bidi overrides and zero-width joiners,
// variation selectors, fillers): they make a name read as another.
func sharedMemoryInvisible(r rune) bool {
	return unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Cf,
		unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// sharedMemoryNames returns the names of a "read" or "write" attribute.
// Lists come as snap.yaml and snapd's state give them, []interface{}, or as
// Go code stores them, []string.
func sharedMemoryNames(attrs interfaces.Attrer, attr string) ([]string, error) {
	value, ok := attrs.Lookup(attr)
	if !ok {
		return nil, nil
	}
	switch list := value.(type) {
	case []string:
		return list, nil
	case []interface{}:
		names := make([]string, len(list))
		for i, item := range list {
			if names[i], ok = item.(string); !ok {
				return nil, fmt.Errorf(`shared-memory %q attribute must be a list of strings, not %s`, attr, sharedMemoryValue(value))
			}
		}
		return names, nil
	}
	return nil, fmt.Errorf(`shared-memory %q attribute must be a list of strings, not %s`, attr, sharedMemoryValue(value))
}

// sharedMemoryValue quotes an attribute's value for an error, null as YAML
// writes it.
func sharedMemoryValue(value interface{}) string {
	return strconv.Quote(strings.ReplaceAll(fmt.Sprint(value), "<nil>", "null"))
}

// sharedMemoryIdentifier checks the "shared-memory" attribute and returns
// it, "" when it is not set.
func sharedMemoryIdentifier(attrs interfaces.Attrer) (string, error) {
	value, set := attrs.Lookup("shared-memory")
	identifier, ok := value.(string)
	if set && !ok {
		return "", fmt.Errorf(`shared-memory "shared-memory" attribute must be a string, not %s`, sharedMemoryValue(value))
	}
	return identifier, nil
}

// sharedMemorySlotNames checks a slot's attributes, as snap.yaml gives them
// or as a connection holds them, and returns its names.
func sharedMemorySlotNames(slot interfaces.Attrer, slotName string) (write, read []string, err error) {
	if _, err := sharedMemoryIdentifier(slot); err != nil {
		return nil, nil, err
	}
	if read, err = sharedMemoryNames(slot, "read"); err != nil {
		return nil, nil, err
	}
	if write, err = sharedMemoryNames(slot, "write"); err != nil {
		return nil, nil, err
	}
	switch count := len(read) + len(write); {
	case count == 0:
		return nil, nil, fmt.Errorf(`shared-memory slot %q needs at least one name in "read" or "write"`, slotName)
	case count > sharedMemoryMaxNames:
		return nil, nil, fmt.Errorf(`shared-memory slot %q cannot have more than %d names in "read" and "write", not %d`, slotName, sharedMemoryMaxNames, count)
	}
	size := 0
	for _, list := range [...]struct {
		attr  string
		names []string
	}{{"read", read}, {"write", write}} {
		for _, name := range list.names {
			if err := validateSharedMemoryName(list.attr, name); err != nil {
				return nil, nil, err
			}
			size += len(name) * (1 + strings.Count(name, "*"))
		}
	}
	if size > sharedMemoryMaxSize {
		return nil, nil, fmt.Errorf(`shared-memory slot %q cannot have names in "read" and "write" of more than %d bytes, each "*" counting its name's length again, not %d`, slotName, sharedMemoryMaxSize, size)
	}
	return write, read, nil
}

// sharedMemoryPrivate checks the "private" attribute, given as looking it up
// found it. Connections stored by snapd releases older than the attribute
// lack it: they are not private.
func sharedMemoryPrivate(value interface{}, set bool) (bool, error) {
	private, ok := value.(bool)
	if set && !ok {
		return false, fmt.Errorf(`shared-memory "private" attribute must be a bool, not %s`, sharedMemoryValue(value))
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
	if _, _, err := sharedMemorySlotNames(slot, slot.Name); err != nil {
		return err
	}
	// A slot with names has attributes: only the identifier's default
	// remains to fill in.
	if identifier, _ := sharedMemoryIdentifier(slot); identifier == "" {
		slot.Attrs["shared-memory"] = slot.Name
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
		identifier, err := sharedMemoryIdentifier(plug)
		if identifier == "" && err == nil {
			plug.Attrs["shared-memory"] = plug.Name
		}
		return err
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

// BeforeConnectSlot checks the slot's attributes again when it connects: a
// slot's prepare hook may set those that snap.yaml leaves out.
func (iface *sharedMemoryInterface) BeforeConnectSlot(slot *interfaces.ConnectedSlot) error {
	_, _, err := sharedMemorySlotNames(slot, slot.Name())
	return err
}

// sharedMemoryRules checks the slot's attributes and returns one rule for
// each of its names, on both /dev/shm and /run/shm (Ubuntu 14.04). Read
// names get readPerms. A "write" name of semaphores adds
// sharedMemorySemaphoreAppArmor, unless a bare "*" grants what it does.
func sharedMemoryRules(slot *interfaces.ConnectedSlot, readPerms string) (rules string, semaphores bool, err error) {
	writeNames, readNames, err := sharedMemorySlotNames(slot, slot.Name())
	if err != nil {
		return "", false, err
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
	var buf strings.Builder
	buf.Grow(size)
	for _, list := range lists {
		for _, name := range list.names {
			buf.WriteString(`"/{dev,run}/shm/`)
			buf.WriteString(name)
			buf.WriteString(`" `)
			buf.WriteString(list.perms)
			buf.WriteString(",\n")
		}
	}
	for _, name := range writeNames {
		if name == "*" {
			return buf.String(), false, nil
		}
		semaphores = semaphores || strings.HasPrefix(name, "sem.")
	}
	return buf.String(), semaphores, nil
}

// addSharedMemoryRules adds the slot's rules to spec.
func addSharedMemoryRules(spec *apparmor.Specification, slot *interfaces.ConnectedSlot, readPerms string) error {
	rules, semaphores, err := sharedMemoryRules(slot, readPerms)
	if err != nil {
		return err
	}
	spec.AddDeduplicatedSnippet(rules)
	if semaphores {
		spec.AddDeduplicatedSnippet(sharedMemorySemaphoreAppArmor)
	}
	return nil
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
	return addSharedMemoryRules(spec, slot, sharedMemoryReadOnlyPerms)
}

func (iface *sharedMemoryInterface) AppArmorConnectedSlot(spec *apparmor.Specification, plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) error {
	if implicitSystemConnectedSlot(slot) {
		return nil
	}
	return addSharedMemoryRules(spec, slot, sharedMemoryReadWritePerms)
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
		Name:    filepath.Join(devShm, "snap."+plug.Snap().InstanceName()),
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
