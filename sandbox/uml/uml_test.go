package uml_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

func Test(t *testing.T) { TestingT(t) }

type umlSuite struct{}

var _ = Suite(&umlSuite{})

// catProfile lets cat read /tmp/allowed, and with extra more.
func catProfile(extra string) uml.Profile {
	return uml.Profile{Name: "uml-test", Text: `#include <tunables/global>
profile uml-test {
  #include <abstractions/base>
  /usr/bin/cat mr,
  /tmp/allowed r,
  owner @{PROC}/@{pid}/attr/current r,
` + extra + `}
`}
}

func (s *umlSuite) TestRun(c *C) {
	dir := c.MkDir()
	for _, name := range []string{"allowed", "denied"} {
		c.Assert(os.WriteFile(filepath.Join(dir, name), []byte(name+"\n"), 0644), IsNil)
	}
	files := []uml.File{
		{Path: "/tmp/allowed", Source: filepath.Join(dir, "allowed"), Mode: 0644},
		{Path: "/tmp/denied", Source: filepath.Join(dir, "denied"), Mode: 0644},
	}
	report, err := uml.Run([]uml.Batch{{
		Profiles: []uml.Profile{catProfile("")},
		Files:    files,
		Steps: []uml.Step{
			{Argv: []string{"/usr/bin/cat", "/tmp/allowed"}, Profile: "uml-test"},
			{Argv: []string{"/usr/bin/cat", "/tmp/denied"}, Profile: "uml-test"},
			{Argv: []string{"/usr/bin/cat", "/tmp/denied"}},
			{Argv: []string{"/usr/bin/cat", "/proc/self/attr/current"}, Profile: "uml-test"},
			{Argv: []string{"/usr/bin/id", "-u"}, UID: 1000},
			{Argv: []string{"/bin/sh", "-c", "mount -t tmpfs private /tmp && touch /tmp/inside"}, Namespace: "a"},
			{Argv: []string{"/usr/bin/test", "-e", "/tmp/inside"}},
			{Argv: []string{"/usr/bin/test", "-e", "/tmp/inside"}, Namespace: "a"},
			{Argv: []string{"/usr/bin/mkfifo", "/tmp/fifo"}},
			{Argv: []string{"/usr/bin/cat", "/tmp/fifo"}, Background: true},
			{Argv: []string{"/bin/sh", "-c", "echo through > /tmp/fifo"}},
			{Argv: []string{"/usr/bin/echo", "after a success"}, Needs: []int{0, 2}},
			{Argv: []string{"/usr/bin/echo", "after a failure"}, Needs: []int{0, 1}},
			{Argv: []string{"/bin/sh", "-c", "flock -n /tmp/lock true || echo held"}, Lock: "/tmp/lock"},
			{Argv: []string{"/bin/sh", "-c", "flock -n /tmp/lock echo free"}},
		},
	}, {
		Profiles: []uml.Profile{catProfile("  /tmp/denied r,\n")},
		Steps:    []uml.Step{{Argv: []string{"/usr/bin/cat", "/tmp/denied"}, Profile: "uml-test"}},
	}, {
		// A batch without profiles runs its steps, and loads nothing.
		Steps: []uml.Step{{Argv: []string{"/usr/bin/echo", "no profiles"}}},
	}})
	c.Assert(err, IsNil)
	c.Check(report.Kernel, Matches, `6\..*`)
	c.Assert(report.Results, HasLen, 3)
	first := report.Results[0]
	c.Check(first[0].Exit, Equals, 0)
	c.Check(first[0].Stdout, Equals, "allowed\n")
	c.Check(first[0].Denials, HasLen, 0)

	c.Check(first[1].Exit, Equals, 1)
	c.Check(first[1].Stderr, Matches, "(?s).*Permission denied.*")
	c.Assert(first[1].Denials, HasLen, 1)
	d := first[1].Denials[0]
	c.Check([]string{d.Operation, d.Profile, d.Name, d.RequestedMask, d.DeniedMask},
		DeepEquals, []string{"open", "uml-test", "/tmp/denied", "r", "r"})
	c.Check(d.PID > 1, Equals, true)

	c.Check(first[2].Exit, Equals, 0, Commentf("unconfined"))
	c.Check(first[3].Stdout, Equals, "uml-test (enforce)\n")
	c.Check(first[4].Stdout, Equals, "1000\n")
	c.Check(first[5].Exit, Equals, 0, Commentf("%s", first[5].Stderr))
	c.Check(first[6].Exit, Equals, 1, Commentf("a private namespace's mount is not seen outside it"))
	c.Check(first[7].Exit, Equals, 0, Commentf("a namespace lives on between steps"))

	c.Check(first[9].Stdout, Equals, "through\n", Commentf("a step in the background runs beside the next ones"))
	c.Check(first[11], DeepEquals, uml.Result{Stdout: "after a success\n"})
	c.Check(first[12], DeepEquals, uml.Result{Skipped: true, Exit: -1}, Commentf("a step whose needed step failed is skipped"))
	c.Check(first[13].Stdout, Equals, "held\n", Commentf("a step's lock is held while it runs"))
	c.Check(first[14].Stdout, Equals, "free\n", Commentf("and released after"))

	c.Check(report.Results[1][0].Exit, Equals, 0, Commentf("the second batch replaced the profile"))
	c.Check(report.Results[1][0].Stdout, Equals, "denied\n")
	c.Check(report.Results[2][0].Stdout, Equals, "no profiles\n")
	c.Check(report.Denials, DeepEquals, first[1].Denials)
}

