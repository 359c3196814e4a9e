package denial_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	check "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/sandbox/denial"
)

// libapparmorParse reads each line with libapparmor's own record parser,
// the one behind aa-logprof, through Debian's python3-libapparmor, and
// prints its reading as one JSON object a line.
const libapparmorParse = `
import json, sys
import LibAppArmor as aa
verdicts = {aa.AA_RECORD_DENIED: "DENIED", aa.AA_RECORD_ALLOWED: "ALLOWED", aa.AA_RECORD_AUDIT: "AUDIT"}
for line in sys.stdin.read().split("\n"):
    r = aa.parse_record(line)
    print(json.dumps({"valid": r.event != aa.AA_RECORD_INVALID, "verdict": verdicts.get(r.event, ""),
        "operation": r.operation or "", "profile": r.profile or "", "name": r.name or "",
        "requested_mask": r.requested_mask or "", "denied_mask": r.denied_mask or "", "namespace": r.namespace or ""}))
    aa.free_record(r)
`

type libapparmorRecord struct {
	Valid                                                                   bool
	Verdict, Operation, Profile, Name, RequestedMask, DeniedMask, Namespace string
}

// differentialLines are records the test logs hold and others made to
// differ: cut short, hex-encoded, of a child profile, in the older mask
// form, of another namespace, not of a file.
var differentialLines = []string{
	`type=AVC msg=audit(1701.1:1): apparmor="DENIED" operation="open" profile="snap.a.b" name="/dev/shm/fastrtps_por`,
	`type=AVC msg=audit(1701.1:1): apparmor="DENIED" operation="open" profile="snap.a.b" name="/dev/shm/x" pid=1 comm="b" requested_mask="w`,
	`type=AVC msg=audit(1701.1:1): apparmor="DENIED" operation="open" profile="snap.a.b//null-/usr/bin/x" name=2F6465762F73686D2F610A62 pid=1 comm="x" requested_mask="r::" denied_mask="r::" fsuid=0 ouid=0`,
	`type=AVC msg=audit(1701.1:1): apparmor="ALLOWED" operation="open" namespace="root//lxd-c1_<var-snap-lxd-common-lxd>" profile="snap.a.b" name="/dev/shm/x" pid=1 comm="b" requested_mask="m" denied_mask="m" fsuid=0 ouid=0`,
	`type=AVC msg=audit(1701.1:1): apparmor="DENIED" operation="mount" info="failed srcname match" error=-13 profile="snap-update-ns.x" name="/dev/shm/" pid=880 comm="snap-update-ns" srcname="/dev/shm/snap.other/" flags="rw, bind"`,
	`[   12.345678] audit: type=1400 audit(1701.1:1): apparmor="DENIED" operation="mknod" profile="snap.a.b" name="/dev/shm/x" pid=1 comm="b" requested_mask="c" denied_mask="c" fsuid=0 ouid=0`,
	`Dec 03 10:00:00 host kernel: audit: type=1400 audit(1701.1:1): apparmor="DENIED" operation="link" profile="snap.a.b" name="/dev/shm/sem.x" pid=1 comm="b" requested_mask="l" denied_mask="l" fsuid=0 ouid=0 target="/dev/shm/sem.Xk29Qa"`,
	// Forms that libapparmor 3.0.8 does not know.
	`[Sun Dec  6 10:00:00 2026] audit: type=1400 audit(1701.1:1): apparmor="DENIED" operation="open" profile="snap.a.b" name="/dev/shm/x" pid=1 comm="b" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
	`Dec 03 10:00:00 host audit[2211]: AVC apparmor="DENIED" operation="open" profile="snap.a.b" name="/dev/shm/x" pid=2211 comm="b" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
}

// newerForms are the forms of a line that libapparmor 3.0.8 is older
// than, each by a pattern that finds it.
var newerForms = []struct{ form, pattern string }{
	{"class=", ` class="`},
	{"dmesg -T", `^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) `},
	{"journald's audit[PID]: AVC", ` audit\[[0-9]+\]: AVC `},
}

// TestAgreesWithLibapparmor runs libapparmor's parser over the test logs
// and differentialLines. Where libapparmor reads a record, denial reads
// the same fields; where it refuses one, denial refuses it too, unless the
// line is of a form newer than libapparmor 3.0.8: class= (Linux 4.13 and
// later), dmesg -T's dates, journald's audit[PID]: AVC.
func (s *denialSuite) TestAgreesWithLibapparmor(c *check.C) {
	lines := append([]string{}, differentialLines...)
	logs, err := filepath.Glob("../../testdata/suggest/*.log")
	c.Assert(err, check.IsNil)
	c.Assert(logs, check.Not(check.HasLen), 0)
	for _, log := range logs {
		data, err := os.ReadFile(log)
		c.Assert(err, check.IsNil)
		lines = append(lines, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
	}
	cmd := exec.Command("/usr/bin/python3", "-c", libapparmorParse)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n"))
	out, err := cmd.Output()
	c.Assert(err, check.IsNil, check.Commentf("this test needs Debian's python3 and python3-libapparmor (apt-get install python3-libapparmor): %s", out))
	readings := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	c.Assert(readings, check.HasLen, len(lines))
	explained := map[string]int{}
	for i, line := range lines {
		var lib libapparmorRecord
		c.Assert(json.Unmarshal([]byte(strings.NewReplacer(`"requested_mask"`, `"RequestedMask"`, `"denied_mask"`, `"DeniedMask"`).Replace(readings[i])), &lib), check.IsNil)
		records, _ := denial.Parse(line)
		ours := len(records) == 1 && records[0].Malformed == ""
		switch {
		case lib.Valid:
			c.Assert(ours, check.Equals, true, check.Commentf("libapparmor reads %q, denial does not: %+v", line, records))
			r := records[0]
			c.Check(libapparmorRecord{true, r.Verdict, r.Operation, r.Profile, r.Name, r.RequestedMask, r.DeniedMask, r.Namespace}, check.Equals, lib, check.Commentf("%s", line))
		case !ours:
			// Both refuse it: not a record, or one that does not parse.
		default:
			form := newerForm(line)
			c.Check(form, check.Not(check.Equals), "", check.Commentf("denial reads %q, libapparmor refuses it, and no newer form explains why", line))
			explained[form]++
		}
	}
	c.Logf("lines %d, differences explained: %v", len(lines), explained)
	for _, f := range newerForms {
		c.Check(explained[f.form] > 0, check.Equals, true, check.Commentf("no line of the form %s", f.form))
	}
}

// newerForm returns the first of newerForms that the line has, or "".
func newerForm(line string) string {
	for _, f := range newerForms {
		if regexp.MustCompile(f.pattern).MatchString(line) {
			return f.form
		}
	}
	return ""
}
