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
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"unicode"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/logger"
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
# Description: all of the private /dev/shm that snap-update-ns mounts over /dev/shm, subdirectories included.
"/dev/shm/**" mrwlkix,
`

// sharedMemoryPrivatePrefix starts the name of a snap's private /dev/shm in
// the host's: /dev/shm/snap.<instance>.
const sharedMemoryPrivatePrefix = "snap."

// snap-update-ns binds /dev/shm/snap.<instance> over /dev/shm, creating the
// source directory when it is missing.
const sharedMemoryPrivateUpdateNS = `  # Private /dev/shm
  /dev/ r,
  /dev/shm/{,**} rw,
  mount options=(bind, rw) /dev/shm/snap.%s/ -> /dev/shm/,
  umount /dev/shm/,`

// sharedMemoryAAPerm is what a rule lets a snap do with a name.
type sharedMemoryAAPerm string

const (
	sharedMemoryReadWrite sharedMemoryAAPerm = "mrwlk"
	sharedMemoryReadOnly  sharedMemoryAAPerm = "r"
)

// appendSharedMemoryRule appends the rule that grants perm on a name, in
// /dev/shm and in /run/shm (Ubuntu 14.04):
//
//	"/{dev,run}/shm/<name>" <perm>,
func appendSharedMemoryRule(rules []byte, name string, perm sharedMemoryAAPerm) []byte {
	rules = append(rules, `"/{dev,run}/shm/`...)
	rules = append(rules, name...)
	rules = append(rules, `" `...)
	rules = append(rules, perm...)
	return append(rules, ",\n"...)
}

// sharedMemoryRuleSize is the most a rule takes beside its name.
const sharedMemoryRuleSize = len(`"/{dev,run}/shm/" mrwlk,\n`)

// sharedMemorySide is the side of a connection that rules are for. The slot
// reads and writes all its names; a plug only reads its "read" names.
type sharedMemorySide int

const (
	sharedMemoryPlugSide sharedMemorySide = iota
	sharedMemorySlotSide
)

// readPerm is what the side may do with the slot's "read" names.
func (side sharedMemorySide) readPerm() sharedMemoryAAPerm {
	if side == sharedMemoryPlugSide {
		return sharedMemoryReadOnly
	}
	return sharedMemoryReadWrite
}

// glibc's sem_open creates a semaphore under a temporary name, "sem." and 6
// characters of [A-Za-z0-9], then links it to its own name and unlinks the
// temporary. AppArmor lets a link grant on its new name, but for "l", only
// what the target already grants, and AppArmor 3 cannot grant the creation
// of a file without its opening: so the rule grants more than glibc's own
// file. A snap with it may create, open, read, write, map (for execution
// too), lock and remove any object directly in /dev/shm named "sem." and 6
// letters or digits that its fsuid owns ("owner" is about the file's owner,
// not its creator), whichever process created it; not those of other users,
// nor other lengths or characters. Each side of a connection that gets the
// rule has this reach, and two snaps that share no connection but each have
// the rule can talk through such a name. A narrower pair, "rw" on the
// temporary and a link rule from it to the semaphore's name, reaches the
// same: the link moves any object to the name. interfaces/enforce measures
// both in the kernel. Tools tell the rule apart in a side's rules by it.
const TemporarySemaphoreRule = `owner "/{dev,run}/shm/sem.[a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9]" mrwk,`

const sharedMemorySemaphoreAppArmor = `
# Description: glibc's sem_open creates a semaphore as sem.XXXXXX, then links it to its name.
` + TemporarySemaphoreRule + `
`

