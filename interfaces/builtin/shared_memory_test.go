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
	"os"
	"path/filepath"
	"regexp"
	"strings"

	. "gopkg.in/check.v1"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/logger"
	"github.com/snapcore/snapd/osutil"
	"github.com/snapcore/snapd/snap"
	"github.com/snapcore/snapd/snap/snaptest"
	"github.com/snapcore/snapd/testutil"
)

type SharedMemoryInterfaceSuite struct {
	testutil.BaseTest
	iface interfaces.Interface

	slotInfo   *snap.SlotInfo
	slot       *interfaces.ConnectedSlot
	plugInfo   *snap.PlugInfo
	plug       *interfaces.ConnectedPlug
	systemSlot *interfaces.ConnectedSlot
}

var _ = Suite(&SharedMemoryInterfaceSuite{})

const sharedMemoryProviderYaml = `name: provider
version: 0
apps:
  app:
    slots: [shmem]
slots:
  shmem:
    interface: shared-memory
    shared-memory: my-ipc
    write: [students, "lock-*"]
    read: [teachers]
`

const sharedMemoryConsumerYaml = `name: consumer
version: 0
apps:
  app:
    plugs: [my-ipc]
plugs:
  my-ipc:
    interface: shared-memory
`

const sharedMemoryPrivateYaml = `name: private-shm
version: 0
apps:
  app:
    plugs: [shared-memory]
plugs:
  shared-memory:
    private: true
`

const sharedMemoryCoreYaml = `name: core
version: 0
type: os
slots:
  shared-memory:
`

// sharedMemoryProviderWith returns a provider whose slot shmem has attrs,
// YAML lines indented by four spaces.
func sharedMemoryProviderWith(attrs string) string {
	return "name: provider\nversion: 0\napps:\n  app:\n    slots: [shmem]\nslots:\n  shmem:\n    interface: shared-memory\n    " + attrs + "\n"
}

func (s *SharedMemoryInterfaceSuite) SetUpTest(c *C) {
	s.BaseTest.SetUpTest(c)
	s.iface = MustInterface("shared-memory")
	dirs.SetRootDir(c.MkDir())
	s.AddCleanup(func() { dirs.SetRootDir("/") })

	s.slot, s.slotInfo = s.sanitizedSlot(c, sharedMemoryProviderYaml, nil, "shmem")
	s.plug, s.plugInfo = s.sanitizedPlug(c, sharedMemoryConsumerYaml, nil, "my-ipc")
	s.systemSlot, _ = MockConnectedSlot(c, sharedMemoryCoreYaml, nil, "shared-memory")
}

func (s *SharedMemoryInterfaceSuite) TearDownTest(c *C) {
	s.BaseTest.TearDownTest(c)
}

// sanitizedPlug returns a plug as snapd connects it: after BeforePreparePlug.
func (s *SharedMemoryInterfaceSuite) sanitizedPlug(c *C, yaml string, si *snap.SideInfo, name string) (*interfaces.ConnectedPlug, *snap.PlugInfo) {
	plug, plugInfo := MockConnectedPlug(c, yaml, si, name)
	c.Assert(interfaces.BeforePreparePlug(s.iface, plugInfo), IsNil)
	return interfaces.NewConnectedPlug(plugInfo, plug.AppSet(), nil, nil), plugInfo
}

// sanitizedSlot returns a slot as snapd connects it: after BeforePrepareSlot.
func (s *SharedMemoryInterfaceSuite) sanitizedSlot(c *C, yaml string, si *snap.SideInfo, name string) (*interfaces.ConnectedSlot, *snap.SlotInfo) {
	slot, slotInfo := MockConnectedSlot(c, yaml, si, name)
	c.Assert(interfaces.BeforePrepareSlot(s.iface, slotInfo), IsNil)
	return interfaces.NewConnectedSlot(slotInfo, slot.AppSet(), nil, nil), slotInfo
}

func (s *SharedMemoryInterfaceSuite) TestName(c *C) {
	c.Check(s.iface.Name(), Equals, "shared-memory")
}

func (s *SharedMemoryInterfaceSuite) TestStaticInfo(c *C) {
	si := interfaces.StaticInfoOf(s.iface)
	c.Check(si.Summary, Equals, "allows two snaps to use predefined shared memory objects")
	c.Check(si.ImplicitOnCore, Equals, true)
	c.Check(si.ImplicitOnClassic, Equals, true)
	c.Check(si.AffectsPlugOnRefresh, Equals, true)
	c.Check(si.BaseDeclarationSlots, testutil.Contains, "deny-auto-connection: true")
	c.Check(si.BaseDeclarationPlugs, testutil.Contains, "shared-memory: $PLUG(shared-memory)")
}

func (s *SharedMemoryInterfaceSuite) TestSanitizeSlotDefaults(c *C) {
	c.Check(s.slotInfo.Attrs["shared-memory"], Equals, "my-ipc")

	_, slotInfo := s.sanitizedSlot(c, `name: provider
version: 0
slots:
  shmem:
    interface: shared-memory
    shared-memory: ""
    read: [a]
`, nil, "shmem")
	c.Check(slotInfo.Attrs["shared-memory"], Equals, "shmem")
}

