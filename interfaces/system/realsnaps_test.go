package system_test

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/snapcore/snapd/interfaces/ifacetest"
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/golden"
	"github.com/snapd-shm/snapd-shm/internal/realsnaps"
)

// describe lists connections one a line: plug, slot, interface and how
// each was made.
func describe(conns []system.Connected) string {
	var b strings.Builder
	for _, conn := range conns {
		var how []string
		if conn.Auto {
			how = append(how, "auto")
		}
		if conn.Requested {
			how = append(how, "requested")
		}
		fmt.Fprintf(&b, "%s:%s %s:%s %s %s\n", conn.PlugSnap, conn.Plug, conn.SlotSnap, conn.Slot, conn.Interface, strings.Join(how, ","))
	}
	return b.String()
}

// On real-world-like snaps, the connections made are snapd's policy
// engine's auto-connections and the requested ones.
func (s *systemSuite) TestRealSnapsConnections(c *C) {
	cases, err := realsnaps.Cases()
	c.Assert(err, IsNil)
	for _, t := range cases {
		var conns []system.Connected
		err := system.Run(t.Setup, &ifacetest.TestSecurityBackend{}, func(sys *system.System) error {
			conns = sys.Connected
			return nil
		})
		c.Assert(err, IsNil, Commentf(t.Name))
		golden.File(c, filepath.Join("testdata", "realsnaps", t.Name+".connections"), describe(conns))
	}
}
