package enforce_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

func Test(t *testing.T) { TestingT(t) }

// kernelSuite runs every scenario in one boot of the kernel, in
// SetUpSuite; each test then reads its scenario's results.
type kernelSuite struct {
	scenarios map[string]*scenario
	// comparisons are scenario 5's: ours and snapd's own shared-memory.
	comparisons []*comparison
	report      *uml.Report
}

var _ = Suite(&kernelSuite{})

// scenario is a scene and what the kernel must decide for its steps.
type scenario struct {
	scene   *enforce.Scene
	expects []expect
	results []uml.Result
}

// expect is the outcome a step must have: "allowed", or an errno. A
// denial names the operation the kernel must log for it.
type expect struct {
	step     int
	outcome  string
	denialOp string
}

func (sc *scenario) allow(step int) {
	sc.expects = append(sc.expects, expect{step: step, outcome: "allowed"})
}

// deny expects the kernel to refuse the step with EACCES and log op.
func (sc *scenario) deny(step int, op string) {
	sc.expects = append(sc.expects, expect{step: step, outcome: "EACCES", denialOp: op})
}

// fail expects errno without an AppArmor denial, e.g. ENOENT for an
// object that is not there.
func (sc *scenario) fail(step int, errno string) {
	sc.expects = append(sc.expects, expect{step: step, outcome: errno})
}

func exampleYAML(c *C, name string) []byte {
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	c.Assert(err, IsNil)
	return data
}

// renamed returns an example's snap.yaml with the snap named name.
func renamed(c *C, example, name string) []byte {
	data := exampleYAML(c, example)
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	c.Assert(bytes.HasPrefix(first, []byte("name: ")), Equals, true)
	return append([]byte("name: "+name+"\n"), rest...)
}

func (s *kernelSuite) SetUpSuite(c *C) {
	programs, err := enforce.BuildPrograms(c.MkDir())
	c.Assert(err, IsNil, Commentf("the kernel tests need gcc, and what building snap-update-ns needs"))
	s.scenarios = map[string]*scenario{
		"reference":         referenceScenario(c, programs),
		"wildcard":          wildcardScenario(c, programs),
		"template":          templateScenario(c, programs),
		"private":           privateScenario(c, programs),
		"update-ns":         updateNSScenario(c, programs),
		"python":            pythonScenario(c, programs),
		"semaphore":         semaphoreScenario(c, programs),
		"spread-semaphores": spreadSemaphoresScenario(c, programs),
	}
	names := []string{"reference", "wildcard", "template", "private", "update-ns", "python", "semaphore", "spread-semaphores"}
	var scenes []*enforce.Scene
	for _, name := range names {
		scenes = append(scenes, s.scenarios[name].scene)
	}
	s.comparisons = comparisons(c, programs)
	for _, cmp := range s.comparisons {
		scenes = append(scenes, cmp.ours.Scene(), cmp.upstream.Scene())
	}
	s.report = runScenes(c, scenes)
	for i, name := range names {
		s.scenarios[name].results = s.report.Results[i]
	}
	for i, cmp := range s.comparisons {
		cmp.oursResults = s.report.Results[len(names)+2*i]
		cmp.upstreamResults = s.report.Results[len(names)+2*i+1]
	}
}

// runScenes runs scenes in one boot of the kernel; the report's Results[i]
// are those of scenes[i].
func runScenes(c *C, scenes []*enforce.Scene) *uml.Report {
	var batches []uml.Batch
	for _, scene := range scenes {
		batch, err := scene.Batch()
		c.Assert(err, IsNil)
		batches = append(batches, batch)
	}
	report, err := uml.Run(batches)
	c.Assert(err, IsNil, Commentf("the kernel tests need linux.uml (apt-get install user-mode-linux) and AppArmor enabled in it"))
	return report
}

