package enforce_test

import (
	"path/filepath"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/sandbox/realsnapd"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

// squatSuite takes /dev/shm/snap.scratchpad before the private snap
// scratchpad first starts, in each way open to a local user or another
// snap, and runs snapd 2.64's own snap-update-ns, as released and with the
// security fix of upstream/security, in one boot of the kernel.
type squatSuite struct {
	scenes                   []*squatScene
	connect, connectSquatted *connectScene
}

var _ = Suite(&squatSuite{})

// A squatter takes the private /dev/shm's path in a scene.
type squatter struct {
	name string
	take func(scene *enforce.Scene) int
}

// local runs a command as an ordinary user.
func local(argv ...string) func(*enforce.Scene) int {
	return func(scene *enforce.Scene) int { return scene.Add(uml.Step{Argv: argv, UID: 1000}) }
}

var squatters = []squatter{
	{"nobody", func(scene *enforce.Scene) int { return scene.Unconfined("", "/usr/bin/true") }},
	{"file", local("/usr/bin/touch", "/dev/shm/snap.scratchpad")},
	{"fifo", local("/usr/bin/mkfifo", "/dev/shm/snap.scratchpad")},
	{"symlink", local("/usr/bin/ln", "-s", "/tmp", "/dev/shm/snap.scratchpad")},
	{"directory", local("/bin/sh", "-c", "mkdir -m 1777 /dev/shm/snap.scratchpad && echo planted >/dev/shm/snap.scratchpad/planted")},
	{"snap", func(scene *enforce.Scene) int {
		return scene.App("squatter", "app", "open", "/dev/shm/snap.scratchpad", "create")
	}},
}

// squatScene is one squatter against one snap-update-ns.
type squatScene struct {
	squatter, updateNS string
	scene              *enforce.Scene
	take, setup        int
	// reach are the app's tries at objects outside its private /dev/shm,
	// by object, and planted its look at what the squatter put there.
	reach   map[string]int
	planted int
	results []uml.Result
}

// outside are objects in the host's /dev/shm: another snap's segment, a
// PulseAudio-like segment and another process's semaphore.
var outside = map[string][]string{
	"snap.other.frames": {"shm-open", "/snap.other.frames", "rw"},
	"pulse-shm-4242":    {"shm-open", "/pulse-shm-4242", "rw"},
	"sem.other-lock":    {"sem-open", "/other-lock"},
}

func (s *squatSuite) SetUpSuite(c *C) {
	probe, err := enforce.BuildProbe(c.MkDir())
	c.Assert(err, IsNil, Commentf("the kernel tests need gcc"))
	src, err := realsnapd.ModuleSource()
	c.Assert(err, IsNil)
	released, err := realsnapd.UpdateNS(src)
	c.Assert(err, IsNil)
	src.Patches, err = filepath.Glob("../../upstream/security/patches-2.64/*.patch")
	c.Assert(err, IsNil)
	c.Assert(src.Patches, Not(HasLen), 0)
	fixed, err := realsnapd.UpdateNS(src)
	c.Assert(err, IsNil)

	// The squatter's plug is connected to a slot that writes every name,
	// as the ROS 2 guide advises.
	squatterSnaps, squat := reachSetup("squatter", "provider", `["*"]`)
	setup := system.Setup{Snaps: append(squatterSnaps,
		system.Snap{YAML: exampleYAML(c, "private/consumer.yaml")},
		system.Snap{YAML: exampleYAML(c, "private/core.yaml")},
	), Connections: []system.Connection{
		{PlugSnap: "scratchpad", Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"},
		squat,
	}}
	var scenes []*enforce.Scene
	for _, updateNS := range []struct{ name, path string }{{"released", released}, {"fixed", fixed}} {
		for _, sq := range squatters {
			scene, err := enforce.GenerateScene("squat-"+sq.name+"-"+updateNS.name, enforce.Programs{Probe: probe, UpdateNS: updateNS.path}, setup)
			c.Assert(err, IsNil)
			ss := &squatScene{squatter: sq.name, updateNS: updateNS.name, scene: scene, reach: make(map[string]int)}
			scene.Unconfined("", "shm-create", "/snap.other.frames")
			scene.Unconfined("", "shm-create", "/pulse-shm-4242")
			scene.Unconfined("", "sem-create", "/other-lock")
			ss.take = sq.take(scene)
			ss.setup = scene.SetUp("scratchpad")
			for object, args := range outside {
				ss.reach[object] = scene.App("scratchpad", "worker", args...)
			}
			ss.planted = scene.App("scratchpad", "worker", "exists", "/dev/shm/planted")
			scenes = append(scenes, scene)
			s.scenes = append(s.scenes, ss)
		}
	}
	s.connect = connectWhileRunning(c, "squat-connect", enforce.Programs{Probe: probe, UpdateNS: released}, setup, "")
	s.connectSquatted = connectWhileRunning(c, "squat-connect-squatted", enforce.Programs{Probe: probe, UpdateNS: fixed}, setup, "touch /dev/shm/snap.scratchpad")
	report := runScenes(c, append(scenes, s.connect.scene, s.connectSquatted.scene))
	for i, ss := range s.scenes {
		ss.results = report.Results[i]
	}
	s.connect.results = report.Results[len(s.scenes)]
	s.connectSquatted.results = report.Results[len(s.scenes)+1]
}

// connectScene is a private plug connected while its snap runs.
type connectScene struct {
	scene                   *enforce.Scene
	update, mounted, before int
	reach                   map[string]int
	results                 []uml.Result
}

// connectWhileRunning preserves the namespace of a running snap at
// /run/snapd/ns/scratchpad.mnt, as snap-confine does, with no private
// /dev/shm in it yet; then, as snapd's mount backend does when the plug is
// connected, and before its AppArmor backend loads the new profiles, it
// runs snap-update-ns without a profile and without --from-snap-confine.
// squat, when not "", is a command that an ordinary user runs first.
func connectWhileRunning(c *C, name string, programs enforce.Programs, setup system.Setup, squat string) *connectScene {
	scene, err := enforce.GenerateScene(name, programs, setup)
	c.Assert(err, IsNil)
	cs := &connectScene{scene: scene, reach: make(map[string]int)}
	scene.Unconfined("", "shm-create", "/snap.other.frames")
	scene.Unconfined("", "shm-create", "/pulse-shm-4242")
	scene.Unconfined("", "sem-create", "/other-lock")
	namespace := name + ".running"
	scene.Unconfined(namespace, "/usr/bin/true")
	cs.before = scene.Unconfined(namespace, "/bin/sh", "-c", "grep -c ' /dev/shm ' /proc/self/mountinfo")
	if squat != "" {
		scene.Add(uml.Step{Argv: []string{"/bin/sh", "-c", squat}, UID: 1000})
	}
	scene.Unconfined("", "/bin/sh", "-c", "umount /run/snapd/ns/scratchpad.mnt 2>/dev/null; "+
		"mount --bind /run/snapd/ns /run/snapd/ns && mount --make-private /run/snapd/ns && "+
		"touch /run/snapd/ns/scratchpad.mnt && mount --bind "+uml.NamespaceFile(namespace)+" /run/snapd/ns/scratchpad.mnt")
	cs.update = scene.Unconfined("", enforce.SnapUpdateNSPath, "scratchpad")
	cs.mounted = scene.Unconfined(namespace, "/bin/sh", "-c", "grep -c ' /dev/shm ' /proc/self/mountinfo")
	for object, args := range outside {
		cs.reach[object] = scene.Add(uml.Step{Argv: append([]string{"/snap/scratchpad/x1/bin/probe"}, args...), Profile: "snap.scratchpad.worker", Namespace: namespace})
	}
	return cs
}

// snapd connects a private plug of a running snap: the private /dev/shm is
// mounted in its namespace, by snap-update-ns, which snapd runs unconfined.
func (s *squatSuite) TestConnectWhileRunning(c *C) {
	r := s.connect.results
	c.Check(r[s.connect.before].Stdout, Equals, "1\n", Commentf("%+v", r[s.connect.before]))
	c.Check(r[s.connect.update], DeepEquals, uml.Result{}, Commentf("%+v", r[s.connect.update]))
	c.Check(r[s.connect.mounted].Stdout, Equals, "2\n", Commentf("%+v", r[s.connect.mounted]))
	for object, step := range s.connect.reach {
		outcome, err := enforce.ParseOutcome(r[step])
		c.Assert(err, IsNil)
		c.Check(outcome.String(), Equals, "ENOENT", Commentf("%s", object))
	}
}

// The same, with a file in the private /dev/shm's place and the fixed
// snap-update-ns: it fails, and snapd 2.64's mount backend then discards
// the preserved namespace and carries on (interfaces/mount's
// Backend.Setup). The processes already running keep their namespace,
// without the private /dev/shm, and get the private rules: they reach the
// host's objects. The fix's sixth commit makes the backend refuse the
// connection instead, which spread's interfaces-shared-memory-private-connect
// shows with snapd itself.
func (s *squatSuite) TestConnectWhileRunningSquatted(c *C) {
	r := s.connectSquatted.results
	c.Check(r[s.connectSquatted.update].Exit, Equals, 1, Commentf("%+v", r[s.connectSquatted.update]))
	c.Check(r[s.connectSquatted.update].Stdout, Equals,
		"cannot update snap namespace: cannot use \"/dev/shm/snap.scratchpad\" as bind-mount source: not a directory\n", Commentf("%+v", r[s.connectSquatted.update]))
	c.Check(r[s.connectSquatted.mounted].Stdout, Equals, "1\n", Commentf("%+v", r[s.connectSquatted.mounted]))
	for object, step := range s.connectSquatted.reach {
		outcome, err := enforce.ParseOutcome(r[step])
		c.Assert(err, IsNil)
		c.Check(outcome.String(), Equals, "allowed", Commentf("%s", object))
	}
}

func (ss *squatScene) comment() CommentInterface {
	return Commentf("squatter %s, %s snap-update-ns: %+v", ss.squatter, ss.updateNS, ss.results[ss.setup])
}

// outcome is what the kernel let the app do at step, or "skipped" when the
// app did not start.
func (ss *squatScene) outcome(c *C, step int) string {
	if ss.results[step].Skipped {
		return "skipped"
	}
	outcome, err := enforce.ParseOutcome(ss.results[step])
	c.Assert(err, IsNil, ss.comment())
	return outcome.String()
}

func (s *squatSuite) scene(c *C, squatter, updateNS string) *squatScene {
	for _, ss := range s.scenes {
		if ss.squatter == squatter && ss.updateNS == updateNS {
			c.Assert(ss.results[ss.take].Exit, Equals, 0, Commentf("the squatter %s could not take the path: %+v", squatter, ss.results[ss.take]))
			return ss
		}
	}
	c.Fatalf("no scene of squatter %s with %s snap-update-ns", squatter, updateNS)
	return nil
}

// Without a squatter, both make the private /dev/shm, and the host's
// objects are out of the app's sight.
func (s *squatSuite) TestNobody(c *C) {
	for _, updateNS := range []string{"released", "fixed"} {
		ss := s.scene(c, "nobody", updateNS)
		c.Check(ss.scene.CheckSetUp(ss.results), IsNil)
		for object, step := range ss.reach {
			c.Check(ss.outcome(c, step), Equals, "ENOENT", Commentf("%s: %s", updateNS, object))
		}
	}
}

// A file, a FIFO, a symlink, or a file that a snap with write: ['*']
// makes: the released snap-update-ns logs that it cannot mount and
// carries on, and the app runs in the host's /dev/shm with the private
// rules, reaching every object there. The fixed one fails, and snap-confine
// does not start the app.
func (s *squatSuite) TestNotADirectory(c *C) {
	for _, squatter := range []string{"file", "fifo", "symlink", "snap"} {
		released := s.scene(c, squatter, "released")
		c.Check(released.results[released.setup].Exit, Equals, 0, released.comment())
		c.Check(released.results[released.setup].Stderr, Matches,
			`(?s).*cannot change mount namespace according to change mount \(/dev/shm/snap.scratchpad /dev/shm none bind,rw 0 0\): cannot use "/dev/shm/snap.scratchpad" as bind-mount source: not a directory\n`, released.comment())
		for object, step := range released.reach {
			c.Check(released.outcome(c, step), Equals, "allowed", Commentf("%s reaches %s", squatter, object))
		}

		fixed := s.scene(c, squatter, "fixed")
		c.Check(fixed.results[fixed.setup].Exit, Equals, 1, fixed.comment())
		c.Check(fixed.results[fixed.setup].Stdout, Equals,
			"cannot update snap namespace: cannot use \"/dev/shm/snap.scratchpad\" as bind-mount source: not a directory\n", fixed.comment())
		for _, step := range fixed.reach {
			c.Check(fixed.outcome(c, step), Equals, "skipped", fixed.comment())
		}
	}
}

// A directory another user made: the released snap-update-ns mounts it,
// silently, and the app's private /dev/shm is the squatter's, with what
// the squatter put there. The fixed one refuses it.
func (s *squatSuite) TestForeignDirectory(c *C) {
	released := s.scene(c, "directory", "released")
	c.Check(released.scene.CheckSetUp(released.results), IsNil)
	c.Check(released.outcome(c, released.planted), Equals, "allowed", released.comment())

	fixed := s.scene(c, "directory", "fixed")
	c.Check(fixed.results[fixed.setup].Exit, Equals, 1, fixed.comment())
	c.Check(fixed.results[fixed.setup].Stdout, Equals,
		"cannot update snap namespace: cannot use \"/dev/shm/snap.scratchpad\" as bind-mount source: not owned by root\n", fixed.comment())
	c.Check(fixed.outcome(c, fixed.planted), Equals, "skipped", fixed.comment())
}