func (s *SharedMemoryInterfaceSuite) TestSanitizeSlotAcceptsNames(c *C) {
	for _, name := range []string{
		"a", "*", "foo*", "*.lock", "a*b*c", "a b", ".", "..a", "a..", "...", "#", "a,b",
		"@", "$x", "é", "日本", "😀", "sem.foo", "a*b*c*d*e",
		// lint warns about invisible characters
		"a\u202eb", "a\u200bb", "a\u00a0b",
		strings.Repeat("x", 255),
	} {
		yaml := sharedMemoryProviderWith(fmt.Sprintf("write: [%q]", name))
		_, slotInfo := MockConnectedSlot(c, yaml, nil, "shmem")
		c.Check(interfaces.BeforePrepareSlot(s.iface, slotInfo), IsNil, Commentf("name %q", name))
	}
}

// slotError is a slot's attributes, as snap.yaml writes them, and the
// sanitizer's error.
type slotError struct{ attrs, err string }

func (s *SharedMemoryInterfaceSuite) checkSlotErrors(c *C, cases []slotError) {
	for _, t := range cases {
		_, slotInfo := MockConnectedSlot(c, sharedMemoryProviderWith(t.attrs), nil, "shmem")
		c.Check(interfaces.BeforePrepareSlot(s.iface, slotInfo), ErrorMatches, t.err, Commentf("attrs %.80s", t.attrs))
	}
}

func (s *SharedMemoryInterfaceSuite) TestSanitizeSlotErrors(c *C) {
	s.checkSlotErrors(c, []slotError{
		{`shared-memory: 42`, `shared-memory "shared-memory" attribute must be a string, not 42`},
		{`shared-memory: [a]`, `shared-memory "shared-memory" attribute must be a string, not \[a\]`},
		{`read: a`, `shared-memory "read" attribute must be a list of strings, not "a"`},
		{`write: [1]`, `shared-memory "write" attribute must be a list of strings, not "\[1\]"`},
		{`write: {a: b}`, `shared-memory "write" attribute must be a list of strings, not "map\[a:b\]"`},
		{`read: []`, `shared memory interface requires at least a valid "read" or "write" attribute`},
		{`shared-memory: foo`, `shared memory interface requires at least a valid "read" or "write" attribute`},
		{`write: [""]`, `shared-memory interface path is empty`},
		{`read: [" a"]`, `shared-memory interface path has leading or trailing spaces: " a"`},
		{`read: ["a\t"]`, `shared-memory interface path has leading or trailing spaces: "a\\t"`},
		{`write: [a/b]`, `shared-memory interface path should not contain '/': "a/b"`},
		{`write: [../a]`, `shared-memory interface path should not contain '/': "../a"`},
		{`write: ["a?"]`, `shared-memory interface path is invalid: "a\?" contains a reserved apparmor char from .*`},
		{`write: ["a[b]"]`, `shared-memory interface path is invalid: "a\[b\]" contains a reserved apparmor char from .*`},
		{`write: ["a]"]`, `shared-memory interface path is invalid: "a\]" contains a reserved apparmor char from .*`},
		{`write: ["{a,b}"]`, `shared-memory interface path is invalid: "{a,b}" contains a reserved apparmor char from .*`},
		{`write: ["a}"]`, `shared-memory interface path is invalid: "a}" contains a reserved apparmor char from .*`},
		{`write: ["^a"]`, `shared-memory interface path is invalid: "\^a" contains a reserved apparmor char from .*`},
		{`write: ["a\"b"]`, `shared-memory interface path is invalid: "a\\"b" contains a reserved apparmor char from .*`},
		{`write: ["@{HOME}"]`, `shared-memory interface path is invalid: "@{HOME}" contains a reserved apparmor char from .*`},
		{`write: ["a\0b"]`, `shared-memory interface path is invalid: "a\\x00b" contains a reserved apparmor char from .*`},
		{`write: ["a?/b"]`, `shared-memory interface path is invalid: "a\?/b" contains a reserved apparmor char from .*`},
		{`write: ['a\b']`, `shared-memory interface path is invalid: "a\\\\b" contains a reserved apparmor char from .*`},
		{`write: ['a\']`, `shared-memory interface path is invalid: "a\\\\" contains a reserved apparmor char from .*`},
		{`write: ["**"]`, `shared-memory interface path is invalid: "\*\*" contains \*\* which is unsupported`},
		{`write: ["a**b"]`, `shared-memory interface path is invalid: "a\*\*b" contains \*\* which is unsupported`},
		{`write: ["a**/b"]`, `shared-memory interface path is invalid: "a\*\*/b" contains \*\* which is unsupported`},
		{`write: [".."]`, `shared-memory interface path is not clean: "\.\."`},
		{"write: [a]\n    read: [ok, \"b/c\"]", `shared-memory interface path should not contain '/': "b/c"`},
		{"write: [\"b/c\"]\n    read: [\"a?\"]", `shared-memory interface path is invalid: "a\?" contains a reserved apparmor char from .*`},
		{`write: [[a]]`, `shared-memory "write" attribute must be a list of strings, not "\[\[a\]\]"`},
	})
	// the whole set, as snapd prints it
	_, slotInfo := MockConnectedSlot(c, sharedMemoryProviderWith(`write: ["a?"]`), nil, "shmem")
	c.Check(interfaces.BeforePrepareSlot(s.iface, slotInfo), ErrorMatches, regexp.QuoteMeta(`shared-memory interface path is invalid: "a?" contains a reserved apparmor char from ?[]{}^"\`+"\x00"))
}

// snap-update-ns makes a snap's private /dev/shm at /dev/shm/snap.<instance>:
// a slot cannot name that path, but may name the snap's other objects.
func (s *SharedMemoryInterfaceSuite) TestSanitizeSlotPrivateDevShm(c *C) {
	s.checkSlotErrors(c, []slotError{
		{`write: [snap.other]`, `shared-memory interface path is reserved: "snap.other" is where the private /dev/shm of snap "other" is made`},
		{`read: [snap.other_foo]`, `shared-memory interface path is reserved: "snap.other_foo" is where the private /dev/shm of snap "other_foo" is made`},
	})
	for _, name := range []string{"snap.other.frames", "snap.", "snap.Other", "snap.other*", "snap.*", "snap..other"} {
		_, slotInfo := MockConnectedSlot(c, sharedMemoryProviderWith(fmt.Sprintf("write: [%q]", name)), nil, "shmem")
		c.Check(interfaces.BeforePrepareSlot(s.iface, slotInfo), IsNil, Commentf("name %q", name))
	}
}

// A control character makes the rule break the profile, or read as another
// name: unlike snapd, which leaves them to AppArmor, every one is refused.
func (s *SharedMemoryInterfaceSuite) TestSanitizeSlotControlCharacters(c *C) {
	s.checkSlotErrors(c, []slotError{
		{`write: ["a\nb"]`, `shared-memory interface path is invalid: "a\\nb" contains control character '\\n'`},
		{`write: ["a\x7fb"]`, `shared-memory interface path is invalid: "a\\x7fb" contains control character '\\x7f'`},
		{`write: ["a\u0085b"]`, `shared-memory interface path is invalid: "a\\u0085b" contains control character '\\u0085'`},
	})
}

// Limits within which both sides' profiles compile; snapd has none.
func (s *SharedMemoryInterfaceSuite) TestSanitizeSlotLimits(c *C) {
	s.checkSlotErrors(c, []slotError{
		{`write: [a*b*c*d*e*f]`, `shared-memory interface path is invalid: "a\*b\*c\*d\*e\*f" contains more than 4 "\*"`},
		{`write: [` + strings.Repeat("x", 256) + `]`, `shared-memory interface path is too long: "x{256}" has 256 bytes, more than 255`},
		{`write: [` + strings.Repeat("x", 16384) + `]`, `shared-memory interface path is too long: "x+" has 16384 bytes, more than 255`},
		{`write: [` + strings.Repeat("a,", 1025) + `]`, `shared-memory interface cannot have more than 1024 "read" and "write" paths, not 1025`},
		{`read: [` + strings.Repeat("a,", 1024) + `]` + "\n    write: [b]", `shared-memory interface cannot have more than 1024 "read" and "write" paths, not 1025`},
		{`write: [` + strings.Repeat(strings.Repeat("x", 255)+",", 65) + `]`, `shared-memory interface "read" and "write" paths cannot be longer than 16384 bytes in all, each "\*" counting its path's length again, not 16575`},
		{`write: [` + strings.Repeat(strings.Repeat("x", 253)+"-*,", 33) + `]`, `shared-memory interface "read" and "write" paths cannot be longer than 16384 bytes in all, each "\*" counting its path's length again, not 16830`},
	})
}