// check asserts every expectation of a scenario, and that the scene's
// mount namespaces were set up.
func (s *kernelSuite) check(c *C, name string) {
	sc := s.scenarios[name]
	c.Check(sc.scene.CheckSetUp(sc.results), IsNil)
	for _, e := range sc.expects {
		result := sc.results[e.step]
		step := sc.scene.Steps()[e.step]
		comment := Commentf("%s step %d: %q under %q", name, e.step, step.Argv[1:], step.Profile)
		outcome, err := enforce.ParseOutcome(result)
		c.Check(err, IsNil, comment)
		c.Check(outcome.String(), Equals, e.outcome, comment)
		if e.denialOp == "" {
			c.Check(result.Denials, HasLen, 0, comment)
			continue
		}
		found := false
		for _, d := range result.Denials {
			found = found || (d.Operation == e.denialOp && d.Profile == step.Profile)
		}
		c.Check(found, Equals, true, Commentf("%s step %d: no %q denial by %q in %v", name, e.step, e.denialOp, step.Profile, result.Denials))
	}
}

func generate(c *C, name string, programs enforce.Programs, snaps []system.Snap, conns []system.Connection) *enforce.Scene {
	scene, err := enforce.GenerateScene(name, programs, system.Setup{Snaps: snaps, Connections: conns})
	c.Assert(err, IsNil)
	return scene
}

// The reference example: the consumer reads and writes students and only
// reads teachers; the provider reads and writes both.
func referenceScenario(c *C, programs enforce.Programs) *scenario {
	sc := &scenario{scene: generate(c, "reference", programs,
		[]system.Snap{{YAML: exampleYAML(c, "reference/consumer.yaml")}, {YAML: exampleYAML(c, "reference/provider.yaml")}},
		[]system.Connection{{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "shmem"}})}
	scene := sc.scene
	for _, name := range []string{"/students", "/teachers", "/other"} {
		sc.allow(scene.Unconfined("", "shm-create", name))
	}
	consumer := func(args ...string) int { return scene.App("consumer", "client", args...) }
	sc.allow(consumer("shm-open", "/students", "rw"))
	sc.allow(consumer("shm-map", "/students"))
	sc.allow(consumer("shm-lock", "/students"))
	sc.allow(consumer("shm-open", "/teachers", "ro"))
	sc.deny(consumer("shm-open", "/teachers", "rw"), "open")
	sc.deny(consumer("shm-map", "/teachers"), "open")
	sc.deny(consumer("shm-lock", "/teachers"), "open")
	sc.deny(consumer("shm-unlink", "/teachers"), "unlink")
	sc.deny(consumer("shm-open", "/other", "ro"), "open")
	sc.deny(consumer("shm-create", "/another"), "mknod")
	provider := func(args ...string) int { return scene.App("provider", "server", args...) }
	sc.allow(provider("shm-map", "/students"))
	sc.allow(provider("shm-map", "/teachers"))
	sc.allow(provider("shm-lock", "/teachers"))
	sc.deny(provider("shm-open", "/other", "ro"), "open")
	sc.allow(consumer("shm-unlink", "/students"))
	// A writable name cannot become an alias of a read-only object:
	// AppArmor checks that the link's target grants what the name does.
	sc.deny(consumer("link", "/dev/shm/teachers", "/dev/shm/students"), "link")
	sc.deny(consumer("link", "/dev/shm/teachers", "/dev/shm/another"), "link")
	sc.allow(provider("shm-create", "/students"))
	return sc
}

func (s *kernelSuite) TestReference(c *C) { s.check(c, "reference") }

// A slot with globs: matching names only, directly in /dev/shm.
func wildcardScenario(c *C, programs enforce.Programs) *scenario {
	sc := &scenario{scene: generate(c, "wildcard", programs,
		[]system.Snap{{YAML: exampleYAML(c, "wildcard/consumer.yaml")}, {YAML: exampleYAML(c, "wildcard/provider.yaml")}},
		[]system.Connection{{PlugSnap: "viewer", Plug: "frames", SlotSnap: "sensors", Slot: "frames"}})}
	scene := sc.scene
	for _, name := range []string{"/frame-1", "/control", "/stats.cpu", "/framex", "/snap.sensors.private"} {
		sc.allow(scene.Unconfined("", "shm-create", name))
	}
	sc.allow(scene.Unconfined("", "mkdir", "/dev/shm/frame-dir"))
	sc.allow(scene.Unconfined("", "open", "/dev/shm/frame-dir/inner", "create"))
	viewer := func(args ...string) int { return scene.App("viewer", "viewer", args...) }
	sc.allow(viewer("shm-map", "/frame-1"))
	sc.allow(viewer("shm-create", "/frame-2"))
	sc.allow(viewer("shm-map", "/control"))
	sc.allow(viewer("shm-open", "/stats.cpu", "ro"))
	sc.deny(viewer("shm-open", "/stats.cpu", "rw"), "open")
	sc.deny(viewer("shm-open", "/framex", "ro"), "open")
	sc.deny(viewer("shm-create", "/controls"), "mknod")
	sc.deny(viewer("open", "/dev/shm/frame-dir/inner", "ro"), "open")
	sc.deny(viewer("open", "/dev/shm/frame-dir/new", "create"), "mknod")
	sc.deny(viewer("shm-open", "/snap.sensors.private", "ro"), "open")
	sc.allow(scene.App("sensors", "daemon", "shm-map", "/snap.sensors.private"))
	return sc
}

