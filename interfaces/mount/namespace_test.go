package mount_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/snapcore/snapd/osutil"
	"golang.org/x/sys/unix"
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/mount"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// namespaceSuite uses the host's /dev/shm and mount namespaces. Every name
// it creates carries a random key, so that runs at once do not collide, and
// everything is removed after each test.
type namespaceSuite struct {
	// leftovers are paths under /dev/shm that the test may have created.
	leftovers []string
}

var _ = Suite(&namespaceSuite{})

func (s *namespaceSuite) SetUpSuite(c *C) {
	if os.Geteuid() != 0 {
		reason := "SKIPPED: mount namespace tests need root (CAP_SYS_ADMIN to unshare and bind mount); run them as root"
		fmt.Fprintln(os.Stderr, reason)
		c.Skip(reason)
	}
}

func (s *namespaceSuite) SetUpTest(c *C) {
	s.leftovers = nil
}

func (s *namespaceSuite) TearDownTest(c *C) {
	mountInfo, err := os.ReadFile("/proc/self/mountinfo")
	c.Check(err, IsNil)
	for _, path := range s.leftovers {
		c.Check(os.RemoveAll(path), IsNil)
		c.Check(bytes.Contains(mountInfo, []byte(path)), Equals, false, Commentf("%s is mounted on the host", path))
	}
}

// newKey returns a fresh lowercase key, valid as a snap instance key.
func newKey() string {
	return fmt.Sprintf("t%08x", rand.Uint32())
}

// leave records a name under /dev/shm for removal after the test.
func (s *namespaceSuite) leave(name string) {
	s.leftovers = append(s.leftovers, filepath.Join("/dev/shm", name))
}

