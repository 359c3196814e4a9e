package preview_test

import (
	"os"
	"path/filepath"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/preview"
)

// Declared keeps the attributes as written; Installed is sanitized, with
// the defaults and verdicts of our registry.
func (s *previewSuite) TestLoadDeclaredAndInstalled(c *C) {
	dir := c.MkDir()
	c.Assert(os.MkdirAll(filepath.Join(dir, "meta"), 0755), IsNil)
	viewer := "name: viewer\nversion: \"1\"\napps:\n  viewer:\n    command: bin/viewer\n    plugs: [frames]\nplugs:\n  frames:\n    interface: shared-memory\n"
	c.Assert(os.WriteFile(filepath.Join(dir, "meta", "snap.yaml"), []byte(viewer), 0644), IsNil)
	snap, err := preview.Load(dir)
	c.Assert(err, IsNil)
	c.Check(snap.Path, Equals, filepath.Join(dir, "meta", "snap.yaml"))
	_, hasDefault := snap.Declared.Plugs["frames"].Attrs["private"]
	c.Check(hasDefault, Equals, false)
	c.Check(snap.Installed.Plugs["frames"].Attrs["shared-memory"], Equals, "frames")
	c.Check(snap.SetInstanceKey("two"), IsNil)
	c.Check(snap.Installed.InstanceName(), Equals, "viewer_two")
	c.Check(snap.Declared.InstanceName(), Equals, "viewer_two")
	c.Check(snap.SetInstanceKey("Bad!"), ErrorMatches, `cannot use instance key "Bad!": .*`)
}

func (s *previewSuite) TestSnapdSnap(c *C) {
	snapd := preview.SnapdSnap()
	c.Check(snapd.Path, Equals, "system")
	c.Check(snapd.Installed.Slots["shared-memory"], NotNil)
}

// A snap.yaml that snapd refuses is an error that names the file.
func (s *previewSuite) TestParseRefused(c *C) {
	_, err := preview.Parse("bad.yaml", []byte("name: Bad\nversion: 1\n"))
	c.Check(err, ErrorMatches, `bad.yaml: .*`)
}
