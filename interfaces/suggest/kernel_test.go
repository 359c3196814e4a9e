package suggest_test

import (
	"strings"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/suggest"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

// kernelSuite runs a Fast DDS-like pair and a browser-like snap under
// their profiles in the kernel, without shared-memory plugs or slots; the
// denials go to Suggest; then the same steps run with its suggestions.
type kernelSuite struct{}

var _ = Suite(&kernelSuite{})

const (
	talkerYAML   = "name: ros2-talker\nversion: 1\napps:\n  talker:\n    command: bin/probe\n"
	listenerYAML = "name: ros2-listener\nversion: 1\napps:\n  listener:\n    command: bin/probe\n"
	browserYAML  = "name: chromium\nversion: 1\napps:\n  chromium:\n    command: bin/probe\n"
)

// step is one probe run as a snap's app.
type step struct {
	instance, app string
	args          []string
}

// fastDDS creates segments and port files on both sides, opens the
// other's, and creates a semaphore; the browser creates its own objects.
var fastDDS = []step{
	{"ros2-talker", "talker", []string{"shm-create", "/fastrtps_4d6b9f0c2a1e7d35"}},
	{"ros2-talker", "talker", []string{"shm-create", "/fastrtps_port7411"}},
	{"ros2-listener", "listener", []string{"shm-create", "/fastrtps_e05a71b6c3d29f48"}},
	{"ros2-listener", "listener", []string{"shm-create", "/fastrtps_port7413"}},
	{"ros2-listener", "listener", []string{"shm-open", "/fastrtps_port7411", "rw"}},
	{"ros2-talker", "talker", []string{"shm-map", "/fastrtps_port7413"}},
	{"ros2-talker", "talker", []string{"sem-create", "/fastrtps_port7411_mutex"}},
	{"chromium", "chromium", []string{"shm-create", "/.org.chromium.Chromium.Zq8Pw1"}},
	{"chromium", "chromium", []string{"shm-create", "/.org.chromium.Chromium.b7TkLm"}},
}

// scene places the snaps of setup in a scene and adds the steps; it returns
// the indexes of the steps.
func scene(c *C, name string, programs enforce.Programs, setup system.Setup, steps []step) (*enforce.Scene, []int) {
	s, err := enforce.GenerateScene(name, programs, setup)
	c.Assert(err, IsNil)
	var indexes []int
	for _, st := range steps {
		indexes = append(indexes, s.App(st.instance, st.app, st.args...))
	}
	return s, indexes
}

// boot runs one scene in the kernel and returns its results.
func boot(c *C, s *enforce.Scene) []uml.Result {
	batch, err := s.Batch()
	c.Assert(err, IsNil)
	report, err := uml.Run([]uml.Batch{batch})
	c.Assert(err, IsNil, Commentf("the kernel tests need linux.uml (apt-get install user-mode-linux) and AppArmor enabled in it"))
	return report.Results[0]
}

// outcomes returns what the kernel let each step do, and the lines of the
// denials it logged for them.
func outcomes(c *C, results []uml.Result, indexes []int) (got []string, log string) {
	var lines []string
	for _, i := range indexes {
		outcome, err := enforce.ParseOutcome(results[i])
		c.Assert(err, IsNil)
		got = append(got, outcome.String())
		for _, d := range results[i].Denials {
			lines = append(lines, d.Line)
		}
	}
	return got, strings.Join(lines, "\n")
}

func (s *kernelSuite) TestSuggestionsInKernel(c *C) {
	programs, err := enforce.BuildPrograms(c.MkDir())
	c.Assert(err, IsNil, Commentf("the kernel tests need gcc, and the packages that building snap-update-ns needs"))
	bare := system.Setup{Snaps: []system.Snap{{YAML: []byte(talkerYAML)}, {YAML: []byte(listenerYAML)}, {YAML: []byte(browserYAML)}}}
	sc, indexes := scene(c, "bare", programs, bare, fastDDS)
	got, log := outcomes(c, boot(c, sc), indexes)
	c.Check(got, DeepEquals, []string{"EACCES", "EACCES", "EACCES", "EACCES", "ENOENT", "ENOENT", "EACCES", "EACCES", "EACCES"})

	// Each side's open of the other's objects fails before AppArmor is
	// asked, as they were never created: the log shows no object shared,
	// so the pair is named.
	unpaired, err := suggest.Suggest(log, suggest.Options{})
	c.Assert(err, IsNil)
	c.Check(unpaired.Connections, HasLen, 3)
	c.Check(unpaired.Snaps[1].Slots, HasLen, 0)
	result, err := suggest.Suggest(log, suggest.Options{Pairs: [][2]string{{"ros2-talker", "ros2-listener"}}})
	c.Assert(err, IsNil)
	c.Check(result.Snaps, DeepEquals, []suggest.Snap{{
		Instance: "chromium",
		Plugs:    map[string]map[string]interface{}{"shared-memory": {"private": true}},
		Apps:     []string{"chromium"},
	}, {
		Instance: "ros2-listener",
		Slots:    map[string]map[string]interface{}{"fastrtps": {"interface": "shared-memory", "shared-memory": "fastrtps", "write": []string{"fastrtps_*", "sem.fastrtps_*"}}},
		Apps:     []string{"listener"},
	}, {
		Instance: "ros2-talker",
		Plugs:    map[string]map[string]interface{}{"fastrtps": {"interface": "shared-memory", "shared-memory": "fastrtps"}},
		Apps:     []string{"talker"},
	}})
	c.Check(result.Connections, DeepEquals, []suggest.Connection{{"chromium", "shared-memory", "", "shared-memory"}, {"ros2-talker", "fastrtps", "ros2-listener", "fastrtps"}})
	// The semaphore's creation fails at glibc's temporary name, which the
	// log holds instead of its own: sem.fastrtps_* stands for it.
	c.Check(result.Undeclarable, HasLen, 0)

	// With the suggestions, the same steps run without a denial; a
	// segment and a semaphore outside the patterns, and the browser's
	// objects seen from another snap, are still out of reach.
	steps := append([]step{}, fastDDS...)
	steps = append(steps,
		step{"ros2-talker", "talker", []string{"shm-create", "/other_4d6b9f0c2a1e7d35"}},
		step{"ros2-talker", "talker", []string{"sem-create", "/other_mutex"}},
		step{"ros2-listener", "listener", []string{"exists", "/dev/shm/.org.chromium.Chromium.Zq8Pw1"}},
		step{"ros2-listener", "listener", []string{"open", "/dev/shm/snap.chromium/.org.chromium.Chromium.Zq8Pw1", "ro"}},
	)
	sc, indexes = scene(c, "suggested", programs, result.Setup(), steps)
	results := boot(c, sc)
	c.Assert(sc.CheckSetUp(results), IsNil)
	got, log = outcomes(c, results, indexes[:9])
	c.Check(got, DeepEquals, []string{"allowed", "allowed", "allowed", "allowed", "allowed", "allowed", "allowed", "allowed", "allowed"})
	c.Check(log, Equals, "")
	got, log = outcomes(c, results, indexes[9:])
	c.Check(got, DeepEquals, []string{"EACCES", "EACCES", "ENOENT", "EACCES"})
	c.Check(log, Matches, `(?s)apparmor="DENIED" operation="mknod" [^\n]*name="/dev/shm/other_4d6b9f0c2a1e7d35".*\n`+
		`apparmor="DENIED" operation="link" [^\n]*name="/dev/shm/sem.other_mutex".*\n`+
		`apparmor="DENIED" operation="open" [^\n]*name="/dev/shm/snap.chromium/.org.chromium.Chromium.Zq8Pw1".*`)
}
