package uml

import (
	check "gopkg.in/check.v1"
)

type denialSuite struct{}

var _ = check.Suite(&denialSuite{})

func (s *denialSuite) TestParseDenials(c *check.C) {
	// The first and last lines as the kernel logged them in runs of the
	// tests; the second has its path hex-encoded, as the kernel writes a
	// path with a space.
	log := `[   12.345678] audit: type=1400 audit(1764300000.120:5): apparmor="DENIED" operation="open" profile="uml-test" name="/tmp/denied" pid=719 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0
[   12.400000] some other line
[   12.500000] audit: type=1400 audit(1764300000.130:6): apparmor="DENIED" operation="mknod" profile="snap.a.b" name=2F6465762F73686D2F6120622E pid=720 comm="probe" requested_mask="c" denied_mask="c" fsuid=0 ouid=0
[    0.000000] audit: type=1400 audit(1795831681.742:38): apparmor="DENIED" operation="mount" info="failed srcname match" error=-13 profile="snap-update-ns.scratchpad" name="/dev/shm/" pid=880 comm="snap-update-ns" srcname="/dev/shm/snap.other/" flags="rw, bind"
`
	denials := parseDenials(log)
	c.Assert(denials, check.HasLen, 3)
	c.Check(denials[0], check.DeepEquals, Denial{
		Operation: "open", Profile: "uml-test", Name: "/tmp/denied", RequestedMask: "r", DeniedMask: "r", PID: 719,
		Line: `apparmor="DENIED" operation="open" profile="uml-test" name="/tmp/denied" pid=719 comm="cat" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
	})
	c.Check(denials[1].Name, check.Equals, "/dev/shm/a b.")
	c.Check(denials[1].Operation, check.Equals, "mknod")
	c.Check([]string{denials[2].Operation, denials[2].Name, denials[2].Target, denials[2].Info}, check.DeepEquals,
		[]string{"mount", "/dev/shm/", "/dev/shm/snap.other/", "failed srcname match"})
	c.Check(denials[2].PID, check.Equals, 880)
}
