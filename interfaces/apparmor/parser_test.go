package apparmor_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"

	sandboxapparmor "github.com/snapcore/snapd/sandbox/apparmor"
	"golang.org/x/sys/unix"
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// hostABI is the policy ABI that snapd pins when the host has it.
const hostABI = "/etc/apparmor.d/abi/3.0"

// recordParser puts, where snapd looks for apparmor_parser, a parser that
// appends its arguments to a file, one call a line, then runs the real
// parser with them. It returns the file.
func recordParser(c *C) (calls string, restore func()) {
	parser, err := apparmor.ParserPath()
	c.Assert(err, IsNil)
	dir := c.MkDir()
	calls = filepath.Join(dir, "calls")
	script := "#!/bin/sh\necho \"$*\" >>'" + calls + "'\nexec '" + parser + "' \"$@\"\n"
	c.Assert(os.WriteFile(filepath.Join(dir, "apparmor_parser"), []byte(script), 0755), IsNil)
	return calls, sandboxapparmor.MockParserSearchPath(dir)
}

func readCalls(c *C, calls string) []string {
	data, err := os.ReadFile(calls)
	c.Assert(err, IsNil)
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// Compile and ExpressionTree run the parser with the policy ABI that
// Generate's profiles are compiled with, and the real parser accepts it.
func (s *profilesSuite) TestParserPinsABI(c *C) {
	_, err := os.Stat(hostABI)
	c.Assert(err, IsNil, Commentf("apparmor_parser 3.0 installs the policy ABI that snapd pins"))
	calls, restore := recordParser(c)
	defer restore()

	c.Check(apparmor.Compile("profile pin {\n  /tmp/x r,\n}\n"), IsNil)
	c.Check(apparmor.Compile("profile pin {\n  /tmp/x bogus,\n}\n"), ErrorMatches, `apparmor_parser rejected the profile: .*`)
	tree, err := apparmor.ExpressionTree("profile pin {\n  /tmp/x r,\n}\n")
	c.Check(err, IsNil)
	c.Check(tree, Equals, "/tmp/x< 0x10004>")
	t := goldenCases(c)[0]
	_, err = apparmor.Generate(system.Setup{Snaps: t.snaps, Connections: t.conns}, apparmor.Options{Compile: true})
	c.Assert(err, IsNil)

	recorded := readCalls(c, calls)
	c.Assert(len(recorded) > 3, Equals, true, Commentf("calls: %q", recorded))
	pinned := "--policy-features " + hostABI + " --skip-kernel-load --skip-cache --quiet"
	c.Check(recorded[:3], DeepEquals, []string{pinned, pinned, pinned + " --dump=expr-tree"})
	// snapd pins the ABI file under the system's root, a link to the
	// host's.
	for _, call := range recorded[3:] {
		c.Check(call, Matches, `--skip-kernel-load --policy-features /\S*/snapd-shm-root-\S+`+hostABI+` --replace .*`)
	}
}

// Without Compile, Generate needs no apparmor_parser, and writes the very
// profiles it compiles with Compile. The parser is hidden in a mount
// namespace, its directory covered by an empty one.
func (s *profilesSuite) TestGenerateWithoutParser(c *C) {
	if os.Geteuid() != 0 {
		c.Fatalf("this test hides apparmor_parser in a mount namespace: run it as root")
	}
	parser, err := apparmor.ParserPath()
	c.Assert(err, IsNil)
	cases := goldenCases(c)
	compiled := make([]*system.Profiles, len(cases))
	for i, t := range cases {
		compiled[i], err = apparmor.Generate(system.Setup{Snaps: t.snaps, Connections: t.conns}, apparmor.Options{Compile: true})
		c.Assert(err, IsNil, Commentf("case %s", t.name))
	}
	withoutParser(c, filepath.Dir(parser), func() {
		_, err := os.Stat(parser)
		c.Check(os.IsNotExist(err), Equals, true, Commentf("%s is still there", parser))
		_, err = apparmor.ParserPath()
		c.Check(err, Equals, apparmor.ErrNoParser)
		for i, t := range cases {
			setup := system.Setup{Snaps: t.snaps, Connections: t.conns}
			_, err := apparmor.Generate(setup, apparmor.Options{Compile: true})
			c.Check(err, Equals, apparmor.ErrNoParser, Commentf("case %s", t.name))
			written, err := apparmor.Generate(setup, apparmor.Options{})
			c.Check(err, IsNil, Commentf("case %s", t.name))
			c.Check(written, DeepEquals, compiled[i], Commentf("case %s", t.name))
		}
	})
}

// withoutParser calls fn on a thread of its own, in a mount namespace of
// its own where an empty directory covers dir.
func withoutParser(c *C, dir string, fn func()) {
	empty := c.MkDir()
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Never unlocked: the thread leaves the host's mount namespace,
		// so the runtime must end it with this goroutine.
		runtime.LockOSThread()
		c.Assert(unix.Unshare(unix.CLONE_NEWNS), IsNil)
		c.Assert(unix.Mount("none", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""), IsNil)
		c.Assert(unix.Mount(empty, dir, "", unix.MS_BIND, ""), IsNil)
		fn()
	}()
	<-done
}