// snap.yaml cannot hold null, but snapd's state and Go code can: an error,
// never a panic.
func (s *SharedMemoryInterfaceSuite) TestSanitizeSlotNull(c *C) {
	for _, t := range []struct {
		attr  string
		value interface{}
		err   string
	}{
		{"read", []interface{}{nil}, `shared-memory "read" attribute must be a list of strings, not "\[<nil>\]"`},
		{"write", []interface{}{"a", nil}, `shared-memory "write" attribute must be a list of strings, not "\[a <nil>\]"`},
		{"write", nil, `shared-memory "write" attribute must be a list of strings, not "<nil>"`},
		{"write", []interface{}{[]interface{}{nil}}, `shared-memory "write" attribute must be a list of strings, not "\[\[<nil>\]\]"`},
		{"shared-memory", nil, `shared-memory "shared-memory" attribute must be a string, not <nil>`},
	} {
		_, slotInfo := MockConnectedSlot(c, sharedMemoryProviderWith("read: [ok]"), nil, "shmem")
		slotInfo.Attrs[t.attr] = t.value
		c.Check(interfaces.BeforePrepareSlot(s.iface, slotInfo), ErrorMatches, t.err, Commentf("%s: %#v", t.attr, t.value))
	}
}

func (s *SharedMemoryInterfaceSuite) TestSanitizePlugDefaults(c *C) {
	c.Check(s.plugInfo.Attrs, DeepEquals, map[string]interface{}{
		"private":       false,
		"shared-memory": "my-ipc",
	})

	_, plugInfo := s.sanitizedPlug(c, sharedMemoryPrivateYaml, nil, "shared-memory")
	c.Check(plugInfo.Attrs, DeepEquals, map[string]interface{}{"private": true})

	_, plugInfo = s.sanitizedPlug(c, `name: consumer
version: 0
plugs:
  shm:
    interface: shared-memory
    shared-memory: other
    private: false
`, nil, "shm")
	c.Check(plugInfo.Attrs, DeepEquals, map[string]interface{}{
		"private":       false,
		"shared-memory": "other",
	})
}