// IsTemporarySemaphoreName reports whether a name in /dev/shm is one that
// TemporarySemaphoreRule reaches: "sem." and 6 letters or digits.
func IsTemporarySemaphoreName(name string) bool {
	random, ok := strings.CutPrefix(name, sharedMemorySemaphorePrefix)
	if !ok || len(random) != 6 {
		return false
	}
	for _, c := range []byte(random) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// CoversEverySemaphore reports whether a name that the sanitizer accepts
// matches the file of every semaphore, glibc's temporary names included: it
// matches "sem." and a character that no such name holds, which only a
// trailing "*" can match.
func CoversEverySemaphore(name string) bool {
	matched, _ := path.Match(name, sharedMemorySemaphorePrefix+"\x00")
	return matched
}

// sharedMemorySemaphorePrefix starts the file of every semaphore sem_open
// makes, before the semaphore's name.
const sharedMemorySemaphorePrefix = "sem."

// sharedMemoryCoversSemaphore reports whether a name or glob matches the
// file of some semaphore: "sem." and a name of one character or more.
func sharedMemoryCoversSemaphore(name string) bool {
	head, _, glob := strings.Cut(name, "*")
	if !glob {
		return len(name) > len(sharedMemorySemaphorePrefix) && strings.HasPrefix(name, sharedMemorySemaphorePrefix)
	}
	// The "*" takes the rest of the prefix, or one character of the name.
	return strings.HasPrefix(head, sharedMemorySemaphorePrefix) || strings.HasPrefix(sharedMemorySemaphorePrefix, head)
}

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

// sharedMemoryAARE are AppArmor's pattern characters but "*", its quote, its
// escape, and NUL: a name cannot hold them.
const sharedMemoryAARE = `?[]{}^"\` + "\x00"

// validateSharedMemoryName checks one entry of the "read" or "write" list,
// and returns how many "*" it holds. An accepted name yields a rule that
// AppArmor compiles and that matches one object, or with "*" several,
// directly inside /dev/shm. A name that breaks several checks gets the
// error of the first.
func validateSharedMemoryName(name string) (globs int, err error) {
	switch {
	case name == "":
		return 0, errors.New("shared-memory interface path is empty")
	case strings.TrimSpace(name) != name:
		return 0, fmt.Errorf("shared-memory interface path has leading or trailing spaces: %q", name)
	case strings.ContainsAny(name, sharedMemoryAARE):
		return 0, fmt.Errorf("shared-memory interface path is invalid: %q contains a reserved apparmor char from %s", name, sharedMemoryAARE)
	case strings.Contains(name, "**"):
		// "**" would match in subdirectories too
		return 0, fmt.Errorf("shared-memory interface path is invalid: %q contains ** which is unsupported", name)
	case strings.Contains(name, "/"):
		return 0, fmt.Errorf("shared-memory interface path should not contain '/': %q", name)
	case name == "..":
		return 0, fmt.Errorf("shared-memory interface path is not clean: %q", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return 0, fmt.Errorf("shared-memory interface path is invalid: %+q contains control character %+q", name, r)
		}
	}
	switch {
	case len(name) > sharedMemoryMaxNameLength:
		return 0, fmt.Errorf("shared-memory interface path is too long: %q has %d bytes, more than %d", name, len(name), sharedMemoryMaxNameLength)
	case strings.Count(name, "*") > sharedMemoryMaxGlobs:
		return 0, fmt.Errorf(`shared-memory interface path is invalid: %q contains more than %d "*"`, name, sharedMemoryMaxGlobs)
	}
	if instance, ok := strings.CutPrefix(name, sharedMemoryPrivatePrefix); ok && snap.ValidateInstanceName(instance) == nil {
		return 0, fmt.Errorf("shared-memory interface path is reserved: %q is where the private /dev/shm of snap %q is made", name, instance)
	}
	return strings.Count(name, "*"), nil
}

// sharedMemoryList returns a slot's "read" or "write" list: snap.yaml and
// snapd's state give []interface{} of strings, Go code may store []string.
func sharedMemoryList(attrs interfaces.Attrer, attr string) ([]string, error) {
	value, ok := attrs.Lookup(attr)
	if !ok {
		return nil, nil
	}
	notStrings := func() error {
		return fmt.Errorf(`shared-memory %q attribute must be a list of strings, not "%v"`, attr, value)
	}
	switch list := value.(type) {
	case []string:
		return list, nil
	case []interface{}:
		names := make([]string, len(list))
		for i, item := range list {
			if names[i], ok = item.(string); !ok {
				return nil, notStrings()
			}
		}
		return names, nil
	}
	return nil, notStrings()
}

// sharedMemoryNames checks a slot's "read" and "write" lists, from snap.yaml
// or from a connection, and returns them.
func sharedMemoryNames(attrs interfaces.Attrer) (read, write []string, err error) {
	if read, err = sharedMemoryList(attrs, "read"); err != nil {
		return nil, nil, err
	}
	if write, err = sharedMemoryList(attrs, "write"); err != nil {
		return nil, nil, err
	}
	switch count := len(read) + len(write); {
	case count == 0:
		return nil, nil, errors.New(`shared memory interface requires at least a valid "read" or "write" attribute`)
	case count > sharedMemoryMaxNames:
		return nil, nil, fmt.Errorf(`shared-memory interface cannot have more than %d "read" and "write" paths, not %d`, sharedMemoryMaxNames, count)
	}
	size := 0
	for _, list := range [...][]string{read, write} {
		for _, name := range list {
			globs, err := validateSharedMemoryName(name)
			if err != nil {
				return nil, nil, err
			}
			size += len(name) * (1 + globs)
		}
	}
	if size > sharedMemoryMaxSize {
		return nil, nil, fmt.Errorf(`shared-memory interface "read" and "write" paths cannot be longer than %d bytes in all, each "*" counting its path's length again, not %d`, sharedMemoryMaxSize, size)
	}
	return read, write, nil
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
	identifier, ok := value.(string)
	if set && !ok {
		return fmt.Errorf(`shared-memory "shared-memory" attribute must be a string, not %v`, value)
	}
	if identifier == "" {
		if slot.Attrs == nil {
			slot.Attrs = make(map[string]interface{})
		}
		slot.Attrs["shared-memory"] = slot.Name
	}
	_, _, err := sharedMemoryNames(slot)
	return err
}

