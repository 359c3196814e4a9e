package apparmor_test

import (
	"path/filepath"
	"strings"

	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/golden"
	"github.com/snapd-shm/snapd-shm/internal/realsnaps"
)

// realSnapsResults generates the profiles of every real-snaps case once.
func realSnapsResults(c *C) map[string]*system.Profiles {
	cases, err := realsnaps.Cases()
	c.Assert(err, IsNil)
	results := make(map[string]*system.Profiles)
	for _, t := range cases {
		result, err := apparmor.Generate(t.Setup, apparmor.Options{Compile: true})
		c.Assert(err, IsNil, Commentf(t.Name))
		results[t.Name] = result
	}
	return results
}

// Snaps that use more than shared-memory get the profiles snapd writes for
// them, every interface's rules included; apparmor_parser compiles them.
func (s *profilesSuite) TestRealSnaps(c *C) {
	results := realSnapsResults(c)
	for name, result := range results {
		files := make(map[string]string)
		for _, profile := range result.Files {
			files[profile.Name] = profile.Text
			c.Check(strings.Contains(profile.Text, "snapd-shm-root-"), Equals, false, Commentf("%s: %s", name, profile.Name))
		}
		// snapd writes the snap-update-ns rules of a snap's connections in
		// Go map order.
		golden.DirAnyOrder(c, filepath.Join("testdata", "realsnaps", name), files, func(name string) bool {
			return strings.HasPrefix(name, "snap-update-ns.")
		})
	}

	// A distinctive rule of each interface is in the profile of an app
	// that plugs it, and not in that of an app of the same snap that does
	// not.
	for _, t := range []struct {
		caseName, iface, rule, in, notIn string
	}{
		{"postgresql-local", "network", `/run/systemd/resolve/stub-resolv.conf rk,`, "snap.postgresql.psql", ""},
		{"postgresql-local", "network-bind", `/etc/hosts.deny r,`, "snap.postgresql.postgresql", "snap.postgresql.psql"},
		{"postgresql-local", "home", `owner @{HOME}/[^s.]**             rwklix,`, "snap.postgresql.psql", "snap.postgresql.postgresql"},
		{"postgresql-local", "removable-media", `/{,run/}media/*/** mrwklix,`, "snap.postgresql.postgresql", "snap.postgresql.psql"},
		{"postgresql-local", "shared-memory", `"/dev/shm/**" mrwlkix,`, "snap.postgresql.postgresql", "snap.postgresql.psql"},
		{"electron-local", "x11", `owner /run/user/[0-9]*/.Xauthority r,`, "snap.electron-notes.electron-notes", ""},
		{"electron-local", "wayland", `owner /run/user/[0-9]*/wayland-[0-9]* rw,`, "snap.electron-notes.electron-notes", ""},
		{"electron-local", "opengl", `/dev/dri/renderD[0-9]* rw,`, "snap.electron-notes.electron-notes", ""},
		{"electron-local", "audio-playback", `/{run,dev}/shm/pulse-shm-* mrwk,`, "snap.electron-notes.electron-notes", ""},
		{"electron-local", "browser-support", `owner @{PROC}/@{pid}/oom_score_adj rw,`, "snap.electron-notes.electron-notes", ""},
		{"electron-local", "removable-media", `/{,run/}media/*/** mrwklix,`, "snap.electron-notes.electron-notes", ""},
		{"electron-local", "shared-memory", `"/dev/shm/**" mrwlkix,`, "snap.electron-notes.electron-notes", ""},
		{"electron-local", "content", `mount options=(bind) "/snap/gtk-common-themes/x1/share/themes/Adwaita/" -> "/snap/electron-notes/x1/data-dir/themes/Adwaita{,-[0-9]*}/",`, "snap-update-ns.electron-notes", ""},
		{"industrial-granted", "content", `"/var/snap/industrial-datalayer/x1/.datalayer/**" mrwklix,`, "snap.industrial-app.app", "snap.industrial-datalayer.datalayer"},
		{"industrial-granted", "shared-memory", `"/{dev,run}/shm/datalayer-rt-*" mrwlk,`, "snap.industrial-app.app", ""},
		{"industrial-granted", "network-bind", `/etc/hosts.deny r,`, "snap.industrial-app.app", ""},
		{"ros2-local", "shared-memory", `"/{dev,run}/shm/sem.fastrtps_*" mrwlk,`, "snap.ros2-talker-listener.listener", ""},
	} {
		profiles := make(map[string]string)
		for _, profile := range results[t.caseName].Files {
			profiles[profile.Name] = profile.Text
		}
		comment := Commentf("%s: the %s rule %q", t.caseName, t.iface, t.rule)
		c.Assert(profiles[t.in], Not(Equals), "", comment)
		c.Check(strings.Contains(profiles[t.in], t.rule), Equals, true, comment)
		if t.notIn != "" {
			c.Assert(profiles[t.notIn], Not(Equals), "", comment)
			c.Check(strings.Contains(profiles[t.notIn], t.rule), Equals, false, comment)
		}
	}

	// What the store auto-connects is what a local install connects by
	// hand.
	c.Check(results["ros2-store"].Files, DeepEquals, results["ros2-local"].Files)
}
