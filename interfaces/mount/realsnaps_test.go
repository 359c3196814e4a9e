package mount_test

import (
	"path/filepath"
	"strings"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/mount"
	"github.com/snapd-shm/snapd-shm/internal/golden"
	"github.com/snapd-shm/snapd-shm/internal/realsnaps"
)

// Snaps that use more than shared-memory get every mount entry snapd
// writes for them.
func (s *profilesSuite) TestRealSnaps(c *C) {
	cases, err := realsnaps.Cases()
	c.Assert(err, IsNil)
	entries := make(map[string]string)
	for _, t := range cases {
		result, err := mount.Generate(t.Setup)
		c.Assert(err, IsNil, Commentf(t.Name))
		files := make(map[string]string)
		for _, profile := range result.Files {
			files[profile.Name] = profile.Text
			_, err := mount.ParseProfile(profile)
			c.Check(err, IsNil, Commentf("%s: %s", t.Name, profile.Name))
			entries[t.Name+"/"+profile.Name] = profile.Text
		}
		// snapd writes the entries of a snap's connections in Go map
		// order.
		golden.DirAnyOrder(c, filepath.Join("testdata", "realsnaps", t.Name), files, func(string) bool { return true })
	}
	for _, t := range []struct{ profile, entry string }{
		{"electron-local/snap.electron-notes.fstab", "/dev/shm/snap.electron-notes /dev/shm none bind,rw 0 0"},
		{"electron-local/snap.electron-notes.fstab", "/snap/gtk-common-themes/x1/share/themes/Adwaita /snap/electron-notes/x1/data-dir/themes/Adwaita none bind,ro 0 0"},
		{"electron-local/snap.electron-notes.fstab", "/var/lib/snapd/hostfs/tmp/.X11-unix /tmp/.X11-unix none bind,ro 0 0"},
		{"postgresql-local/snap.postgresql.fstab", "/dev/shm/snap.postgresql /dev/shm none bind,rw 0 0"},
		{"industrial-granted/snap.industrial-app.fstab", "/var/snap/industrial-datalayer/x1/.datalayer /var/snap/industrial-app/x1/.datalayer none bind 0 0"},
	} {
		c.Check(strings.Contains(entries[t.profile], t.entry+"\n"), Equals, true, Commentf("%s lacks %q:\n%s", t.profile, t.entry, entries[t.profile]))
	}
}
