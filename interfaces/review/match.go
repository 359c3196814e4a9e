package review

import "strings"

// ReachesOtherSnaps reports whether a name or glob may match an object of
// another snap: its private directory (snap.*) or semaphores (sem.snap.*).
func ReachesOtherSnaps(name string) bool {
	return reachesOtherSnaps(name)
}

// Overlap reports whether some name matches both names or globs; for a
// name without "*", whether the other matches it.
func Overlap(a, b string) bool {
	return globsOverlap(a, b)
}

// ObjectName returns what follows /dev/shm/ or /run/shm/ in path: the name
// a slot declares for that object.
func ObjectName(path string) (string, bool) {
	for _, dir := range []string{"/dev/shm/", "/run/shm/"} {
		if name, ok := strings.CutPrefix(path, dir); ok && name != "" {
			return name, true
		}
	}
	return "", false
}
