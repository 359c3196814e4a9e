package mount_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
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
		c.Fatalf("mount namespace tests need root (CAP_SYS_ADMIN to unshare and bind mount): run them as root")
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
	result, err := mount.Generate(system.Setup{Snaps: []system.Snap{
		{YAML: consumer, InstanceKey: instanceKey},
		{YAML: exampleYAML(c, "private/core.yaml")},
	}, Connections: []system.Connection{{PlugSnap: instance, Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"}}})
	c.Assert(err, IsNil)
	c.Assert(result.Files, HasLen, 1)
	c.Assert(result.Files[0].Name, Equals, "snap."+instance+".fstab")
	profile, err := mount.ParseProfile(result.Files[0])
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

	mounts, err := mount.Generate(system.Setup{Snaps: snaps, Connections: conns})
	c.Assert(err, IsNil)
	c.Assert(mounts.Files, HasLen, 0)
	appArmor, err := apparmor.Generate(system.Setup{Snaps: snaps, Connections: conns}, apparmor.Options{})
	c.Assert(err, IsNil)
	rule := `"/{dev,run}/shm/` + object + `" mrwlk,`
	for _, profile := range appArmor.Files {
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

		// RunInNamespace refuses it before calling fn.
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

// An existing directory owned by root ends up with mode 01777.
func (s *namespaceSuite) TestEnsureSharedMemoryDirSetsMode(c *C) {
	for _, mode := range []os.FileMode{0, 0700, 0755, 0777, 01777 | os.ModeSetgid} {
		instance := "scratchpad_" + newKey()
		path := "/dev/shm/snap." + instance
		s.leave("snap." + instance)
		c.Assert(os.Mkdir(path, 0700), IsNil)
		c.Assert(os.Chmod(path, mode), IsNil)
		dir, err := mount.EnsureSharedMemoryDir(instance)
		c.Assert(err, IsNil, Commentf("mode %v", mode))
		c.Check(dir, Equals, path)
		s.checkPrivateDir(c, instance)
	}
}

// No one ever sees the directory with a mode other than 01777, however many
// create it at once: a process that dies leaves it usable.
func (s *namespaceSuite) TestEnsureSharedMemoryDirNoWindow(c *C) {
	const rounds, callers = 100, 4
	for round := 0; round < rounds; round++ {
		instance := "scratchpad_" + newKey()
		path := "/dev/shm/snap." + instance
		s.leave("snap." + instance)
		done := make(chan struct{})
		seen := make(chan os.FileMode, 1)
		go func() {
			// Watch the directory until the callers are done.
			defer close(seen)
			for {
				select {
				case <-done:
					return
				default:
				}
				if info, err := os.Lstat(path); err == nil && info.Mode()&(os.ModePerm|os.ModeSticky) != os.ModeSticky|0777 {
					seen <- info.Mode()
					return
				}
			}
		}()
		errs := make(chan error, callers)
		for i := 0; i < callers; i++ {
			go func() {
				_, err := mount.EnsureSharedMemoryDir(instance)
				if err == nil {
					var info os.FileInfo
					if info, err = os.Lstat(path); err == nil && info.Mode()&(os.ModePerm|os.ModeSticky) != os.ModeSticky|0777 {
						err = fmt.Errorf("returned while the mode is %v", info.Mode())
					}
				}
				errs <- err
			}()
		}
		for i := 0; i < callers; i++ {
			c.Check(<-errs, IsNil, Commentf("round %d", round))
		}
		close(done)
		for mode := range seen {
			c.Fatalf("round %d: the directory was seen with mode %v", round, mode)
		}
		s.checkPrivateDir(c, instance)
	}
}

// A source that names the private /dev/shm in an unclean way is refused,
// not bound unchecked.
func (s *namespaceSuite) TestUncleanSourceRefused(c *C) {
	instance := "scratchpad_" + newKey()
	path := "/dev/shm/snap." + instance
	s.leave("snap." + instance)
	c.Assert(os.Mkdir(path, 0777), IsNil)
	c.Assert(os.Chown(path, 1000, 1000), IsNil)
	for _, source := range []string{
		"/dev/shm//snap." + instance,
		"/dev/shm/./snap." + instance,
		"/dev/shm/../shm/snap." + instance,
		"/dev/shm/snap." + instance + "/",
		"/dev//shm/snap." + instance,
	} {
		called := false
		profile := &osutil.MountProfile{Entries: []osutil.MountEntry{
			{Name: source, Dir: "/dev/shm", Type: "none", Options: []string{"bind", "rw"}},
		}}
		err := mount.RunInNamespace(profile, func() error {
			called = true
			return nil
		})
		c.Check(err, ErrorMatches, `cannot apply mount entry .*: "`+regexpQuote(source)+`" is not a clean absolute path`, Commentf(source))
		c.Check(called, Equals, false, Commentf(source))
	}
	// Any other directory of /dev/shm is refused over /dev/shm.
	profile := &osutil.MountProfile{Entries: []osutil.MountEntry{
		{Name: "/dev/shm/other-" + instance, Dir: "/dev/shm", Type: "none", Options: []string{"bind", "rw"}},
	}}
	err := mount.RunInNamespace(profile, func() error { return nil })
	c.Check(err, ErrorMatches, `cannot apply mount entry .*: only a private /dev/shm \(/dev/shm/snap.<instance>\) may be bound over /dev/shm`)
}

func regexpQuote(s string) string {
	return strings.NewReplacer(".", `\.`, "/", "/").Replace(s)
}

// What is bound is the directory that was checked, even when the path
// names another one by then.
func (s *namespaceSuite) TestBindsCheckedDirectory(c *C) {
	profile, instance := s.privateProfile(c, "scratchpad", newKey())
	path := "/dev/shm/snap." + instance
	checked := path + "-checked"
	s.leave("snap." + instance + "-checked")
	restore := mount.MockBeforeBind(func() {
		// Swap in a directory of another user.
		c.Check(os.Rename(path, checked), IsNil)
		c.Check(os.Mkdir(path, 0777), IsNil)
		c.Check(os.Chown(path, 1000, 1000), IsNil)
	})
	defer restore()
	c.Check(inNamespace(c, profile, []string{"create", "obj", "64", "checked"}), DeepEquals, []string{""})
	c.Check(onHost(c, "read", "snap."+instance+"-checked/obj", "0", "7"), Equals, "checked")
	c.Check(onHost(c, "stat", "snap."+instance+"/obj"), Equals, "absent")
}

// A function that fails, panics or exits its goroutine gets an error back,
// and leaves neither a mount nor the directory behind.
func (s *namespaceSuite) TestFunctionFails(c *C) {
	for _, t := range []struct {
		summary string
		fn      func() error
		err     string
	}{
		{"error", func() error { return fmt.Errorf("boom") }, `boom`},
		{"panic", func() error { panic("boom") }, `cannot run in mount namespace: the function panicked: boom`},
		{"goexit", func() error { runtime.Goexit(); return nil }, `cannot run in mount namespace: the function exited without returning \(runtime.Goexit\)`},
	} {
		profile, instance := s.privateProfile(c, "scratchpad", newKey())
		err := mount.RunInNamespace(profile, func() error {
			if _, err := helper("create", "obj", "64", "data"); err != nil {
				return err
			}
			return t.fn()
		})
		c.Check(err, ErrorMatches, t.err, Commentf(t.summary))
		_, statErr := os.Lstat("/dev/shm/snap." + instance)
		c.Check(os.IsNotExist(statErr), Equals, true, Commentf("%s: %v", t.summary, statErr))
	}
	// A directory that was there already stays.
	profile, instance := s.privateProfile(c, "scratchpad", newKey())
	_, err := mount.EnsureSharedMemoryDir(instance)
	c.Assert(err, IsNil)
	err = mount.RunInNamespace(profile, func() error { panic("boom") })
	c.Check(err, ErrorMatches, `.*panicked: boom`)
	s.checkPrivateDir(c, instance)
}