func (s *SharedMemoryInterfaceSuite) TestSanitizePlugErrors(c *C) {
	for _, t := range []struct {
		plugs string
		err   string
	}{
		{"shm:\n    interface: shared-memory\n    private: yes-please",
			`shared-memory "private" attribute must be a bool, not yes-please`},
		{"shm:\n    interface: shared-memory\n    private: 1",
			`shared-memory "private" attribute must be a bool, not 1`},
		{"shm:\n    interface: shared-memory\n    shared-memory: [a]",
			`shared-memory "shared-memory" attribute must be a string, not \[a\]`},
		{"shm:\n    interface: shared-memory\n    private: true\n    shared-memory: [a]",
			`shared-memory "shared-memory" attribute must be a string, not \[a\]`},
		{"shm:\n    interface: shared-memory\n    private: true\n    shared-memory: foo",
			`shared-memory "shared-memory" attribute must not be set together with "private: true"`},
		{"shm:\n    interface: shared-memory\n    private: true\n    shared-memory: \"\"",
			`shared-memory "shared-memory" attribute must not be set together with "private: true"`},
		{"shm:\n    interface: shared-memory\n    private: true\n  other:\n    interface: shared-memory",
			`shared-memory plug with "private: true" set cannot be used with other shared-memory plugs`},
		{"shm:\n    interface: shared-memory\n    private: true\nslots:\n  mine:\n    interface: shared-memory\n    read: [a]",
			`shared-memory plug with "private: true" set cannot be used with shared-memory slots`},
	} {
		yaml := "name: consumer\nversion: 0\nplugs:\n  " + t.plugs + "\n"
		_, plugInfo := MockConnectedPlug(c, yaml, nil, "shm")
		c.Check(interfaces.BeforePreparePlug(s.iface, plugInfo), ErrorMatches, t.err, Commentf("plugs %s", t.plugs))
	}
}

func (s *SharedMemoryInterfaceSuite) TestPrivatePlugBesideOtherInterfaces(c *C) {
	_, plugInfo := MockConnectedPlug(c, `name: consumer
version: 0
plugs:
  shared-memory:
    private: true
  network:
slots:
  dbus-slot:
    interface: dbus
`, nil, "shared-memory")
	c.Check(interfaces.BeforePreparePlug(s.iface, plugInfo), IsNil)
}

func (s *SharedMemoryInterfaceSuite) TestAppArmorConnectedPlug(c *C) {
	spec := apparmor.NewSpecification(s.plug.AppSet())
	c.Assert(spec.AddConnectedPlug(s.iface, s.plug, s.slot), IsNil)
	c.Check(spec.SecurityTags(), DeepEquals, []string{"snap.consumer.app"})
	c.Check(spec.SnippetForTag("snap.consumer.app"), Equals, `"/{dev,run}/shm/students" mrwlk,
"/{dev,run}/shm/lock-*" mrwlk,
"/{dev,run}/shm/teachers" r,
`)
	c.Check(spec.UpdateNS(), HasLen, 0)
}

func (s *SharedMemoryInterfaceSuite) TestAppArmorConnectedSlot(c *C) {
	spec := apparmor.NewSpecification(s.slot.AppSet())
	c.Assert(spec.AddConnectedSlot(s.iface, s.plug, s.slot), IsNil)
	c.Check(spec.SecurityTags(), DeepEquals, []string{"snap.provider.app"})
	c.Check(spec.SnippetForTag("snap.provider.app"), Equals, `"/{dev,run}/shm/students" mrwlk,
"/{dev,run}/shm/lock-*" mrwlk,
"/{dev,run}/shm/teachers" mrwlk,
`)
	c.Check(spec.UpdateNS(), HasLen, 0)
}

// A slot connected to many plugs grants its rules once.
func (s *SharedMemoryInterfaceSuite) TestAppArmorConnectedSlotManyPlugs(c *C) {
	other, _ := s.sanitizedPlug(c, strings.Replace(sharedMemoryConsumerYaml, "name: consumer", "name: other-consumer", 1), nil, "my-ipc")
	spec := apparmor.NewSpecification(s.slot.AppSet())
	c.Assert(spec.AddConnectedSlot(s.iface, s.plug, s.slot), IsNil)
	c.Assert(spec.AddConnectedSlot(s.iface, other, s.slot), IsNil)
	c.Check(spec.SnippetForTag("snap.provider.app"), Equals, `"/{dev,run}/shm/students" mrwlk,
"/{dev,run}/shm/lock-*" mrwlk,
"/{dev,run}/shm/teachers" mrwlk,
`)
}

func (s *SharedMemoryInterfaceSuite) TestAppArmorPrivatePlug(c *C) {
	plug, _ := s.sanitizedPlug(c, sharedMemoryPrivateYaml, nil, "shared-memory")
	spec := apparmor.NewSpecification(plug.AppSet())
	c.Assert(spec.AddConnectedPlug(s.iface, plug, s.systemSlot), IsNil)
	c.Check(spec.SecurityTags(), DeepEquals, []string{"snap.private-shm.app"})
	c.Check(spec.SnippetForTag("snap.private-shm.app"), testutil.Contains, "\n\"/dev/shm/**\" mrwlkix,\n")
	c.Check(spec.SnippetForTag("snap.private-shm.app"), Not(testutil.Contains), "/{dev,run}/shm/")
	c.Check(spec.UpdateNS(), DeepEquals, []string{`  # Private /dev/shm
  /dev/ r,
  /dev/shm/{,**} rw,
  mount options=(bind, rw) /dev/shm/snap.private-shm/ -> /dev/shm/,
  umount /dev/shm/,`})
}

func (s *SharedMemoryInterfaceSuite) TestAppArmorPrivatePlugParallelInstance(c *C) {
	plug, _ := s.sanitizedPlug(c, sharedMemoryPrivateYaml, &snap.SideInfo{}, "shared-memory")
	plug.Snap().InstanceKey = "two"
	spec := apparmor.NewSpecification(plug.AppSet())
	c.Assert(spec.AddConnectedPlug(s.iface, plug, s.systemSlot), IsNil)
	c.Check(spec.SecurityTags(), DeepEquals, []string{"snap.private-shm_two.app"})
	c.Assert(spec.UpdateNS(), HasLen, 1)
	c.Check(spec.UpdateNS()[0], testutil.Contains, "mount options=(bind, rw) /dev/shm/snap.private-shm_two/ -> /dev/shm/,\n")
}