func (iface *sharedMemoryInterface) BeforePreparePlug(plug *snap.PlugInfo) error {
	value, set := plug.Attrs["private"]
	private, ok := value.(bool)
	if set && !ok {
		return fmt.Errorf(`shared-memory "private" attribute must be a bool, not %v`, value)
	}
	if plug.Attrs == nil {
		plug.Attrs = make(map[string]interface{})
	}
	plug.Attrs["private"] = private

	value, set = plug.Attrs["shared-memory"]
	identifier, ok := value.(string)
	if set && !ok {
		return fmt.Errorf(`shared-memory "shared-memory" attribute must be a string, not %v`, value)
	}
	if !private {
		if identifier == "" {
			plug.Attrs["shared-memory"] = plug.Name
		}
		return nil
	}
	// A private /dev/shm hides every other shared-memory object.
	if set {
		return errors.New(`shared-memory "shared-memory" attribute must not be set together with "private: true"`)
	}
	for _, other := range plug.Snap.Plugs {
		if other != plug && other.Interface == "shared-memory" {
			return errors.New(`shared-memory plug with "private: true" set cannot be used with other shared-memory plugs`)
		}
	}
	for _, other := range plug.Snap.Slots {
		if other.Interface == "shared-memory" {
			return errors.New(`shared-memory plug with "private: true" set cannot be used with shared-memory slots`)
		}
	}
	return nil
}

// BeforeConnectSlot checks the slot's names as the connection sees them: its
// prepare hook may set the lists that snap.yaml leaves out, which
// BeforePrepareSlot never saw. The system slot has no names; it serves
// private plugs only.
func (iface *sharedMemoryInterface) BeforeConnectSlot(slot *interfaces.ConnectedSlot) error {
	if implicitSystemConnectedSlot(slot) {
		return nil
	}
	_, _, err := sharedMemoryNames(slot)
	return err
}

// BeforeConnectPlug keeps a plug as snap.yaml declares it: BeforePreparePlug
// judged "private" (a private plug must be the snap's only shared-memory
// plug or slot) and the connection policy matches "private" and
// "shared-memory", so a prepare hook may change neither.
func (iface *sharedMemoryInterface) BeforeConnectPlug(plug *interfaces.ConnectedPlug) error {
	set := plug.DynamicAttrs()
	if value, ok := set["private"]; ok {
		if _, isBool := value.(bool); !isBool {
			return fmt.Errorf(`shared-memory "private" attribute must be a bool, not %v`, value)
		}
	}
	declared := plug.StaticAttrs()
	for _, attr := range [...]string{"private", "shared-memory"} {
		if value, ok := set[attr]; ok && !reflect.DeepEqual(value, declared[attr]) {
			return fmt.Errorf("shared-memory %q attribute cannot be changed to %v when connecting", attr, value)
		}
	}
	return nil
}

