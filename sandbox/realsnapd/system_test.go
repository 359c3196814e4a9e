package realsnapd_test

import (
	"strings"
	"testing"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/sandbox/realsnapd"
)

func Test(t *testing.T) { TestingT(t) }

type systemSuite struct{}

var _ = Suite(&systemSuite{})

// connectScript installs the two test snaps, connects them and runs both
// apps through snap-confine: the slot's app writes the shared object, the
// plug's app reads it, as root and as the ordinary user, and is denied an
// object the slot does not name.
const connectScript = `set -ex
for snap in shm-slot shm-plug; do
	snap pack $snap /tmp/
	snap install --dangerous /tmp/${snap}_1.0_all.snap
done
snap connect shm-plug:frames shm-slot:frames
snap connections shm-plug
shm-slot.cmd sh -c 'echo frame-1 >/dev/shm/frames && chmod 644 /dev/shm/frames'
shm-plug.cmd cat /dev/shm/frames
runuser -u test -- shm-plug.cmd cat /dev/shm/frames
if shm-plug.cmd sh -c 'echo stolen >/dev/shm/other-frames'; then
	echo "the plug wrote an object the slot does not name"
	exit 1
fi
`

func (s *systemSuite) TestInstallConnectRunDeny(c *C) {
	src, err := realsnapd.ModuleSource()
	c.Assert(err, IsNil)
	tools, err := realsnapd.Build(src)
	c.Assert(err, IsNil)
	report, err := realsnapd.Boot(realsnapd.Options{
		Tools:     tools,
		Scenarios: []realsnapd.Scenario{{Name: "connect", Script: connectScript, Dir: "testdata"}},
	})
	c.Assert(err, IsNil)
	c.Logf("kernel %s, confinement %s, phases %v", report.Kernel, report.Confinement, report.Phases)
	c.Assert(report.Results, HasLen, 1)
	result := report.Results[0]
	c.Assert(result.Exit, Equals, 0, Commentf("output:\n%s\nsnapd:\n%s", result.Output, report.SnapdLog))
	c.Check(strings.Count(result.Output, "frame-1\n"), Equals, 2, Commentf("%s", result.Output))
	c.Check(result.Output, Matches, `(?s).*shared-memory +shm-plug:frames +shm-slot:frames +manual.*`)
	c.Check(result.Changes, Matches, `(?s).*Connect shm-plug:frames to shm-slot:frames.*`)
	c.Check(result.Profiles["snap.shm-plug.cmd"], Matches, `(?s).*\n"/\{dev,run\}/shm/frames" mrwlk,\n.*`)

	var denied []string
	for _, d := range result.Denials {
		if d.Profile == "snap.shm-plug.cmd" {
			denied = append(denied, d.Name)
		}
	}
	c.Check(denied, DeepEquals, []string{"/dev/shm/other-frames"}, Commentf("%v", result.Denials))
}