func (s *SharedMemoryInterfaceSuite) TestAppArmorSystemSlot(c *C) {
	plug, _ := s.sanitizedPlug(c, sharedMemoryPrivateYaml, nil, "shared-memory")
	spec := apparmor.NewSpecification(s.systemSlot.AppSet())
	c.Assert(spec.AddConnectedSlot(s.iface, plug, s.systemSlot), IsNil)
	c.Check(spec.SecurityTags(), HasLen, 0)
	c.Check(spec.UpdateNS(), HasLen, 0)
}

func (s *SharedMemoryInterfaceSuite) TestMountPrivatePlug(c *C) {
	plug, _ := s.sanitizedPlug(c, sharedMemoryPrivateYaml, nil, "shared-memory")
	spec := &mount.Specification{}
	c.Assert(spec.AddConnectedPlug(s.iface, plug, s.systemSlot), IsNil)
	c.Check(spec.MountEntries(), DeepEquals, []osutil.MountEntry{{
		Name:    filepath.Join(dirs.GlobalRootDir, "/dev/shm/snap.private-shm"),
		Dir:     "/dev/shm",
		Options: []string{"bind", "rw"},
	}})
	c.Check(spec.UserMountEntries(), HasLen, 0)
}

func (s *SharedMemoryInterfaceSuite) TestMountPrivatePlugParallelInstance(c *C) {
	plug, _ := s.sanitizedPlug(c, sharedMemoryPrivateYaml, nil, "shared-memory")
	plug.Snap().InstanceKey = "two"
	spec := &mount.Specification{}
	c.Assert(spec.AddConnectedPlug(s.iface, plug, s.systemSlot), IsNil)
	c.Check(spec.MountEntries(), DeepEquals, []osutil.MountEntry{{
		Name:    filepath.Join(dirs.GlobalRootDir, "/dev/shm/snap.private-shm_two"),
		Dir:     "/dev/shm",
		Options: []string{"bind", "rw"},
	}})
}

func (s *SharedMemoryInterfaceSuite) TestMountPrivatePlugDevShmSymlink(c *C) {
	devShm := filepath.Join(dirs.GlobalRootDir, "/dev/shm")
	c.Assert(os.MkdirAll(filepath.Join(dirs.GlobalRootDir, "/run/shm"), 0755), IsNil)
	c.Assert(os.MkdirAll(filepath.Dir(devShm), 0755), IsNil)
	c.Assert(os.Symlink("/run/shm", devShm), IsNil)

	plug, _ := s.sanitizedPlug(c, sharedMemoryPrivateYaml, nil, "shared-memory")
	spec := &mount.Specification{}
	err := spec.AddConnectedPlug(s.iface, plug, s.systemSlot)
	c.Check(err, ErrorMatches, fmt.Sprintf(`shared-memory plug with "private: true" cannot be connected if %q is a symlink`, devShm))
	c.Check(spec.MountEntries(), HasLen, 0)
}

func (s *SharedMemoryInterfaceSuite) TestMountNonPrivatePlug(c *C) {
	spec := &mount.Specification{}
	c.Assert(spec.AddConnectedPlug(s.iface, s.plug, s.slot), IsNil)
	c.Check(spec.MountEntries(), HasLen, 0)
	c.Check(spec.UserMountEntries(), HasLen, 0)
}

// Connections stored by snapd releases that predate "private" lack it.
func (s *SharedMemoryInterfaceSuite) TestStoredConnectionWithoutPrivate(c *C) {
	plug, _ := MockConnectedPlug(c, sharedMemoryConsumerYaml, nil, "my-ipc")
	_, found := plug.Lookup("private")
	c.Assert(found, Equals, false)

	apparmorSpec := apparmor.NewSpecification(plug.AppSet())
	c.Assert(apparmorSpec.AddConnectedPlug(s.iface, plug, s.slot), IsNil)
	c.Check(apparmorSpec.SnippetForTag("snap.consumer.app"), testutil.Contains, `"/{dev,run}/shm/teachers" r,`)
	c.Check(apparmorSpec.UpdateNS(), HasLen, 0)

	mountSpec := &mount.Specification{}
	c.Assert(mountSpec.AddConnectedPlug(s.iface, plug, s.slot), IsNil)
	c.Check(mountSpec.MountEntries(), HasLen, 0)
}

func (s *SharedMemoryInterfaceSuite) TestStoredConnectionPrivateWrongType(c *C) {
	plug, _ := MockConnectedPlug(c, sharedMemoryConsumerYaml, nil, "my-ipc")
	c.Assert(plug.SetAttr("private", "true"), IsNil)
	const expected = `snap "consumer" has interface "shared-memory" with invalid value type string for "private" attribute: \*bool`

	apparmorSpec := apparmor.NewSpecification(plug.AppSet())
	c.Check(apparmorSpec.AddConnectedPlug(s.iface, plug, s.slot), ErrorMatches, expected)
	c.Check(apparmorSpec.SecurityTags(), HasLen, 0)

	mountSpec := &mount.Specification{}
	c.Check(mountSpec.AddConnectedPlug(s.iface, plug, s.slot), ErrorMatches, expected)
	c.Check(mountSpec.MountEntries(), HasLen, 0)
}