func (s *kernelSuite) TestWildcard(c *C) { s.check(c, "wildcard") }

// A snap with no connection: the template's own snap.<instance>.* objects
// only.
func templateScenario(c *C, programs enforce.Programs) *scenario {
	sc := &scenario{scene: generate(c, "template", programs, []system.Snap{{YAML: exampleYAML(c, "wildcard/consumer.yaml")}}, nil)}
	scene := sc.scene
	sc.allow(scene.Unconfined("", "shm-create", "/snap.other.x"))
	sc.allow(scene.Unconfined("", "shm-create", "/shared"))
	sc.allow(scene.Unconfined("", "sem-create", "/snap.viewer.existing"))
	viewer := func(args ...string) int { return scene.App("viewer", "viewer", args...) }
	sc.allow(viewer("shm-create", "/snap.viewer.own"))
	sc.allow(viewer("shm-map", "/snap.viewer.own"))
	sc.allow(viewer("shm-lock", "/snap.viewer.own"))
	sc.allow(viewer("mkdir", "/dev/shm/snap.viewer.dir"))
	sc.allow(viewer("open", "/dev/shm/snap.viewer.dir/inner", "create"))
	sc.allow(viewer("shm-unlink", "/snap.viewer.own"))
	sc.deny(viewer("shm-open", "/snap.other.x", "ro"), "open")
	sc.deny(viewer("shm-open", "/shared", "ro"), "open")
	sc.deny(viewer("shm-create", "/viewer"), "mknod")
	// The template's semaphore rule lets the snap open its own semaphore,
	// but glibc cannot create one: it creates a temporary sem.XXXXXX first.
	sc.allow(viewer("sem-open", "/snap.viewer.existing"))
	sc.allow(viewer("sem-post", "/snap.viewer.existing"))
	sc.deny(viewer("sem-create", "/snap.viewer.x"), "mknod")
	return sc
}

func (s *kernelSuite) TestTemplate(c *C) { s.check(c, "template") }