// lineServer serves resident steps: it replies to each request, a path,
// with the path's first line, read by the server's own process.
const lineServer = `#!/bin/bash
[ "$1" = serve ] || exit 2
while IFS= read -r -d '' n && IFS= read -r -d '' path; do
	if { IFS= read -r out <"$path"; } 2>/dev/null; then status=0; else status=1 out="cannot read $path"; fi
	printf '%d %d\n%s\n' "$status" $((${#out} + 1)) "$out"
done
`

func (s *umlSuite) TestRunResident(c *C) {
	dir := c.MkDir()
	for name, text := range map[string]string{"server": lineServer, "allowed": "allowed\n", "denied": "denied\n"} {
		c.Assert(os.WriteFile(filepath.Join(dir, name), []byte(text), 0644), IsNil)
	}
	server := catProfile("  /tmp/server r,\n  /usr/bin/bash mrix,\n  /etc/{nsswitch.conf,passwd} r,\n")
	report, err := uml.Run([]uml.Batch{{
		Profiles: []uml.Profile{server},
		Files: []uml.File{
			{Path: "/tmp/server", Source: filepath.Join(dir, "server"), Mode: 0755},
			{Path: "/tmp/allowed", Source: filepath.Join(dir, "allowed"), Mode: 0644},
			{Path: "/tmp/denied", Source: filepath.Join(dir, "denied"), Mode: 0644},
		},
		Steps: []uml.Step{
			{Argv: []string{"/tmp/server", "/tmp/allowed"}, Profile: "uml-test", Resident: true},
			{Argv: []string{"/tmp/server", "/tmp/denied"}, Profile: "uml-test", Resident: true},
			{Argv: []string{"/tmp/server", "/tmp/denied"}, Resident: true},
			{Argv: []string{"/tmp/server", "/tmp/allowed"}, Profile: "uml-test", Resident: true, Needs: []int{1}},
			{Argv: []string{"/usr/bin/true", "/tmp/allowed"}, Resident: true},
		},
	}})
	c.Assert(err, IsNil)
	r := report.Results[0]
	c.Check(r[0].Stdout, Equals, "allowed\n")
	c.Check(r[0].Exit, Equals, 0)
	c.Check(r[1].Exit, Equals, 1)
	c.Check(r[1].Stdout, Equals, "cannot read /tmp/denied\n")
	c.Check(r[2].Stdout, Equals, "denied\n", Commentf("another profile is another process"))
	// One process served the confined steps: its denial is theirs.
	c.Assert(r[1].Denials, HasLen, 1)
	c.Check(r[1].Denials[0].Name, Equals, "/tmp/denied")
	c.Check(r[0].Denials, DeepEquals, r[1].Denials)
	c.Check(r[3], DeepEquals, uml.Result{Skipped: true, Exit: -1})
	c.Check(r[4].Exit, Equals, 127, Commentf("a program that does not serve fails its step"))
}