// A stored slot whose lists are not lists grants nothing, and snapd logs
// why.
func (s *SharedMemoryInterfaceSuite) TestStoredConnectionWrongListType(c *C) {
	log, restore := logger.MockLogger()
	defer restore()
	slot, slotInfo := MockConnectedSlot(c, sharedMemoryProviderYaml, nil, "shmem")
	slot = interfaces.NewConnectedSlot(slotInfo, slot.AppSet(), map[string]interface{}{
		"shared-memory": "my-ipc",
		"write":         "students",
	}, nil)

	plugSpec := apparmor.NewSpecification(s.plug.AppSet())
	c.Check(plugSpec.AddConnectedPlug(s.iface, s.plug, slot), IsNil)
	c.Check(plugSpec.SnippetForTag("snap.consumer.app"), Equals, "")

	slotSpec := apparmor.NewSpecification(slot.AppSet())
	c.Check(slotSpec.AddConnectedSlot(s.iface, s.plug, slot), IsNil)
	c.Check(slotSpec.SnippetForTag("snap.provider.app"), Equals, "")

	c.Check(strings.Count(log.String(), `cannot grant shared-memory slot "shmem" of snap "provider": shared-memory "write" attribute must be a list of strings, not "students"`), Equals, 2)
}

// Lists that Go code stores as []string are read too.
func (s *SharedMemoryInterfaceSuite) TestStoredConnectionStringSlice(c *C) {
	slot, slotInfo := MockConnectedSlot(c, sharedMemoryProviderYaml, nil, "shmem")
	slot = interfaces.NewConnectedSlot(slotInfo, slot.AppSet(), map[string]interface{}{
		"shared-memory": "my-ipc",
		"read":          []string{"teachers"},
	}, nil)
	spec := apparmor.NewSpecification(s.plug.AppSet())
	c.Assert(spec.AddConnectedPlug(s.iface, s.plug, slot), IsNil)
	c.Check(spec.SnippetForTag("snap.consumer.app"), Equals, `"/{dev,run}/shm/teachers" r,
`)
}

// connectionRepository returns a repository holding the provider, whose slot
// only reads "teachers", and the consumer, sanitized.
func (s *SharedMemoryInterfaceSuite) connectionRepository(c *C) (*interfaces.Repository, *interfaces.ConnRef) {
	repo := interfaces.NewRepository()
	c.Assert(repo.AddInterface(s.iface), IsNil)
	slot, _ := s.sanitizedSlot(c, sharedMemoryProviderWith("shared-memory: my-ipc\n    read: [teachers]"), nil, "shmem")
	c.Assert(repo.AddAppSet(slot.AppSet()), IsNil)
	c.Assert(repo.AddAppSet(s.plug.AppSet()), IsNil)
	return repo, &interfaces.ConnRef{
		PlugRef: interfaces.PlugRef{Snap: "consumer", Name: "my-ipc"},
		SlotRef: interfaces.SlotRef{Snap: "provider", Name: "shmem"},
	}
}

func allowConnection(*interfaces.ConnectedPlug, *interfaces.ConnectedSlot) (bool, error) {
	return true, nil
}