// Private /dev/shm: two snaps and two instances of one, each in its own
// mount namespace set up by snapd's snap-update-ns.
func privateScenario(c *C, programs enforce.Programs) *scenario {
	core := system.Snap{YAML: exampleYAML(c, "private/core.yaml")}
	conn := func(instance string) system.Connection {
		return system.Connection{PlugSnap: instance, Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"}
	}
	sc := &scenario{scene: generate(c, "private", programs, []system.Snap{
		{YAML: exampleYAML(c, "private/consumer.yaml")},
		{YAML: exampleYAML(c, "private/consumer.yaml"), InstanceKey: "foo"},
		{YAML: renamed(c, "private/consumer.yaml", "notepad")},
		core,
	}, []system.Connection{conn("scratchpad"), conn("scratchpad_foo"), conn("notepad")})}
	scene := sc.scene
	sc.allow(scene.Unconfined("", "shm-create", "/host-object"))
	app := func(instance string, args ...string) int { return scene.App(instance, "worker", args...) }
	sc.allow(app("scratchpad", "shm-create", "/mine"))
	sc.allow(app("scratchpad", "shm-map", "/mine"))
	sc.fail(app("scratchpad", "shm-open", "/host-object", "ro"), "ENOENT")
	sc.allow(app("scratchpad", "mkdir", "/dev/shm/sub"))
	sc.allow(app("scratchpad", "open", "/dev/shm/sub/inner", "create"))
	sc.allow(app("scratchpad", "link", "/dev/shm/sub/inner", "/dev/shm/inner-link"))
	sc.allow(app("scratchpad", "sem-create", "/lock"))
	sc.allow(app("scratchpad", "sem-post", "/lock"))
	sc.allow(app("scratchpad", "sem-wait", "/lock"))
	// The app cannot mount anything itself, nor leave its /dev/shm.
	sc.deny(app("scratchpad", "bind", "/dev/shm/sub", "/dev/shm"), "mount")
	// Where the objects landed, seen from the initial namespace.
	for _, path := range []string{"/dev/shm/snap.scratchpad/mine", "/dev/shm/snap.scratchpad/sub/inner", "/dev/shm/snap.scratchpad/sem.lock"} {
		sc.allow(scene.Unconfined("", "exists", path))
	}
	sc.fail(scene.Unconfined("", "exists", "/dev/shm/mine"), "ENOENT")
	sc.fail(app("scratchpad_foo", "shm-open", "/mine", "ro"), "ENOENT")
	sc.fail(app("notepad", "shm-open", "/mine", "ro"), "ENOENT")
	sc.allow(app("scratchpad_foo", "shm-create", "/mine"))
	sc.allow(scene.Unconfined("", "exists", "/dev/shm/snap.scratchpad_foo/mine"))
	sc.fail(app("notepad", "exists", "/dev/shm/snap.scratchpad"), "ENOENT")
	return sc
}

func (s *kernelSuite) TestPrivate(c *C) { s.check(c, "private") }

// snap-update-ns may do the private bind and nothing else: the probe tries
// other binds under its profile, once snapd's snap-update-ns has made the
// private /dev/shm.
func updateNSScenario(c *C, programs enforce.Programs) *scenario {
	sc := &scenario{scene: generate(c, "update-ns", programs,
		[]system.Snap{{YAML: exampleYAML(c, "private/consumer.yaml")}, {YAML: exampleYAML(c, "private/core.yaml")}},
		[]system.Connection{{PlugSnap: "scratchpad", Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"}})}
	scene := sc.scene
	scene.SetUp("scratchpad")
	sc.allow(scene.Unconfined("", "mkdir", "/dev/shm/snap.other"))
	updateNS := func(namespace string, args ...string) int {
		return scene.UpdateNS("scratchpad", namespace, args...)
	}
	sc.deny(updateNS("update-ns.other", "bind", "/dev/shm/snap.other", "/dev/shm"), "mount")
	sc.deny(updateNS("update-ns.tmp", "bind", "/tmp", "/dev/shm"), "mount")
	sc.deny(updateNS("update-ns.elsewhere", "bind", "/dev/shm/snap.scratchpad", "/tmp"), "mount")
	sc.allow(updateNS("update-ns.again", "bind", "/dev/shm/snap.scratchpad", "/dev/shm"))
	return sc
}

func (s *kernelSuite) TestUpdateNS(c *C) { s.check(c, "update-ns") }

// mpLock takes a multiprocessing lock in one process and waits for it in
// another; it prints "ok", or the errno that stopped it.
const mpLock = `import errno, multiprocessing, sys
try:
    lock = multiprocessing.Lock()
except OSError as e:
    print(errno.errorcode[e.errno])
    sys.exit(1)
lock.acquire()
def child():
    lock.acquire()
    lock.release()
p = multiprocessing.Process(target=child)
p.start()
lock.release()
p.join()
print("ok" if p.exitcode == 0 else "ECHILD")
sys.exit(p.exitcode != 0)
`

// Python's multiprocessing locks are glibc semaphores with names of its
// own: a private /dev/shm covers them, the template alone does not.
func pythonScenario(c *C, programs enforce.Programs) *scenario {
	sc := &scenario{scene: generate(c, "python", programs, []system.Snap{
		{YAML: exampleYAML(c, "private/consumer.yaml")},
		{YAML: exampleYAML(c, "private/core.yaml")},
		{YAML: exampleYAML(c, "wildcard/consumer.yaml")},
	}, []system.Connection{{PlugSnap: "scratchpad", Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"}})}
	sc.allow(sc.scene.Exec("scratchpad", "worker", "/usr/bin/python3", "-c", mpLock))
	sc.deny(sc.scene.Exec("viewer", "viewer", "/usr/bin/python3", "-c", mpLock), "mknod")
	return sc
}

func (s *kernelSuite) TestPython(c *C) { s.check(c, "python") }

// Semaphores between snaps, Fast DDS style: glibc creates each one under a
// temporary name, which the slot's "sem." write names bring a rule for.
func semaphoreScenario(c *C, programs enforce.Programs) *scenario {
	sc := &scenario{scene: generate(c, "semaphore", programs, []system.Snap{
		{YAML: []byte(comparisonConsumerYAML)},
		{YAML: []byte(fmt.Sprintf(comparisonProviderYAML, "    write: [fastrtps_*, sem.fastrtps_*]"))},
	}, []system.Connection{{PlugSnap: "consumer", Plug: "shmem", SlotSnap: "provider", Slot: "shmem"}})}
	scene := sc.scene
	consumer := func(args ...string) int { return scene.App("consumer", "app", args...) }
	provider := func(args ...string) int { return scene.App("provider", "app", args...) }
	// The provider creates the semaphore, the consumer opens it; a post
	// in one process is a wait in the other.
	sc.allow(provider("sem-create", "/fastrtps_port7411"))
	sc.allow(consumer("sem-open", "/fastrtps_port7411"))
	sc.allow(consumer("sem-post", "/fastrtps_port7411"))
	sc.allow(provider("sem-wait", "/fastrtps_port7411"))
	sc.allow(provider("sem-post", "/fastrtps_port7411"))
	sc.allow(consumer("sem-wait", "/fastrtps_port7411"))
	sc.allow(consumer("sem-unlink", "/fastrtps_port7411"))
	sc.fail(provider("sem-open", "/fastrtps_port7411"), "ENOENT")
	// The other way round, with the consumer waiting while the provider
	// posts.
	sc.allow(consumer("sem-create", "/fastrtps_port7412"))
	sc.allow(scene.Background(consumer("sem-wait", "/fastrtps_port7412")))
	// Not a timing assertion: it only gives the waiter time to block first.
	scene.Unconfined("", "/usr/bin/sleep", "1")
	sc.allow(provider("sem-post", "/fastrtps_port7412"))
	sc.allow(consumer("sem-create", "/fastrtps_port7413"))
	sc.allow(provider("sem-unlink", "/fastrtps_port7413"))
	sc.fail(consumer("sem-open", "/fastrtps_port7413"), "ENOENT")
	// The temporary rule opens nothing else: not another snap's semaphore,
	// not an object that is not a semaphore, not a temporary name of
	// another user, not 5 or 7 characters.
	sc.allow(scene.Unconfined("", "sem-create", "/snap.other.x"))
	sc.deny(consumer("sem-open", "/snap.other.x"), "open")
	sc.deny(consumer("sem-create", "/snap.other.y"), "link")
	sc.allow(scene.Unconfined("", "shm-create", "/Ab12Cd"))
	sc.deny(consumer("shm-open", "/Ab12Cd", "rw"), "open")
	sc.allow(scene.Add(uml.Step{Argv: []string{enforce.UpdateNSPath, "sem-create", "/Xy34Zw"}, UID: 1000}))
	sc.deny(consumer("sem-open", "/Xy34Zw"), "open")
	sc.deny(consumer("shm-create", "/sem.abcde"), "mknod")
	sc.deny(consumer("shm-create", "/sem.abcdefg"), "mknod")
	// What it does let through: a 6-character semaphore of the same user.
	sc.allow(scene.Unconfined("", "sem-create", "/Zz99Zz"))
	sc.allow(consumer("sem-open", "/Zz99Zz"))
	return sc
}

func (s *kernelSuite) TestSemaphore(c *C) { s.check(c, "semaphore") }

// The snaps of upstream's spread test interfaces-shared-memory-semaphores, as
// far as the interface sees them: one semaphore named, and no "*".
const spreadSemaphoreSlotYAML = `name: shm-sem-slot
version: "1.0"
apps:
  sem:
    command: bin/sem
    slots: [shmem]
slots:
  shmem:
    interface: shared-memory
    write: [sem.shm-sem-demo]
`

const spreadSemaphorePlugYAML = `name: shm-sem-plug
version: "1.0"
apps:
  sem:
    command: bin/sem
    plugs: [shmem]
plugs:
  shmem:
    interface: shared-memory
`

// spreadSemaphoresScenario runs the steps of that spread test's execute.
func spreadSemaphoresScenario(c *C, programs enforce.Programs) *scenario {
	sc := &scenario{scene: generate(c, "spread-semaphores", programs, []system.Snap{
		{YAML: []byte(spreadSemaphoreSlotYAML)},
		{YAML: []byte(spreadSemaphorePlugYAML)},
	}, []system.Connection{{PlugSnap: "shm-sem-plug", Plug: "shmem", SlotSnap: "shm-sem-slot", Slot: "shmem"}})}
	plug := func(args ...string) int { return sc.scene.App("shm-sem-plug", "sem", args...) }
	slot := func(args ...string) int { return sc.scene.App("shm-sem-slot", "sem", args...) }
	sc.allow(slot("sem-create", "/shm-sem-demo"))
	sc.allow(plug("sem-post", "/shm-sem-demo"))
	sc.allow(slot("sem-wait", "/shm-sem-demo"))
	sc.allow(slot("sem-unlink", "/shm-sem-demo"))
	sc.allow(plug("sem-create", "/shm-sem-demo"))
	sc.allow(slot("sem-post", "/shm-sem-demo"))
	sc.allow(plug("sem-wait", "/shm-sem-demo"))
	sc.allow(plug("sem-unlink", "/shm-sem-demo"))
	sc.deny(plug("sem-create", "/shm-sem-other"), "link")
	sc.deny(slot("sem-create", "/shm-sem-other"), "link")
	return sc
}

func (s *kernelSuite) TestSpreadSemaphores(c *C) { s.check(c, "spread-semaphores") }

func (s *kernelSuite) TestKernel(c *C) {
	c.Check(s.report.Kernel, Matches, `6\.1\..*`)
	fmt.Fprintf(os.Stderr, "kernel %s: %d denials\n", s.report.Kernel, len(s.report.Denials))
}

// comparison probes one declaration with our shared-memory and with snapd
// 2.64's own.
type comparison struct {
	summary                      string
	ours, upstream               *enforce.AccessProbe
	oursResults, upstreamResults []uml.Result
	// semCreate is, for a declaration with semaphores, the step in
	// upstream's scene where the consumer creates one.
	semCreate int
}

const comparisonConsumerYAML = `name: consumer
version: "1.0"
apps:
  app:
    command: bin/app
    plugs: [shmem]
plugs:
  shmem:
    interface: shared-memory
    shared-memory: ipc
`

const comparisonProviderYAML = `name: provider
version: "1.0"
apps:
  app:
    command: bin/app
    slots: [shmem]
slots:
  shmem:
    interface: shared-memory
    shared-memory: ipc
%s
`

// comparisons are the declarations that snapd 2.64 and ours both accept in
// interfaces/builtin's tests of the two against each other, and a Fast DDS
// slot, with semaphores.
func comparisons(c *C, programs enforce.Programs) []*comparison {
	slotDeclarations := []struct{ summary, attrs string }{
		{"reference", "    write: [students]\n    read: [teachers]"},
		{"wildcards", `    write: ["frame-*", "*.lock", "*"]` + "\n" + `    read: ["stats.*", "a*b*c"]`},
		{"odd but valid names", `    write: ["a b", "$x", "#", "a,b", "(x)|y", "é"]`},
		{"same name twice", "    write: [a, a]\n    read: [a]"},
		{"fast dds", "    write: [fastrtps_*, sem.fastrtps_*]"},
	}
	var cmps []*comparison
	probeBoth := func(summary string, snaps []system.Snap, conn system.Connection) *comparison {
		cmp := &comparison{summary: summary, semCreate: -1}
		var err error
		cmp.ours, err = enforce.NewAccessProbe("ours-"+summary, programs, system.Setup{Snaps: snaps, Registry: registry.Ours()}, conn)
		c.Assert(err, IsNil, Commentf(summary))
		cmp.upstream, err = enforce.NewAccessProbe("upstream-"+summary, programs, system.Setup{Snaps: snaps, Registry: registry.Upstream()}, conn)
		c.Assert(err, IsNil, Commentf(summary))
		cmps = append(cmps, cmp)
		return cmp
	}
	conn := system.Connection{PlugSnap: "consumer", Plug: "shmem", SlotSnap: "provider", Slot: "shmem"}
	for _, d := range slotDeclarations {
		cmp := probeBoth(d.summary, []system.Snap{
			{YAML: []byte(comparisonConsumerYAML)},
			{YAML: []byte(fmt.Sprintf(comparisonProviderYAML, d.attrs))},
		}, conn)
		if d.summary == "fast dds" {
			cmp.semCreate = cmp.upstream.Scene().App("consumer", "app", "sem-create", "/fastrtps_port7411")
		}
	}
	probeBoth("private", []system.Snap{
		{YAML: exampleYAML(c, "private/consumer.yaml")},
		{YAML: exampleYAML(c, "private/core.yaml")},
	}, system.Connection{PlugSnap: "scratchpad", Plug: "shared-memory", SlotSnap: "core", Slot: "shared-memory"})
	return cmps
}

// Scenario 5: the kernel makes the same decisions under snapd 2.64's rules
// and ours, for every declaration both accept.
func (s *kernelSuite) TestSameDecisionsAsSnapd(c *C) {
	for _, cmp := range s.comparisons {
		ours, err := cmp.ours.Table(s.report.Kernel, cmp.oursResults)
		c.Assert(err, IsNil, Commentf(cmp.summary))
		theirs, err := cmp.upstream.Table(s.report.Kernel, cmp.upstreamResults)
		c.Assert(err, IsNil, Commentf(cmp.summary))
		semaphoreRuleDifference(c, cmp.summary, ours, theirs)
		c.Check(ours, DeepEquals, theirs, Commentf(cmp.summary))
		c.Check(len(ours.Rows) > 0, Equals, true)
		denied := 0
		for _, row := range ours.Rows {
			if !row.Plug.OpenRead.Allowed {
				denied++
			}
		}
		// Every table has an object the plug may not read, except a bare
		// "*" slot's and a private plug's.
		if cmp.summary != "wildcards" && cmp.summary != "private" {
			c.Check(denied > 0, Equals, true, Commentf("%s: %+v", cmp.summary, ours.Rows))
		}
	}
}

// semaphoreRuleDifference checks the one deliberate difference in what the
// kernel allows: where the slot writes semaphores, glibc can create one on
// both sides with our rules and on neither with snapd's. It then makes
// ours like theirs there, for the comparison of the rest.
func semaphoreRuleDifference(c *C, summary string, ours, theirs *enforce.Table) {
	for r := range ours.Rows {
		row, theirRow := &ours.Rows[r], &theirs.Rows[r]
		sides := []struct{ ours, theirs *enforce.Access }{{&row.Plug, &theirRow.Plug}}
		if row.Slot != nil && theirRow.Slot != nil {
			sides = append(sides, struct{ ours, theirs *enforce.Access }{row.Slot, theirRow.Slot})
		}
		for _, side := range sides {
			if side.ours.SemCreate == nil || side.theirs.SemCreate == nil {
				continue
			}
			comment := Commentf("%s: %q", summary, row.Sample)
			if row.Matches && strings.HasPrefix(row.Name, "sem.") && strings.Contains(row.List, "write") {
				c.Check(*side.ours.SemCreate, Equals, enforce.Outcome{Allowed: true}, comment)
				c.Check(*side.theirs.SemCreate, Equals, enforce.Outcome{Errno: "EACCES"}, comment)
				side.ours.SemCreate = side.theirs.SemCreate
			}
		}
	}
}

// A known gap of snapd 2.64's rules: a slot that declares Fast DDS's
// semaphores does not let the consumer create one, because glibc's
// sem_open creates a temporary sem.XXXXXX that no rule names.
func (s *kernelSuite) TestSnapdSemaphoreGap(c *C) {
	var cmp *comparison
	for _, candidate := range s.comparisons {
		if candidate.semCreate >= 0 {
			cmp = candidate
		}
	}
	c.Assert(cmp, NotNil)
	result := cmp.upstreamResults[cmp.semCreate]
	outcome, err := enforce.ParseOutcome(result)
	c.Assert(err, IsNil)
	c.Check(outcome.String(), Equals, "EACCES")
	c.Assert(result.Denials, HasLen, 1)
	d := result.Denials[0]
	c.Check(d.Operation, Equals, "mknod")
	c.Check(d.Profile, Equals, "snap.consumer.app")
	c.Check(d.Name, Matches, `/dev/shm/sem\.[A-Za-z0-9]{6}`)
}
