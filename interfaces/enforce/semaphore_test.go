package enforce_test

import (
	"fmt"
	"strings"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

// semaphoreReachSuite measures, in one boot of the kernel, what the rule for
// glibc's temporary semaphore names lets a snap reach, beside what a slot
// that writes "*" does, and whether a narrower set of rules would serve
// glibc. The table of the rule's reach in docs/reference.md is this suite's.
type semaphoreReachSuite struct {
	programs enforce.Programs
	scenes   []*reachScene
}

var _ = Suite(&semaphoreReachSuite{})

// reachScene is a scene and the outcome each of its steps must have:
// "allowed" or an errno.
type reachScene struct {
	scene   *enforce.Scene
	expects []expect
	results []uml.Result
}

func (r *reachScene) expect(step int, outcome string) {
	r.expects = append(r.expects, expect{step: step, outcome: outcome})
}

// reachSetup is a consumer connected to a provider whose slot writes
// write, with the comparisons' snaps renamed; the slot's identifier is the
// provider's name.
func reachSetup(consumer, provider, write string) ([]system.Snap, system.Connection) {
	rename := func(yaml, from, to string) []byte {
		yaml = strings.Replace(yaml, "name: "+from+"\n", "name: "+to+"\n", 1)
		return []byte(strings.Replace(yaml, "shared-memory: ipc\n", "shared-memory: "+provider+"\n", 1))
	}
	return []system.Snap{
			{YAML: rename(comparisonConsumerYAML, "consumer", consumer)},
			{YAML: rename(fmt.Sprintf(comparisonProviderYAML, "    write: "+write), "provider", provider)},
		}, system.Connection{
			PlugSnap: consumer, Plug: "shmem", SlotSnap: provider, Slot: "shmem",
		}
}

// temporaryRule is the rule for glibc's temporary names as the interface
// writes it, and its permissions.
const temporaryRule = `owner "/{dev,run}/shm/sem.[a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9]" `

// generateProfiles writes the profiles of snaps and their connections,
// each passed through edit.
func generateProfiles(c *C, snaps []system.Snap, conns []system.Connection, edit func(string) string) []system.File {
	profiles, err := apparmor.Generate(system.Setup{Snaps: snaps, Connections: conns}, apparmor.Options{})
	c.Assert(err, IsNil)
	var files []system.File
	for _, f := range profiles.Files {
		files = append(files, system.File{Name: f.Name, Text: edit(f.Text)})
	}
	return files
}

// replaceOnce replaces old, which must be in text, by new.
func replaceOnce(c *C, text, old, new string) string {
	c.Assert(strings.Count(text, old), Equals, 1, Commentf("%q in the profile", old))
	return strings.Replace(text, old, new, 1)
}

// reachObjects are the objects of the reach table, each created by another
// process as user uid: a semaphore of "sem." and 6 characters of the app's
// user and one of another user, semaphores of 5 and 7 characters and with
// "_", and an object of another snap.
var reachObjects = []struct {
	name string
	uid  int
}{{"/sem.mutex1", 0}, {"/sem.Xy34Zw", 1000}, {"/sem.mutex", 0}, {"/sem.mutex12", 0}, {"/sem.mut_x1", 0}, {"/snap.other.x", 0}}

// reachOps are the operations on an existing object, in the order probed;
// unlink comes last. sem-open is only for a semaphore's file, sem.*.
var reachOps = []string{"sem-open", "shm-open ro", "shm-open rw", "shm-map", "shm-lock", "shm-exec", "shm-unlink"}

// addReach probes, from app, each of reachOps on object, created before as
// user uid; each must have outcome.
func (r *reachScene) addReach(instance, object string, uid int, outcome string) {
	scene := r.scene
	scene.Add(uml.Step{Argv: []string{enforce.UpdateNSPath, "shm-create", object}, UID: uid})
	for _, op := range reachOps {
		args := strings.Fields(op)
		semaphore, isSemaphore := strings.CutPrefix(object, "/sem.")
		switch {
		case op == "sem-open" && !isSemaphore:
			continue
		case op == "sem-open":
			args = append(args, "/"+semaphore)
		default:
			args = append(args[:1], append([]string{object}, args[1:]...)...)
		}
		r.expect(scene.App(instance, "app", args...), outcome)
	}
	scene.Unconfined("", "/usr/bin/rm", "-f", "/dev/shm"+object)
}

func (s *semaphoreReachSuite) SetUpSuite(c *C) {
	var err error
	s.programs.Probe, err = enforce.BuildProbe(c.MkDir())
	c.Assert(err, IsNil, Commentf("the kernel tests need gcc"))
	s.scenes = []*reachScene{s.semaphoreRule(c), s.everyObject(c), s.unconnected(c), s.permissions(c, "rw"), s.permissions(c, "w"), s.linkPair(c), s.sides(c), s.sidesUpstream(c)}
	var scenes []*enforce.Scene
	for _, r := range s.scenes {
		scenes = append(scenes, r.scene)
	}
	report := runScenes(c, scenes)
	for i, r := range s.scenes {
		r.results = report.Results[i]
	}
}

func (s *semaphoreReachSuite) check(c *C, i int) {
	r := s.scenes[i]
	for _, e := range r.expects {
		step := r.scene.Steps()[e.step]
		outcome, err := enforce.ParseOutcome(r.results[e.step])
		c.Check(err, IsNil)
		comment := Commentf("step %d: %q under %q", e.step, step.Argv[1:], step.Profile)
		c.Check(outcome.String(), Equals, e.outcome, comment)
		// Files are created with mode 0666: a denial is AppArmor's.
		c.Check(len(r.results[e.step].Denials) > 0, Equals, e.outcome == "EACCES", comment)
		c.Logf("%s: %q: %s", step.Profile, step.Argv[1:], outcome)
	}
}

// reachScene probes, from both sides of a connection whose slot writes
// write, each of reachObjects, whose expected outcomes are outcomes.
func (s *semaphoreReachSuite) reachScene(c *C, name, write string, outcomes ...string) *reachScene {
	snaps, conn := reachSetup("consumer", "provider", write)
	r := &reachScene{scene: generate(c, name, s.programs, snaps, []system.Connection{conn})}
	for _, side := range []string{"consumer", "provider"} {
		for i, object := range reachObjects {
			r.addReach(side, object.name, object.uid, outcomes[i])
		}
		r.expect(r.scene.App(side, "app", "shm-create", "/sem.newob1"), "allowed")
		r.scene.Unconfined("", "/usr/bin/rm", "-f", "/dev/shm/sem.newob1")
	}
	return r
}

// The rule as the interface grants it, on both sides of a connection whose
// slot writes a semaphore: every operation on a same-owner sem. and 6
// letters or digits, whoever created it, and creating one; nothing else.
func (s *semaphoreReachSuite) semaphoreRule(c *C) *reachScene {
	return s.reachScene(c, "reach-semaphore-rule", "[sem.fastrtps_*]", "allowed", "EACCES", "EACCES", "EACCES", "EACCES", "EACCES")
}

func (s *semaphoreReachSuite) TestSemaphoreRule(c *C) { s.check(c, 0) }

// What a slot that writes "*" reaches, on both sides: every object directly
// in /dev/shm, whatever its name and owner.
func (s *semaphoreReachSuite) everyObject(c *C) *reachScene {
	return s.reachScene(c, "reach-every-object", `["*"]`, "allowed", "allowed", "allowed", "allowed", "allowed", "allowed")
}

func (s *semaphoreReachSuite) TestEveryObject(c *C) { s.check(c, 1) }

// Two snaps that share no connection, each the plug of its own slot that
// writes semaphores, talk through a name of the rule: one creates it and
// posts, the other waits.
func (s *semaphoreReachSuite) unconnected(c *C) *reachScene {
	snaps, conn := reachSetup("consumer", "provider", "[sem.fastrtps_*]")
	otherSnaps, otherConn := reachSetup("stranger", "elsewhere", "[sem.other_*]")
	r := &reachScene{scene: generate(c, "reach-unconnected", s.programs, append(snaps, otherSnaps...), []system.Connection{conn, otherConn})}
	r.expect(r.scene.App("consumer", "app", "sem-create", "/Chan01"), "EACCES")
	r.expect(r.scene.App("consumer", "app", "shm-create", "/sem.Chan01"), "allowed")
	r.expect(r.scene.App("stranger", "app", "shm-map", "/sem.Chan01"), "allowed")
	r.expect(r.scene.App("stranger", "app", "sem-post", "/Chan01"), "allowed")
	r.expect(r.scene.App("consumer", "app", "sem-wait", "/Chan01"), "allowed")
	r.expect(r.scene.App("stranger", "app", "shm-unlink", "/sem.Chan01"), "allowed")
	return r
}

func (s *semaphoreReachSuite) TestUnconnected(c *C) { s.check(c, 2) }

// Fewer permissions on the temporary name do not serve glibc: sem_open
// opens it O_RDWR|O_CREAT, and link(2) to the semaphore's name asks that the
// temporary grants all the name grants but "l".
func (s *semaphoreReachSuite) permissions(c *C, perms string) *reachScene {
	snaps, conn := reachSetup("consumer", "provider", "[sem.fastrtps_*]")
	profiles := generateProfiles(c, snaps, []system.Connection{conn}, func(text string) string {
		if !strings.Contains(text, temporaryRule) {
			return text
		}
		return replaceOnce(c, text, temporaryRule+"mrwk,", temporaryRule+perms+",")
	})
	scene, err := enforce.NewScene("reach-temporary-"+perms, s.programs, profiles, nil)
	c.Assert(err, IsNil)
	r := &reachScene{scene: scene}
	r.expect(scene.App("consumer", "app", "sem-create", "/fastrtps_x"), "EACCES")
	return r
}

func (s *semaphoreReachSuite) TestReadWriteIsNotEnough(c *C) { s.check(c, 3) }
func (s *semaphoreReachSuite) TestWriteIsNotEnough(c *C)     { s.check(c, 4) }

// The narrowest rules that serve glibc: "rw" on the temporary name, and the
// semaphore's name without "l" but with a link rule from the temporary
// name, which AppArmor checks without comparing permissions. glibc creates
// semaphores; the temporary rule no longer maps for execution nor locks
// directly, but the link rule moves any object it reaches to the
// semaphore's name, where it does both: the reach is the same.
func (s *semaphoreReachSuite) linkPair(c *C) *reachScene {
	snaps, conn := reachSetup("consumer", "provider", "[sem.fastrtps_*]")
	const declared = `"/{dev,run}/shm/sem.fastrtps_*" `
	temporaryName := strings.TrimSuffix(strings.TrimPrefix(temporaryRule, "owner "), " ")
	profiles := generateProfiles(c, snaps, []system.Connection{conn}, func(text string) string {
		if !strings.Contains(text, temporaryRule) {
			return text
		}
		text = replaceOnce(c, text, temporaryRule+"mrwk,", temporaryRule+"rw,")
		return replaceOnce(c, text, declared+"mrwlk,", declared+"mrwk,\nlink "+declared+"-> "+temporaryName+",")
	})
	scene, err := enforce.NewScene("reach-link-pair", s.programs, profiles, nil)
	c.Assert(err, IsNil)
	r := &reachScene{scene: scene}
	consumer := func(args ...string) int { return scene.App("consumer", "app", args...) }
	r.expect(consumer("sem-create", "/fastrtps_x"), "allowed")
	r.expect(consumer("sem-post", "/fastrtps_x"), "allowed")
	scene.Unconfined("", "shm-create", "/sem.mutex1")
	r.expect(consumer("shm-map", "/sem.mutex1"), "allowed")
	r.expect(consumer("shm-exec", "/sem.mutex1"), "EACCES")
	r.expect(consumer("shm-lock", "/sem.mutex1"), "EACCES")
	r.expect(consumer("link", "/dev/shm/sem.mutex1", "/dev/shm/sem.fastrtps_y"), "allowed")
	r.expect(consumer("shm-exec", "/sem.fastrtps_y"), "allowed")
	r.expect(consumer("shm-lock", "/sem.fastrtps_y"), "allowed")
	return r
}

func (s *semaphoreReachSuite) TestLinkPairNarrowsNothing(c *C) { s.check(c, 5) }

// sidesSetup is three connections: a slot whose "write" glob covers
// semaphores without starting with "sem.", one with a semaphore under
// "read", and one whose glob covers every semaphore.
func sidesSetup() system.Setup {
	globSnaps, globConn := reachSetup("consumer", "provider", `["*.lock"]`)
	readSnaps, readConn := reachSetup("reader", "announcer", "[frames]\n    read: [sem.ready]")
	everySnaps, everyConn := reachSetup("listener", "talker", `["se*"]`)
	return system.Setup{
		Snaps:       append(append(globSnaps, readSnaps...), everySnaps...),
		Connections: []system.Connection{globConn, readConn, everyConn},
	}
}

// The sides that get the rule: both, for a "write" glob that covers
// semaphores without starting with "sem."; only the slot's for a semaphore
// under "read", which the plug may only read. A glob that covers every
// semaphore matches glibc's temporary names itself: semaphores work
// without the rule.
func (s *semaphoreReachSuite) sides(c *C) *reachScene {
	scene, err := enforce.GenerateScene("reach-sides", s.programs, sidesSetup())
	c.Assert(err, IsNil)
	r := &reachScene{scene: scene}
	app := func(instance string, args ...string) int { return r.scene.App(instance, "app", args...) }
	r.expect(app("provider", "sem-create", "/a.lock"), "allowed")
	r.expect(app("consumer", "sem-create", "/b.lock"), "allowed")
	r.expect(app("consumer", "sem-post", "/a.lock"), "allowed")
	r.expect(app("announcer", "sem-create", "/ready"), "allowed")
	r.expect(app("reader", "sem-open", "/ready"), "EACCES")
	r.expect(app("reader", "shm-open", "/sem.ready", "ro"), "allowed")
	r.expect(app("reader", "shm-create", "/sem.Ab12Cd"), "EACCES")
	r.expect(app("announcer", "shm-create", "/sem.Ab12Cd"), "allowed")
	r.expect(app("talker", "sem-create", "/x"), "allowed")
	r.expect(app("listener", "sem-post", "/x"), "allowed")
	return r
}

func (s *semaphoreReachSuite) TestSides(c *C) { s.check(c, 6) }

// snapd 2.64's own shared-memory gives the same declarations no rule for
// the temporary names: glibc creates a semaphore only where a glob covers
// every one.
func (s *semaphoreReachSuite) sidesUpstream(c *C) *reachScene {
	setup := sidesSetup()
	setup.Registry = registry.Upstream()
	scene, err := enforce.GenerateScene("reach-sides-upstream", s.programs, setup)
	c.Assert(err, IsNil)
	r := &reachScene{scene: scene}
	r.expect(scene.App("provider", "app", "sem-create", "/a.lock"), "EACCES")
	r.expect(scene.App("consumer", "app", "sem-create", "/b.lock"), "EACCES")
	r.expect(scene.App("announcer", "app", "sem-create", "/ready"), "EACCES")
	r.expect(scene.App("talker", "app", "sem-create", "/x"), "allowed")
	return r
}

func (s *semaphoreReachSuite) TestSidesUpstream(c *C) { s.check(c, 7) }