// A slot's prepare hook may set attributes that snap.yaml leaves out: they
// are checked as snap.yaml's are when snapd connects the slot.
func (s *SharedMemoryInterfaceSuite) TestConnectChecksDynamicAttributes(c *C) {
	repo, ref := s.connectionRepository(c)
	for _, t := range []struct {
		attrs map[string]interface{}
		err   string
	}{
		{map[string]interface{}{"write": []interface{}{"x\" rwlkix, /** rwlkix, \"/y"}},
			`shared-memory interface path is invalid: "x\\" rwlkix, /\*\* rwlkix, \\"/y" contains a reserved apparmor char from .*`},
		{map[string]interface{}{"write": []interface{}{"a/b"}}, `shared-memory interface path should not contain '/': "a/b"`},
		{map[string]interface{}{"write": []interface{}{nil}}, `shared-memory "write" attribute must be a list of strings, not "\[<nil>\]"`},
		{map[string]interface{}{"write": "students"}, `shared-memory "write" attribute must be a list of strings, not "students"`},
		{map[string]interface{}{"read": []interface{}{}}, `shared memory interface requires at least a valid "read" or "write" attribute`},
		{map[string]interface{}{"read": []interface{}{`a\`}}, `shared-memory interface path is invalid: "a\\\\" contains a reserved apparmor char from .*`},
	} {
		_, err := repo.Connect(ref, nil, nil, nil, t.attrs, allowConnection)
		c.Check(err, ErrorMatches, `cannot connect slot "shmem" of snap "provider": `+t.err, Commentf("%v", t.attrs))
	}
	c.Check(repo.Interfaces().Connections, HasLen, 0)

	conn, err := repo.Connect(ref, nil, nil, nil, map[string]interface{}{"write": []interface{}{"students"}}, allowConnection)
	c.Assert(err, IsNil)
	spec := apparmor.NewSpecification(s.plug.AppSet())
	c.Assert(spec.AddConnectedPlug(s.iface, conn.Plug, conn.Slot), IsNil)
	c.Check(spec.SnippetForTag("snap.consumer.app"), Equals, `"/{dev,run}/shm/students" mrwlk,
"/{dev,run}/shm/teachers" r,
`)
}

// The slot is checked when it connects whether or not a hook set
// attributes; the system slot, which has no names, is not.
func (s *SharedMemoryInterfaceSuite) TestBeforeConnectSlotStaticAttributes(c *C) {
	iface := s.iface.(interface {
		BeforeConnectSlot(*interfaces.ConnectedSlot) error
	})
	slot, _ := MockConnectedSlot(c, sharedMemoryProviderWith(`write: ["a\" rwlkix, /** rwlkix, \"/b"]`), nil, "shmem")
	c.Check(iface.BeforeConnectSlot(slot), ErrorMatches, `shared-memory interface path is invalid: .* contains a reserved apparmor char from .*`)
	c.Check(iface.BeforeConnectSlot(s.systemSlot), IsNil)
}

// A plug's prepare hook may change neither "private" nor "shared-memory":
// the checks of snap.yaml and the connection policy rely on them.
func (s *SharedMemoryInterfaceSuite) TestConnectChecksPlugDynamicAttributes(c *C) {
	repo, ref := s.connectionRepository(c)
	for _, t := range []struct {
		attrs map[string]interface{}
		err   string
	}{
		{map[string]interface{}{"private": "true"}, `shared-memory "private" attribute must be a bool, not true`},
		{map[string]interface{}{"private": nil}, `shared-memory "private" attribute must be a bool, not <nil>`},
		{map[string]interface{}{"private": true}, `shared-memory "private" attribute cannot be changed to true when connecting`},
		{map[string]interface{}{"shared-memory": "other"}, `shared-memory "shared-memory" attribute cannot be changed to other when connecting`},
		{map[string]interface{}{"shared-memory": []interface{}{"my-ipc"}}, `shared-memory "shared-memory" attribute cannot be changed to \[my-ipc\] when connecting`},
	} {
		_, err := repo.Connect(ref, nil, t.attrs, nil, nil, allowConnection)
		c.Check(err, ErrorMatches, `cannot connect plug "my-ipc" of snap "consumer": `+t.err, Commentf("%v", t.attrs))
	}
	c.Check(repo.Interfaces().Connections, HasLen, 0)

	// snap.yaml's values, and other attributes, may be set
	_, err := repo.Connect(ref, nil, map[string]interface{}{"private": false, "shared-memory": "my-ipc", "other": 1}, nil, nil, allowConnection)
	c.Check(err, IsNil)
}

// A private plug connects to the system slot, which has no names.
func (s *SharedMemoryInterfaceSuite) TestConnectPrivatePlugToSystemSlot(c *C) {
	repo := interfaces.NewRepository()
	c.Assert(repo.AddInterface(s.iface), IsNil)
	plug, _ := s.sanitizedPlug(c, sharedMemoryPrivateYaml, nil, "shared-memory")
	c.Assert(repo.AddAppSet(plug.AppSet()), IsNil)
	c.Assert(repo.AddAppSet(s.systemSlot.AppSet()), IsNil)
	_, err := repo.Connect(&interfaces.ConnRef{
		PlugRef: interfaces.PlugRef{Snap: "private-shm", Name: "shared-memory"},
		SlotRef: interfaces.SlotRef{Snap: "core", Name: "shared-memory"},
	}, nil, nil, nil, nil, allowConnection)
	c.Check(err, IsNil)
}

// snapd does not check connections it reloads from its state, which an
// older snapd may have stored unchecked: they grant nothing, so that their
// profiles are written again without the rules.
func (s *SharedMemoryInterfaceSuite) TestStoredConnectionUncheckedAttributes(c *C) {
	log, restore := logger.MockLogger()
	defer restore()
	repo, ref := s.connectionRepository(c)
	conn, err := repo.Connect(ref, nil, nil, nil, map[string]interface{}{
		"write": []interface{}{"sem.x\" rwlkix, /** rwlkix, \"/y"},
	}, nil)
	c.Assert(err, IsNil)

	plugSpec := apparmor.NewSpecification(conn.Plug.AppSet())
	c.Check(plugSpec.AddConnectedPlug(s.iface, conn.Plug, conn.Slot), IsNil)
	c.Check(plugSpec.SnippetForTag("snap.consumer.app"), Equals, "")

	slotSpec := apparmor.NewSpecification(conn.Slot.AppSet())
	c.Check(slotSpec.AddConnectedSlot(s.iface, conn.Plug, conn.Slot), IsNil)
	c.Check(slotSpec.SnippetForTag("snap.provider.app"), Equals, "")

	c.Check(log.String(), testutil.Contains, `cannot grant shared-memory slot "shmem" of snap "provider": shared-memory interface path is invalid: "sem.x\" rwlkix, /** rwlkix, \"/y" contains a reserved apparmor char`)
}

// A plug that is not private grants nothing on the system slot, which
// has no names: snapd connects it by hand when the snap is installed
// locally, and regenerates its profiles later.
func (s *SharedMemoryInterfaceSuite) TestNonPrivatePlugOnSystemSlot(c *C) {
	log, restore := logger.MockLogger()
	defer restore()
	repo := interfaces.NewRepository()
	c.Assert(repo.AddInterface(s.iface), IsNil)
	c.Assert(repo.AddAppSet(s.plug.AppSet()), IsNil)
	c.Assert(repo.AddAppSet(s.systemSlot.AppSet()), IsNil)
	conn, err := repo.Connect(&interfaces.ConnRef{
		PlugRef: interfaces.PlugRef{Snap: "consumer", Name: "my-ipc"},
		SlotRef: interfaces.SlotRef{Snap: "core", Name: "shared-memory"},
	}, nil, nil, nil, nil, allowConnection)
	c.Assert(err, IsNil)

	apparmorSpec := apparmor.NewSpecification(conn.Plug.AppSet())
	c.Check(apparmorSpec.AddConnectedPlug(s.iface, conn.Plug, conn.Slot), IsNil)
	c.Check(apparmorSpec.SecurityTags(), HasLen, 0)
	c.Check(apparmorSpec.UpdateNS(), HasLen, 0)
	mountSpec := &mount.Specification{}
	c.Check(mountSpec.AddConnectedPlug(s.iface, conn.Plug, conn.Slot), IsNil)
	c.Check(mountSpec.MountEntries(), HasLen, 0)
	c.Check(log.String(), Equals, "")
}

// A slot of semaphores gives both sides glibc's temporary name, once.
func (s *SharedMemoryInterfaceSuite) TestAppArmorSemaphores(c *C) {
	slot, _ := s.sanitizedSlot(c, sharedMemoryProviderWith("shared-memory: my-ipc\n    write: [fastrtps_*, sem.fastrtps_*, sem.other]"), nil, "shmem")
	plugSpec := apparmor.NewSpecification(s.plug.AppSet())
	c.Assert(plugSpec.AddConnectedPlug(s.iface, s.plug, slot), IsNil)
	c.Check(plugSpec.SnippetForTag("snap.consumer.app"), Equals, `"/{dev,run}/shm/fastrtps_*" mrwlk,
"/{dev,run}/shm/sem.fastrtps_*" mrwlk,
"/{dev,run}/shm/sem.other" mrwlk,

`+sharedMemorySemaphoreAppArmor)
	slotSpec := apparmor.NewSpecification(slot.AppSet())
	c.Assert(slotSpec.AddConnectedSlot(s.iface, s.plug, slot), IsNil)
	c.Assert(slotSpec.AddConnectedSlot(s.iface, s.plug, s.slot), IsNil)
	c.Check(strings.Count(slotSpec.SnippetForTag("snap.provider.app"), sharedMemorySemaphoreAppArmor), Equals, 1)
	c.Check(sharedMemorySemaphoreAppArmor, testutil.Contains, "\nowner \"/{dev,run}/shm/sem.[a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9]\" mrwk,\n")
}

// A side gets the temporary name when it can create a semaphore that the
// slot declares: a name that covers "sem." and a name, granted read-write.
// A glob read-write that covers every semaphore, "*" or "se*", already
// grants it.
func (s *SharedMemoryInterfaceSuite) TestAppArmorSemaphoreSides(c *C) {
	for _, t := range []struct {
		attrs      string
		plug, slot bool
	}{
		{"write: [sem.foo]", true, true},
		{"write: [\"*x\"]", true, true},
		{"write: [\"*.lock\"]", true, true},
		{"write: [sem.a*]", true, true},
		{"read: [sem.foo]", false, true},
		{"read: [\"*.lock\"]", false, true},
		// Globs that cover every semaphore grant glibc's temporary names.
		{"write: [se*]", false, false},
		{"write: [s*, sem.foo]", false, false},
		{"write: [sem*]", false, false},
		{"write: [sem.*]", false, false},
		{"write: [\"*.*\"]", false, false},
		{"write: [sem.foo]\n    read: [sem.*]", true, false},
		{"write: [a]\n    read: [\"*\"]", false, false},
		{"write: [sem.foo]\n    read: [\"*\"]", true, false},
		{"write: [students]", false, false},
		{"write: [\"*\", sem.foo]", false, false},
		{"write: [\"*sem\"]", true, true},
		{"write: [semaphore, xsem.foo, sem., x*, a*b, sex*, sem]", false, false},
	} {
		slot, _ := s.sanitizedSlot(c, sharedMemoryProviderWith(t.attrs), nil, "shmem")
		plugSpec := apparmor.NewSpecification(s.plug.AppSet())
		c.Assert(plugSpec.AddConnectedPlug(s.iface, s.plug, slot), IsNil)
		c.Check(strings.Contains(plugSpec.SnippetForTag("snap.consumer.app"), TemporarySemaphoreRule), Equals, t.plug, Commentf("plug: %s", t.attrs))
		slotSpec := apparmor.NewSpecification(slot.AppSet())
		c.Assert(slotSpec.AddConnectedSlot(s.iface, s.plug, slot), IsNil)
		c.Check(strings.Contains(slotSpec.SnippetForTag("snap.provider.app"), TemporarySemaphoreRule), Equals, t.slot, Commentf("slot: %s", t.attrs))
	}
}

func (s *SharedMemoryInterfaceSuite) TestAutoConnect(c *C) {
	c.Check(s.iface.AutoConnect(s.plugInfo, s.slotInfo), Equals, true)
}

func (s *SharedMemoryInterfaceSuite) TestInterfaces(c *C) {
	var names []string
	for _, iface := range Interfaces() {
		names = append(names, iface.Name())
	}
	c.Check(strings.Join(names, " "), testutil.Contains, "shared-memory")
}

func (s *SharedMemoryInterfaceSuite) TestSanitizePlugsSlots(c *C) {
	info := snaptest.MockInfo(c, `name: mixed
version: 0
apps:
  app:
    plugs: [shm-plug]
    slots: [good, bad]
plugs:
  shm-plug:
    interface: shared-memory
slots:
  good:
    interface: shared-memory
    write: [ok]
  bad:
    interface: shared-memory
    write: [not/ok]
`, nil)
	SanitizePlugsSlots(info)
	c.Check(info.BadInterfaces, DeepEquals, map[string]string{
		"bad": `shared-memory interface path should not contain '/': "not/ok"`,
	})
	c.Check(info.Slots["good"], NotNil)
	c.Check(info.Slots["bad"], IsNil)
	c.Check(info.Apps["app"].Slots["bad"], IsNil)
	c.Check(info.Plugs["shm-plug"].Attrs["shared-memory"], Equals, "shm-plug")
}
