package apparmor_test

import (
	. "gopkg.in/check.v1"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
)

type permissionsSuite struct{}

var _ = Suite(&permissionsSuite{})

// Each permission set of the file rules is spelled out; other rules and
// comments are not file rules.
func (s *permissionsSuite) TestPermissionsIn(c *C) {
	snippets := []string{
		"# Description: a comment with /dev/shm/x rw,\n\"/{dev,run}/shm/a\" mrwlk,\n  owner \"/dev/shm/sem.[a-z]\" mrwk,\n",
		"/dev/shm/** mrwlkix,\n/dev/shm/b r,\nmount options=(bind) /a/ -> /b/,\ncapability sys_admin,\n",
	}
	c.Check(apparmor.PermissionsIn(snippets), DeepEquals, map[string]string{
		"mrwlk":   "map executable (mmap with PROT_EXEC), read, write, link, lock",
		"mrwk":    "map executable (mmap with PROT_EXEC), read, write, lock",
		"mrwlkix": "map executable (mmap with PROT_EXEC), read, write, link, lock, execute in the same profile",
		"r":       "read",
	})
	c.Check(apparmor.PermissionsIn(nil), DeepEquals, map[string]string{})
}
