package review

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
