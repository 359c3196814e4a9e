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
	"unicode/utf8"

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
// A rule is the prefix, the name, and the end that holds the permissions.
const (
	sharedMemoryReadWritePerms = "mrwlk"
	sharedMemoryReadOnlyPerms  = "r"
	sharedMemoryRulePrefix     = `"/{dev,run}/shm/`
	sharedMemoryReadWriteEnd   = `" ` + sharedMemoryReadWritePerms + ",\n"
	sharedMemoryReadOnlyEnd    = `" ` + sharedMemoryReadOnlyPerms + ",\n"
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

// Limits under which the full profiles of both sides compile, whatever the
// names: within apparmor_parser's 65535 states, in seconds at worst. A glob
// costs the parser more the longer its name, so each "*" counts its name's
// length once more towards a slot's size.
const (
	// sharedMemoryMaxNameLength is NAME_MAX: no longer name exists in
	// /dev/shm.
	sharedMemoryMaxNameLength = 255
	sharedMemoryMaxGlobs      = 4
	sharedMemoryMaxNames      = 1024
	sharedMemoryMaxSize       = 16384
)

// sharedMemoryReserved are the ASCII characters a name cannot hold: the
// path separator, AppArmor's pattern characters but "*", its quote and its
// escape, and NUL.
const sharedMemoryReserved = "/?[]{}^\"\\\x00"

// sharedMemoryPlain marks the ASCII characters a name holds as they are:
// printable, neither reserved nor "*".
var sharedMemoryPlain = func() (plain [utf8.RuneSelf]bool) {
	for c := byte(' '); c < 0x7f; c++ {
		plain[c] = c != '*' && strings.IndexByte(sharedMemoryReserved, c) < 0
	}
	return plain
}()

// validateSharedMemoryName checks one entry of the "read" or "write" list
// and returns how many "*" it holds. An accepted name yields a rule that
// AppArmor compiles and that matches objects directly inside /dev/shm only.
func validateSharedMemoryName(attr, name string) (globs int, err error) {
	if name == "" {
		return 0, fmt.Errorf(`shared-memory %q attribute cannot hold an empty name`, attr)
	}
	if len(name) > sharedMemoryMaxNameLength {
		return 0, fmt.Errorf(`shared-memory %q name %q cannot be longer than %d bytes, not %d`, attr, name, sharedMemoryMaxNameLength, len(name))
	}
	if !sharedMemoryTrimmed(name) {
		return 0, fmt.Errorf(`shared-memory %q name %q cannot have leading or trailing space`, attr, name)
	}
	for i := 0; i < len(name); {
		c := name[i]
		switch {
		case c < utf8.RuneSelf && sharedMemoryPlain[c]:
			i++
			continue
		case c == '*':
			if strings.HasPrefix(name[i+1:], "*") {
				return 0, fmt.Errorf(`shared-memory %q name %q cannot contain "**"`, attr, name)
			}
			if globs++; globs > sharedMemoryMaxGlobs {
				return 0, fmt.Errorf(`shared-memory %q name %q cannot contain more than %d "*"`, attr, name, sharedMemoryMaxGlobs)
			}
			i++
			continue
		case strings.IndexByte(sharedMemoryReserved, c) >= 0:
			return 0, fmt.Errorf(`shared-memory %q name %q cannot contain %q`, attr, name, string(c))
		}
		r, size := utf8.DecodeRuneInString(name[i:])
		if unicode.IsControl(r) {
			return 0, fmt.Errorf(`shared-memory %q name %q cannot contain control character %q`, attr, name, string(r))
		}
		if sharedMemoryInvisible(r) {
			return 0, fmt.Errorf(`shared-memory %q name %q cannot contain invisible character %q`, attr, name, string(r))
		}
		i += size
	}
	if name == "." || name == ".." {
		return 0, fmt.Errorf(`shared-memory %q name %q does not name an object in /dev/shm`, attr, name)
	}
	return globs, nil
}

// sharedMemoryTrimmed reports whether a name neither starts nor ends with
// space. ASCII above the space at both ends is none, and spares a closer
// look.
func sharedMemoryTrimmed(name string) bool {
	first, last := name[0], name[len(name)-1]
	if ' ' < first && first < utf8.RuneSelf && ' ' < last && last < utf8.RuneSelf {
		return true
	}
	return strings.TrimSpace(name) == name
}

// sharedMemoryInvisible reports whether a character beyond ASCII is a
// space, a line or paragraph separator, or one that Unicode says to draw as
// nothing (format characters such as bidi overrides and zero-width joiners,
// variation selectors, fillers): they make a name read as another.
func sharedMemoryInvisible(r rune) bool {
	return unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Cf,
		unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// sharedMemoryList returns a "read" or "write" list, as looking it up found
// it: snap.yaml and snapd's state give []interface{}, Go code may store
// []string. Its items are checked with the names.
func sharedMemoryList(attr string, value interface{}, set bool) ([]interface{}, error) {
	switch list := value.(type) {
	case []interface{}:
		return list, nil
	case []string:
		items := make([]interface{}, len(list))
		for i, name := range list {
			items[i] = name
		}
		return items, nil
	}
	if !set {
		return nil, nil
	}
	return nil, fmt.Errorf(`shared-memory %q attribute must be a list of strings, not %s`, attr, sharedMemoryValue(value))
}

// validateSharedMemoryNames checks the items of a "read" or "write" list
// and returns what they count towards the slot's size.
func validateSharedMemoryNames(attr string, list []interface{}) (size int, err error) {
	for _, item := range list {
		name, ok := item.(string)
		if !ok {
			return 0, fmt.Errorf(`shared-memory %q attribute must be a list of strings, not %s`, attr, sharedMemoryValue(list))
		}
		globs, err := validateSharedMemoryName(attr, name)
		if err != nil {
			return 0, err
		}
		size += len(name) * (1 + globs)
	}
	return size, nil
}

// sharedMemoryValue quotes an attribute's value for an error, null as YAML
// writes it.
func sharedMemoryValue(value interface{}) string {
	return strconv.Quote(strings.ReplaceAll(fmt.Sprint(value), "<nil>", "null"))
}

// sharedMemoryIdentifier checks the "shared-memory" attribute, given as
// looking it up found it, and returns it, "" when it is not set.
func sharedMemoryIdentifier(value interface{}, set bool) (string, error) {
	identifier, ok := value.(string)
	if set && !ok {
		return "", fmt.Errorf(`shared-memory "shared-memory" attribute must be a string, not %s`, sharedMemoryValue(value))
	}
	return identifier, nil
}

// sharedMemorySlotNames checks a slot's "write" and "read" lists, found by
// lookup in snap.yaml's attributes or in a connection's, and returns them:
// all their items are names.
func sharedMemorySlotNames(lookup func(attr string) (interface{}, bool), slotName string) (write, read []interface{}, err error) {
	value, set := lookup("write")
	if write, err = sharedMemoryList("write", value, set); err != nil {
		return nil, nil, err
	}
	value, set = lookup("read")
	if read, err = sharedMemoryList("read", value, set); err != nil {
		return nil, nil, err
	}
	switch count := len(write) + len(read); {
	case count == 0:
		return nil, nil, fmt.Errorf(`shared-memory slot %q needs at least one name in "read" or "write"`, slotName)
	case count > sharedMemoryMaxNames:
		return nil, nil, fmt.Errorf(`shared-memory slot %q cannot have more than %d names in "read" and "write", not %d`, slotName, sharedMemoryMaxNames, count)
	}
	writeSize, err := validateSharedMemoryNames("write", write)
	if err != nil {
		return nil, nil, err
	}
	readSize, err := validateSharedMemoryNames("read", read)
	if err != nil {
		return nil, nil, err
	}
	if size := writeSize + readSize; size > sharedMemoryMaxSize {
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
	value, set := slot.Attrs["shared-memory"]
	identifier, err := sharedMemoryIdentifier(value, set)
	if err != nil {
		return err
	}
	lookup := func(attr string) (interface{}, bool) {
		value, ok := slot.Attrs[attr]
		return value, ok
	}
	if _, _, err := sharedMemorySlotNames(lookup, slot.Name); err != nil {
		return err
	}
	// A slot with names has attributes.
	if identifier == "" {
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
		value, set := plug.Attrs["shared-memory"]
		identifier, err := sharedMemoryIdentifier(value, set)
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

// BeforeConnectSlot checks the attributes that a slot's prepare hook set,
// together with those of snap.yaml that BeforePrepareSlot checked. The
// system slot has none.
func (iface *sharedMemoryInterface) BeforeConnectSlot(slot *interfaces.ConnectedSlot) error {
	if implicitSystemConnectedSlot(slot) || len(slot.DynamicAttrs()) == 0 {
		return nil
	}
	if _, err := sharedMemoryIdentifier(slot.Lookup("shared-memory")); err != nil {
		return err
	}
	_, _, err := sharedMemorySlotNames(slot.Lookup, slot.Name())
	return err
}

// sharedMemoryRules checks the slot's attributes and returns one rule for
// each of its names, on both /dev/shm and /run/shm (Ubuntu 14.04). Read
// names get readEnd. A "write" name of semaphores adds
// sharedMemorySemaphoreAppArmor, unless a bare "*" grants what it does.
func sharedMemoryRules(slot *interfaces.ConnectedSlot, readEnd string) (rules string, semaphores bool, err error) {
	write, read, err := sharedMemorySlotNames(slot.Lookup, slot.Name())
	if err != nil {
		return "", false, err
	}
	// Each rule takes at most ruleSize bytes beside its name: grow once.
	const ruleSize = len(sharedMemoryRulePrefix + sharedMemoryReadWriteEnd)
	size := 0
	for _, list := range [...][]interface{}{write, read} {
		for _, name := range list {
			size += ruleSize + len(name.(string))
		}
	}
	var buf strings.Builder
	buf.Grow(size)
	bareGlob := false
	for _, item := range write {
		name := item.(string)
		bareGlob = bareGlob || name == "*"
		semaphores = semaphores || strings.HasPrefix(name, "sem.")
		buf.WriteString(sharedMemoryRulePrefix)
		buf.WriteString(name)
		buf.WriteString(sharedMemoryReadWriteEnd)
	}
	for _, name := range read {
		buf.WriteString(sharedMemoryRulePrefix)
		buf.WriteString(name.(string))
		buf.WriteString(readEnd)
	}
	return buf.String(), semaphores && !bareGlob, nil
}

// addSharedMemoryRules adds the slot's rules to spec with add, and the rule
// for semaphores once however many slots need it.
func addSharedMemoryRules(spec *apparmor.Specification, add func(snippet string), slot *interfaces.ConnectedSlot, readEnd string) error {
	rules, semaphores, err := sharedMemoryRules(slot, readEnd)
	if err != nil {
		return err
	}
	add(rules)
	if semaphores {
		spec.AddDeduplicatedSnippet(sharedMemorySemaphoreAppArmor)
	}
	return nil
}

// A plug usually connects to one slot: its rules are added as they are. A
// slot connected to many plugs gets its rules once.
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
	return addSharedMemoryRules(spec, spec.AddSnippet, slot, sharedMemoryReadOnlyEnd)
}

func (iface *sharedMemoryInterface) AppArmorConnectedSlot(spec *apparmor.Specification, plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) error {
	if implicitSystemConnectedSlot(slot) {
		return nil
	}
	return addSharedMemoryRules(spec, spec.AddDeduplicatedSnippet, slot, sharedMemoryReadWriteEnd)
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