func (s *umlSuite) TestRunResidentAlone(c *C) {
	for _, step := range []uml.Step{
		{Argv: []string{"/usr/bin/true"}, Resident: true, Background: true},
		{Argv: []string{"/usr/bin/true"}, Resident: true, Lock: "/tmp/lock"},
	} {
		_, err := uml.Run([]uml.Batch{{Steps: []uml.Step{step}}})
		c.Check(err, ErrorMatches, `cannot run resident step .* in the background or with a lock`)
	}
}

func (s *umlSuite) TestRunNeedsAnEarlierStep(c *C) {
	for _, needs := range [][]int{{0}, {1}, {-1}} {
		_, err := uml.Run([]uml.Batch{{Steps: []uml.Step{{Argv: []string{"/usr/bin/true"}, Background: true}, {Argv: []string{"/usr/bin/true"}, Needs: needs}}}})
		c.Check(err, ErrorMatches, `step 1 cannot need step -?\d: only an earlier step that is not in the background`)
	}
}

func (s *umlSuite) TestRunRejectedProfile(c *C) {
	_, err := uml.Run([]uml.Batch{{Profiles: []uml.Profile{{Name: "broken", Text: "profile broken { /tmp/x rw }\n"}}}})
	c.Assert(err, NotNil)
	c.Check(strings.HasPrefix(err.Error(), "apparmor_parser could not compile profiles broken: "), Equals, true, Commentf("%v", err))
}

// The kernel's features are read by a boot of their own, once, and kept
// in the user's cache.
func (s *umlSuite) TestFeatures(c *C) {
	defer os.Setenv("XDG_CACHE_HOME", os.Getenv("XDG_CACHE_HOME"))
	c.Assert(os.Setenv("XDG_CACHE_HOME", c.MkDir()), IsNil)
	path, err := uml.Features()
	c.Assert(err, IsNil)
	c.Check(strings.HasPrefix(path, os.Getenv("XDG_CACHE_HOME")), Equals, true, Commentf("%s", path))
	data, err := os.ReadFile(path)
	c.Assert(err, IsNil)
	c.Check(string(data), Matches, `(?s).*\bdomain \{.*\bfile \{mask \{create read write exec append mmap_exec link lock.*`)
	c.Assert(os.WriteFile(path, []byte("kept"), 0644), IsNil)
	again, err := uml.Features()
	c.Assert(err, IsNil)
	c.Check(again, Equals, path)
	kept, err := os.ReadFile(again)
	c.Assert(err, IsNil)
	c.Check(string(kept), Equals, "kept", Commentf("the cache is read, not the kernel"))
}

// A program compiled once is copied from the cache after, without gcc;
// another source is compiled.
func (s *umlSuite) TestCompileCache(c *C) {
	gcc, err := exec.LookPath("gcc")
	c.Assert(err, IsNil, Commentf("this test needs gcc (apt-get install gcc libc6-dev)"))
	// gcc, counting its runs.
	bin, runs := c.MkDir(), filepath.Join(c.MkDir(), "runs")
	c.Assert(os.WriteFile(filepath.Join(bin, "gcc"), []byte("#!/bin/sh\necho >>"+runs+"\nexec "+gcc+" \"$@\"\n"), 0755), IsNil)
	for key, value := range map[string]string{"PATH": bin + ":" + os.Getenv("PATH"), "XDG_CACHE_HOME": c.MkDir()} {
		defer os.Setenv(key, os.Getenv(key))
		c.Assert(os.Setenv(key, value), IsNil)
	}
	counted := func() int {
		data, _ := os.ReadFile(runs)
		return strings.Count(string(data), "\n")
	}
	source := []byte("int main(void) { return 3; }\n")
	for i := 0; i < 2; i++ {
		program, err := uml.Compile(c.MkDir(), "three", source)
		c.Assert(err, IsNil)
		err = exec.Command(program).Run()
		exit, ok := err.(*exec.ExitError)
		c.Assert(ok, Equals, true, Commentf("%v", err))
		c.Check(exit.ExitCode(), Equals, 3)
		c.Check(counted(), Equals, 1)
	}
	_, err = uml.Compile(c.MkDir(), "four", []byte("int main(void) { return 4; }\n"))
	c.Assert(err, IsNil)
	c.Check(counted(), Equals, 2)
}
