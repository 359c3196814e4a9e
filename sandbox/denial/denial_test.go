package denial_test

import (
	"regexp"
	"testing"

	check "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/sandbox/denial"
)

func Test(t *testing.T) { check.TestingT(t) }

type denialSuite struct{}

var _ = check.Suite(&denialSuite{})

func (s *denialSuite) TestParseDmesg(c *check.C) {
	// The first and last lines as the kernel logged them in runs of the
	// tests; the second has its path hex-encoded, as the kernel writes a
	// path with a space.
	log := `[   12.345678] audit: type=1400 audit(1764300000.120:5): apparmor="DENIED" operation="open" profile="uml-test" name="/tmp/denied" pid=719 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
[   12.400000] some other line
[   12.500000] audit: type=1400 audit(1764300000.130:6): apparmor="DENIED" operation="mknod" profile="snap.a.b" name=2F6465762F73686D2F6120622E pid=720 comm="probe" requested_mask="c" denied_mask="c" fsuid=0 ouid=0
[    0.000000] audit: type=1400 audit(1795831681.742:38): apparmor="DENIED" operation="mount" info="failed srcname match" error=-13 profile="snap-update-ns.scratchpad" name="/dev/shm/" pid=880 comm="snap-update-ns" srcname="/dev/shm/snap.other/" flags="rw, bind"
`
	records, others := denial.Parse(log)
	c.Check(others, check.Equals, 1)
	c.Assert(records, check.HasLen, 3)
	c.Check(records[0], check.DeepEquals, denial.Record{
		Verdict: "DENIED", Operation: "open", Profile: "uml-test", Name: "/tmp/denied", RequestedMask: "r", DeniedMask: "r", PID: 719,
		Line: `apparmor="DENIED" operation="open" profile="uml-test" name="/tmp/denied" pid=719 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
	})
	c.Check(records[1].Name, check.Equals, "/dev/shm/a b.")
	c.Check(records[1].Operation, check.Equals, "mknod")
	c.Check([]string{records[2].Operation, records[2].Name, records[2].Target, records[2].Info}, check.DeepEquals,
		[]string{"mount", "/dev/shm/", "/dev/shm/snap.other/", "failed srcname match"})
	c.Check(records[2].PID, check.Equals, 880)
	c.Check(denial.Denials(log), check.DeepEquals, records)
}

func (s *denialSuite) TestForms(c *check.C) {
	want := denial.Record{
		Verdict: "DENIED", Class: "file", Operation: "mknod", Profile: "snap.talker.talker", Name: "/dev/shm/fastrtps_x",
		RequestedMask: "c", DeniedMask: "c", PID: 123,
		Line: `apparmor="DENIED" operation="mknod" class="file" profile="snap.talker.talker" name="/dev/shm/fastrtps_x" pid=123 comm="talker" requested_mask="c" denied_mask="c" fsuid=0 ouid=0`,
	}
	for _, prefix := range []string{
		// dmesg
		`[   12.345678] audit: type=1400 audit(1701.123:45): `,
		// journalctl -k
		`Dec 03 10:00:00 host kernel: audit: type=1400 audit(1701.123:45): `,
		// /var/log/syslog
		`2026-12-03T10:00:00.123456+00:00 host kernel: [   12.345678] audit: type=1400 audit(1701.123:45): `,
		// /var/log/audit/audit.log
		`type=AVC msg=audit(1701.123:45): `,
	} {
		records, others := denial.Parse(prefix + want.Line + "\n\n")
		c.Check(records, check.DeepEquals, []denial.Record{want}, check.Commentf("%s", prefix))
		c.Check(others, check.Equals, 0)
	}
}

func (s *denialSuite) TestVerdicts(c *check.C) {
	log := `type=AVC msg=audit(1701.1:1): apparmor="ALLOWED" operation="open" profile="snap.a.b" name="/dev/shm/x" pid=1 comm="b" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
type=AVC msg=audit(1701.1:2): apparmor="DENIED" operation="open" profile="snap.a.b" name="/dev/shm/y" pid=1 comm="b" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
type=SYSCALL msg=audit(1701.1:2): arch=c000003e syscall=257 success=no exit=-13`
	records, others := denial.Parse(log)
	c.Assert(records, check.HasLen, 2)
	c.Check(others, check.Equals, 1)
	c.Check([]bool{records[0].Denied(), records[1].Denied()}, check.DeepEquals, []bool{false, true})
	c.Check(denial.Denials(log), check.DeepEquals, records[1:])
}

func (s *denialSuite) TestHostileNames(c *check.C) {
	for _, t := range []struct{ field, name string }{
		// a newline, a quote and a space are hex-encoded
		{`name=2F6465762F73686D2F610A62`, "/dev/shm/a\nb"},
		{`name=2F6465762F73686D2F6122207069643D31`, `/dev/shm/a" pid=1`},
		// a backslash is not
		{`name="/dev/shm/a\b"`, `/dev/shm/a\b`},
	} {
		records, _ := denial.Parse(`audit: apparmor="DENIED" operation="open" profile="snap.a.b" ` + t.field)
		c.Assert(records, check.HasLen, 1)
		c.Check(records[0].Name, check.Equals, t.name, check.Commentf("%s", t.field))
	}
	// A field given twice counts once, the first time.
	records, _ := denial.Parse(`apparmor="DENIED" profile="snap.a.b" name="/dev/shm/x" name="/dev/shm/y"`)
	c.Check(records[0].Name, check.Equals, "/dev/shm/x")
}

// A record is read whole or not at all: one cut short, or with a field
// that does not parse, is marked, and says why.
func (s *denialSuite) TestMalformed(c *check.C) {
	const head = `audit: type=1400 audit(1701.1:1): apparmor="DENIED" operation="open" class="file" profile="snap.a.b" `
	for _, t := range []struct{ rest, why string }{
		{`name="/dev/shm/fastrtps_por`, `the value of name= is cut short: its quote does not close`},
		{`name=2F6`, `the value of name= is neither quoted nor hex: "2F6"`},
		{`name=/dev/shm/x`, `the value of name= is neither quoted nor hex: "/dev/shm/x"`},
		{`name="/dev/shm/x" requested_mask="w`, `the value of requested_mask= is cut short: its quote does not close`},
		{`name="/dev/shm/x" pid=12a`, `pid=12a is not a number`},
		{`name="/dev/shm/x"x requested_mask="r"`, `the value of name= runs on after its closing quote`},
		{`name="/dev/shm/x" requested_`, `"requested_" is not a key=value field`},
	} {
		records, _ := denial.Parse(head + t.rest)
		c.Assert(records, check.HasLen, 1)
		c.Check(records[0].Malformed, check.Equals, t.why, check.Commentf("%s", t.rest))
	}
	records, _ := denial.Parse(head + `name="/dev/shm/x" requested_mask="r" denied_mask="r" fsuid=0 ouid=0` + "\x1d" + `FSUID="root" OUID="root"`)
	c.Check(records[0].Malformed, check.Equals, "")
	c.Check(records[0].DeniedMask, check.Equals, "r")
}

// A record is about file access by its class, or without one by its
// operation; one from another AppArmor namespace says which.
func (s *denialSuite) TestClassAndNamespace(c *check.C) {
	log := `apparmor="DENIED" operation="mount" class="mount" profile="snap.a.b" name="/dev/shm/x" flags="rw"
apparmor="DENIED" operation="mount" profile="snap.a.b" name="/dev/shm/x" flags="rw"
apparmor="DENIED" operation="open" profile="snap.a.b" name="/dev/shm/x" requested_mask="r" denied_mask="r"
apparmor="DENIED" operation="open" class="net" profile="snap.a.b" name="/dev/shm/x" requested_mask="r" denied_mask="r"
apparmor="DENIED" operation="open" class="file" namespace="root//lxd-c1_<var-snap-lxd-common-lxd>" profile="snap.a.b" name="/dev/shm/x" requested_mask="r" denied_mask="r"`
	records, _ := denial.Parse(log)
	c.Assert(records, check.HasLen, 5)
	var file []bool
	for _, r := range records {
		file = append(file, r.File())
	}
	c.Check(file, check.DeepEquals, []bool{false, false, true, false, true})
	c.Check(records[4].Namespace, check.Equals, "root//lxd-c1_<var-snap-lxd-common-lxd>")
}

// A mask is denied_mask, or requested_mask without it, both parts of the
// older owner::other form; no mask, or another letter, is an error.
func (s *denialSuite) TestMask(c *check.C) {
	for _, t := range []struct{ requested, denied, mask, err string }{
		{"wr", "w", "w", ""},
		{"r", "", "r", ""},
		{"", "r::", "r", ""},
		{"", "::wr", "wr", ""},
		{"", "m", "m", ""},
		{"", "xwracdkml", "xwracdkml", ""},
		{"", "", "", "it has no requested_mask nor denied_mask"},
		{"", "rN", "", `its mask "rN" holds "N", which is not a file permission`},
	} {
		mask, err := denial.Record{RequestedMask: t.requested, DeniedMask: t.denied}.Mask()
		c.Check(mask, check.Equals, t.mask)
		if t.err == "" {
			c.Check(err, check.IsNil)
		} else {
			c.Check(err, check.ErrorMatches, regexp.QuoteMeta(t.err))
		}
	}
}
