package builtin

import (
	. "gopkg.in/check.v1"
)

// IsTemporarySemaphoreName is ours alone: its test stays out of the file
// that is checked against snapd's shared_memory.go.
func (s *SharedMemoryInterfaceSuite) TestIsTemporarySemaphoreName(c *C) {
	for _, name := range []string{"sem.Ab3xY9", "sem.mutex1", "sem.000000"} {
		c.Check(IsTemporarySemaphoreName(name), Equals, true, Commentf(name))
	}
	for _, name := range []string{"sem.mutex", "sem.mutex12", "sem.mut_x1", "sem.abcdé", "Ab3xY9", "xsem.Ab3xY9", "sem.ab/cde", ""} {
		c.Check(IsTemporarySemaphoreName(name), Equals, false, Commentf(name))
	}
}