// privateProfile returns the mount profile that snapd writes for the private
// example installed as snapName, with instanceKey, and the instance name.
// Only the /dev/shm entry is kept: the other entries of a parallel instance
// map its snap and data directories, which need the snap mounted.
func (s *namespaceSuite) privateProfile(c *C, snapName, instanceKey string) (*osutil.MountProfile, string) {
	instance := snapName
	if instanceKey != "" {
		instance += "_" + instanceKey
	}
	s.leave("snap." + instance)
	consumer := bytes.Replace(exampleYAML(c, "private/consumer.yaml"), []byte("name: scratchpad\n"), []byte("name: "+snapName+"\n"), 1)
	profiles, err := mount.GenerateProfiles([]system.Snap{
		{YAML: consumer, InstanceKey: instanceKey},
		{YAML: exampleYAML(c, "private/core.yaml")},
	}, []system.Connection{{PlugSnap: instance, Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"}})
	c.Assert(err, IsNil)
	c.Assert(profiles, HasLen, 1)
	c.Assert(profiles[0].Name, Equals, "snap."+instance+".fstab")
	profile, err := profiles[0].MountProfile()
	c.Assert(err, IsNil)
	var kept []osutil.MountEntry
	for _, entry := range profile.Entries {
		if entry.Dir == "/dev/shm" {
			kept = append(kept, entry)
		}
	}
	c.Assert(kept, DeepEquals, []osutil.MountEntry{{
		Name: "/dev/shm/snap." + instance, Dir: "/dev/shm", Type: "none", Options: []string{"bind", "rw"},
	}})
	return &osutil.MountProfile{Entries: kept}, instance
}

// inNamespace runs helper roles, one after the other, in one namespace made
// from profile, and returns what each printed.
func inNamespace(c *C, profile *osutil.MountProfile, roles ...[]string) []string {
	var outputs []string
	err := mount.RunInNamespace(profile, func() error {
		for _, role := range roles {
			out, err := helper(role[0], role[1:]...)
			if err != nil {
				return err
			}
			outputs = append(outputs, out)
		}
		return nil
	})
	c.Assert(err, IsNil)
	return outputs
}

func onHost(c *C, role string, args ...string) string {
	out, err := helper(role, args...)
	c.Assert(err, IsNil)
	return out
}

func (s *namespaceSuite) checkPrivateDir(c *C, instance string) {
	info, err := os.Lstat("/dev/shm/snap." + instance)
	c.Assert(err, IsNil)
	c.Check(info.IsDir(), Equals, true)
	c.Check(info.Mode()&(os.ModePerm|os.ModeSticky), Equals, os.ModeSticky|0777)
	c.Check(info.Sys().(*syscall.Stat_t).Uid, Equals, uint32(0))
}

// An object made in the private /dev/shm is in /dev/shm/snap.<instance> on
// the host, and the host's objects are not visible inside.
func (s *namespaceSuite) TestPrivateObjectLandsOnHost(c *C) {
	key := newKey()
	profile, instance := s.privateProfile(c, "scratchpad", key)
	hostObject := "snapd-shm-test-host-" + key
	s.leave(hostObject)
	onHost(c, "create", hostObject, "64", "host data")

	out := inNamespace(c, profile,
		[]string{"stat", hostObject},
		[]string{"create", "obj", "64", "private data"},
		[]string{"read", "obj", "0", "12"})
	c.Check(out, DeepEquals, []string{"absent", "", "private data"})

	s.checkPrivateDir(c, instance)
	c.Check(onHost(c, "read", "snap."+instance+"/obj", "0", "12"), Equals, "private data")
	c.Check(onHost(c, "stat", "obj"), Equals, "absent")
	c.Check(onHost(c, "read", hostObject, "0", "9"), Equals, "host data")
}

// checkApart proves that two private /dev/shm keep one name apart.
func (s *namespaceSuite) checkApart(c *C, profileA *osutil.MountProfile, instanceA string, profileB *osutil.MountProfile, instanceB string) {
	c.Check(inNamespace(c, profileA, []string{"create", "same", "64", "from A"}), DeepEquals, []string{""})
	c.Check(inNamespace(c, profileB,
		[]string{"stat", "same"},
		[]string{"create", "same", "64", "from B"}), DeepEquals, []string{"absent", ""})
	c.Check(inNamespace(c, profileA, []string{"read", "same", "0", "6"}), DeepEquals, []string{"from A"})
	c.Check(inNamespace(c, profileB, []string{"read", "same", "0", "6"}), DeepEquals, []string{"from B"})
	c.Check(onHost(c, "read", "snap."+instanceA+"/same", "0", "6"), Equals, "from A")
	c.Check(onHost(c, "read", "snap."+instanceB+"/same", "0", "6"), Equals, "from B")
}

func (s *namespaceSuite) TestTwoSnapsApart(c *C) {
	key := newKey()
	profileA, instanceA := s.privateProfile(c, "shma-"+key, "")
	profileB, instanceB := s.privateProfile(c, "shmb-"+key, "")
	s.checkApart(c, profileA, instanceA, profileB, instanceB)
}

func (s *namespaceSuite) TestParallelInstancesApart(c *C) {
	profileA, instanceA := s.privateProfile(c, "scratchpad", newKey())
	profileB, instanceB := s.privateProfile(c, "scratchpad", newKey())
	c.Assert(instanceA, Not(Equals), instanceB)
	s.checkApart(c, profileA, instanceA, profileB, instanceB)
}

func (s *namespaceSuite) TestSubdirectories(c *C) {
	profile, instance := s.privateProfile(c, "scratchpad", newKey())
	out := inNamespace(c, profile,
		[]string{"create", "sub/dir/obj", "64", "nested"},
		[]string{"read", "sub/dir/obj", "0", "6"})
	c.Check(out, DeepEquals, []string{"", "nested"})
	c.Check(onHost(c, "read", "snap."+instance+"/sub/dir/obj", "0", "6"), Equals, "nested")
}

// Without "private", the provider and the consumer share the object that
// the slot names: each writes through its mapping what the other reads.
func (s *namespaceSuite) TestSharedObject(c *C) {
	object := "snapd-shm-test-" + newKey()
	s.leave(object)
	provider := bytes.Replace(exampleYAML(c, "reference/provider.yaml"), []byte("write: [students]"), []byte("write: ["+object+"]"), 1)
	c.Assert(bytes.Contains(provider, []byte(object)), Equals, true)
	snaps := []system.Snap{{YAML: provider}, {YAML: exampleYAML(c, "reference/consumer.yaml")}}
	conns := []system.Connection{{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "shmem"}}

	mountProfiles, err := mount.GenerateProfiles(snaps, conns)
	c.Assert(err, IsNil)
	c.Assert(mountProfiles, HasLen, 0)
	appArmorProfiles, err := apparmor.GenerateProfiles(snaps, conns)
	c.Assert(err, IsNil)
	rule := `"/{dev,run}/shm/` + object + `" mrwlk,`
	for _, profile := range appArmorProfiles {
		if strings.HasPrefix(profile.Name, "snap.") {
			c.Check(strings.Contains(profile.Text, rule), Equals, true, Commentf("%s lacks %s", profile.Name, rule))
		}
	}

	// Each side runs in a namespace of its own, made from its (empty)
	// mount profile.
	empty := &osutil.MountProfile{}
	c.Check(inNamespace(c, empty, []string{"create", object, "64", "ping"}), DeepEquals, []string{""})
	c.Check(inNamespace(c, empty,
		[]string{"read", object, "0", "4"},
		[]string{"write", object, "32", "pong"}), DeepEquals, []string{"ping", ""})
	c.Check(inNamespace(c, empty, []string{"read", object, "32", "4"}), DeepEquals, []string{"pong"})
}

func (s *namespaceSuite) TestEnsureSharedMemoryDirCreates(c *C) {
	instance := "scratchpad_" + newKey()
	s.leave("snap." + instance)
	oldUmask := unix.Umask(0077)
	dir, err := mount.EnsureSharedMemoryDir(instance)
	unix.Umask(oldUmask)
	c.Assert(err, IsNil)
	c.Check(dir, Equals, "/dev/shm/snap."+instance)
	s.checkPrivateDir(c, instance)

	// An existing directory is used as it is.
	dir, err = mount.EnsureSharedMemoryDir(instance)
	c.Check(err, IsNil)
	c.Check(dir, Equals, "/dev/shm/snap."+instance)
}

func (s *namespaceSuite) TestEnsureSharedMemoryDirRefuses(c *C) {
	for _, t := range []struct {
		summary string
		make    func(path string) error
		err     string
	}{
		{"symlink", func(path string) error { return os.Symlink(os.TempDir(), path) }, `it is a symlink`},
		{"dangling symlink", func(path string) error { return os.Symlink("/nonexistent", path) }, `it is a symlink`},
		{"file", func(path string) error { return os.WriteFile(path, nil, 0644) }, `it is not a directory`},
		{"directory of another user", func(path string) error {
			if err := os.Mkdir(path, 0755); err != nil {
				return err
			}
			return os.Chown(path, 1000, 1000)
		}, `it is owned by uid 1000, not root`},
	} {
		instance := "scratchpad_" + newKey()
		path := "/dev/shm/snap." + instance
		s.leave("snap." + instance)
		c.Assert(t.make(path), IsNil, Commentf(t.summary))
		_, err := mount.EnsureSharedMemoryDir(instance)
		c.Check(err, ErrorMatches, `cannot use "`+path+`" as private /dev/shm: `+t.err, Commentf(t.summary))

		// RunInNamespace refuses it before entering the namespace.
		called := false
		profile := &osutil.MountProfile{Entries: []osutil.MountEntry{
			{Name: path, Dir: "/dev/shm", Type: "none", Options: []string{"bind", "rw"}},
		}}
		err = mount.RunInNamespace(profile, func() error {
			called = true
			return nil
		})
		c.Check(err, ErrorMatches, `cannot use "`+path+`" as private /dev/shm: `+t.err, Commentf(t.summary))
		c.Check(called, Equals, false, Commentf(t.summary))
	}
}

func (s *namespaceSuite) TestEnsureSharedMemoryDirBadName(c *C) {
	_, err := mount.EnsureSharedMemoryDir("../etc")
	c.Check(err, ErrorMatches, `cannot create private /dev/shm: invalid snap name: "../etc"`)
}
