package hookattrs_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/hookattrs"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
)

func Test(t *testing.T) { TestingT(t) }

type auditSuite struct{}

var _ = Suite(&auditSuite{})

// resultsDir holds the results that make audit-hook-attrs writes.
var resultsDir = filepath.Join("..", "..", "upstream", "security", "hook-attrs")

const regenerate = "run make audit-hook-attrs"

func readResults(c *C, dir string) *hookattrs.Results {
	data, err := os.ReadFile(filepath.Join(dir, "results.json"))
	c.Assert(err, IsNil, Commentf(regenerate))
	var results hookattrs.Results
	c.Assert(json.Unmarshal(data, &results), IsNil)
	return &results
}

// snapdSource is the interfaces/builtin directory of the snapd module
// that go.mod pins.
func snapdSource(c *C) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/snapcore/snapd").Output()
	c.Assert(err, IsNil, Commentf("go list -m github.com/snapcore/snapd"))
	return filepath.Join(strings.TrimSpace(string(out)), "interfaces", "builtin")
}

func (s *auditSuite) TestTablesRegenerated(c *C) {
	for _, dir := range []string{resultsDir, filepath.Join(resultsDir, "fixed")} {
		table, err := os.ReadFile(filepath.Join(dir, "table.md"))
		c.Assert(err, IsNil, Commentf(regenerate))
		c.Check(string(table), Equals, hookattrs.Table(readResults(c, dir)), Commentf("%s/table.md is not the table of its results.json: %s", dir, regenerate))
	}
}

func (s *auditSuite) TestKeys(c *C) {
	keys, err := hookattrs.Keys(snapdSource(c))
	c.Assert(err, IsNil)
	for _, want := range []string{"path", "read", "source", "write", "flavor", "read-devices", "sysfs-name"} {
		c.Check(keys, Contains, want)
	}
	_, err = hookattrs.Keys(c.MkDir())
	c.Check(err, ErrorMatches, `cannot find snapd's interfaces in .*: no Go files`)
}

// audited are interfaces audited again by the tests: those with holes in
// snapd 2.64, and one that reads nothing at connection.
var audited = []string{"content", "custom-device", "i2c", "kubernetes-support", "system-files", "network"}

func (s *auditSuite) audit(c *C) *hookattrs.Results {
	keys, err := hookattrs.Keys(snapdSource(c))
	c.Assert(err, IsNil)
	results, _, err := hookattrs.Audit(hookattrs.Options{Registry: registry.Ours(), Keys: keys, Only: audited})
	c.Assert(err, IsNil)
	c.Assert(results.Interfaces, HasLen, len(audited))
	return results
}

// TestResultsCurrent audits some interfaces again: they must be as
// results.json has them.
func (s *auditSuite) TestResultsCurrent(c *C) {
	saved := make(map[string]*hookattrs.Interface)
	for _, iface := range readResults(c, resultsDir).Interfaces {
		saved[iface.Name] = iface
	}
	for _, iface := range s.audit(c).Interfaces {
		c.Check(iface, DeepEquals, saved[iface.Name], Commentf("%s differs from results.json: %s", iface.Name, regenerate))
	}
}

func (s *auditSuite) TestContentHoles(c *C) {
	results := s.audit(c)
	c.Check(results.Holes(), DeepEquals, []string{
		"content slot source", "content slot write",
		"custom-device slot read-devices",
		"i2c slot sysfs-name",
		"kubernetes-support plug flavor",
		"system-files plug write",
	})
	byName := make(map[string]*hookattrs.Interface)
	for _, iface := range results.Interfaces {
		byName[iface.Name] = iface
	}
	content := byName["content"]
	c.Check(content.Plug.Read, DeepEquals, []string{})
	c.Check(content.Slot.Read, DeepEquals, []string{"source", "write"})
	c.Check(content.Slot.Validated, DeepEquals, []string{})
	c.Check(content.Worst(), Equals, hookattrs.Hole)
	var hole *hookattrs.Case
	for i, cs := range content.Slot.Cases {
		if cs.Key == "write" && cs.Value == `["$SNAP/../../../etc"]` {
			hole = &content.Slot.Cases[i]
		}
	}
	c.Assert(hole, NotNil)
	c.Check(hole.Outcome, Equals, hookattrs.Hole)
	c.Check(hole.Detail, Matches, `the snap.yaml may not declare it: content interface path is not clean: .*`)
	c.Check(hole.Grants, Contains, `mount: /snap/provider/x1/../../../etc /snap/consumer/x1/import-2 none bind 0 0`)
	c.Check(hole.Policy, Equals, "not stopped: it auto-connects")
	network := byName["network"]
	c.Check(network.Plug.Read, DeepEquals, []string{})
	c.Check(network.Plug.Cases, DeepEquals, []hookattrs.Case{})
	c.Check(network.Worst(), Equals, hookattrs.Same)
}

// Contains checks that a list of strings holds a string.
var Contains Checker = &containsChecker{&CheckerInfo{Name: "Contains", Params: []string{"list", "item"}}}

type containsChecker struct{ *CheckerInfo }

func (checker *containsChecker) Check(params []interface{}, names []string) (bool, string) {
	list, ok := params[0].([]string)
	if !ok {
		return false, "list must be []string"
	}
	for _, item := range list {
		if item == params[1] {
			return true, ""
		}
	}
	return false, ""
}