// sharedMemoryPrivate reads the "private" attribute of a connected plug.
// Connections stored by snapd releases older than the attribute lack it:
// they are not private.
func sharedMemoryPrivate(plug *interfaces.ConnectedPlug) (bool, error) {
	value, ok := plug.Lookup("private")
	if private, isBool := value.(bool); isBool || !ok {
		return private, nil
	}
	if value == nil {
		// snapd 2.64's Attr panics on null
		return false, fmt.Errorf(`snap %q has interface "shared-memory" with invalid value type <nil> for "private" attribute: *bool`, plug.Snap().InstanceName())
	}
	var private bool
	return false, plug.Attr("private", &private)
}

// sharedMemorySnippet returns the rules of the slot's names for one side,
// and whether the side can create a semaphore that they declare, which
// needs sharedMemorySemaphoreAppArmor: a name that covers one is granted
// read-write (a "write" name, or on the slot's side a "read" name too), and
// no glob read-write that covers every semaphore ("*", "se*") already
// grants glibc's temporary names. A slot whose attributes break the rules,
// as a connection stored unchecked can, gets none, and the reason is
// logged. It is not an error: snapd keeps the profile on disk when its
// regeneration fails, bad rules included.
func sharedMemorySnippet(slot *interfaces.ConnectedSlot, side sharedMemorySide) (snippet string, semaphores bool) {
	read, write, err := sharedMemoryNames(slot)
	if err != nil {
		logger.Noticef("cannot grant shared-memory slot %q of snap %q: %v", slot.Name(), slot.Snap().InstanceName(), err)
		return "", false
	}
	size := 0
	for _, list := range [...][]string{read, write} {
		for _, name := range list {
			size += sharedMemoryRuleSize + len(name)
		}
	}
	rules := make([]byte, 0, size)
	everySemaphore := false
	grant := func(name string, perm sharedMemoryAAPerm) {
		rules = appendSharedMemoryRule(rules, name, perm)
		if perm == sharedMemoryReadWrite {
			everySemaphore = everySemaphore || CoversEverySemaphore(name)
			semaphores = semaphores || sharedMemoryCoversSemaphore(name)
		}
	}
	for _, name := range write {
		grant(name, sharedMemoryReadWrite)
	}
	for _, name := range read {
		grant(name, side.readPerm())
	}
	return string(rules), semaphores && !everySemaphore
}

// addSharedMemorySnippets adds the slot's rules for one side to spec, and
// the rule for semaphores once however many slots need it.
func addSharedMemorySnippets(spec *apparmor.Specification, slot *interfaces.ConnectedSlot, side sharedMemorySide) {
	snippet, semaphores := sharedMemorySnippet(slot, side)
	if side == sharedMemorySlotSide {
		// The slot's rules are the same for each of its plugs.
		spec.AddDeduplicatedSnippet(snippet)
	} else {
		spec.AddSnippet(snippet)
	}
	if semaphores {
		spec.AddDeduplicatedSnippet(sharedMemorySemaphoreAppArmor)
	}
}

func (iface *sharedMemoryInterface) AppArmorConnectedPlug(spec *apparmor.Specification, plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) error {
	private, err := sharedMemoryPrivate(plug)
	if err != nil {
		return err
	}
	switch {
	case private:
		spec.AddSnippet(sharedMemoryPrivateConnectedPlugAppArmor)
		spec.AddUpdateNSf(sharedMemoryPrivateUpdateNS, plug.Snap().InstanceName())
	case !implicitSystemConnectedSlot(slot):
		// The system slot shares nothing with a plug that is not private.
		addSharedMemorySnippets(spec, slot, sharedMemoryPlugSide)
	}
	return nil
}

func (iface *sharedMemoryInterface) AppArmorConnectedSlot(spec *apparmor.Specification, plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) error {
	if !implicitSystemConnectedSlot(slot) {
		addSharedMemorySnippets(spec, slot, sharedMemorySlotSide)
	}
	return nil
}

func (iface *sharedMemoryInterface) MountConnectedPlug(spec *mount.Specification, plug *interfaces.ConnectedPlug, slot *interfaces.ConnectedSlot) error {
	private, err := sharedMemoryPrivate(plug)
	if err != nil || !private {
		return err
	}
	devShm := filepath.Join(dirs.GlobalRootDir, "/dev/shm")
	if osutil.IsSymlink(devShm) {
		return fmt.Errorf(`shared-memory plug with "private: true" cannot be connected if %q is a symlink`, devShm)
	}
	return spec.AddMountEntry(osutil.MountEntry{
		Name:    filepath.Join(devShm, sharedMemoryPrivatePrefix+plug.Snap().InstanceName()),
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
