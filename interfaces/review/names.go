package review

import "fmt"

// Objects that belong to other snaps: their private directories and files,
// and their POSIX semaphores.
var otherSnapsPatterns = []string{"snap.*", "sem.snap.*"}

type nameWarning struct {
	check   Check
	attr    string
	value   interface{}
	message string
}

// reviewNames checks the "read" and "write" lists of a slot as written.
// Each read name is compared with each write name only when the sanitizer
// accepts the slot, as it bounds the number and length of names: the
// comparisons grow with the product of the two lists.
func reviewNames(attrs map[string]interface{}, compare bool) []nameWarning {
	var warnings []nameWarning
	lists := map[string][]string{}
	for _, attr := range []string{"write", "read"} {
		value, ok := attrs[attr]
		if !ok {
			continue
		}
		items, isList := value.([]interface{})
		if isList && len(items) == 0 {
			warnings = append(warnings, nameWarning{EmptyList, attr, value, "is an empty list"})
		}
		seen := map[string]bool{}
		for _, item := range items {
			name, ok := item.(string)
			if !ok {
				continue
			}
			if seen[name] {
				warnings = append(warnings, nameWarning{DuplicateName, attr, name, fmt.Sprintf("appears more than once in %q", attr)})
				continue
			}
			seen[name] = true
			lists[attr] = append(lists[attr], name)
			switch {
			case name == "*":
				warnings = append(warnings, nameWarning{EveryObject, attr, name, "exposes every object in /dev/shm"})
			case reachesOtherSnaps(name):
				warnings = append(warnings, nameWarning{OtherSnaps, attr, name, "reaches objects of other snaps (snap.* or sem.snap.*)"})
			}
		}
	}
	if !compare {
		return warnings
	}
	for _, name := range lists["read"] {
		for _, writable := range lists["write"] {
			if globsOverlap(name, writable) {
				warnings = append(warnings, nameWarning{NotReadOnly, "read", name, fmt.Sprintf("is not read-only: the plug can write it through \"write\" entry %q", writable)})
				break
			}
		}
	}
	return warnings
}

// reachesOtherSnaps reports whether the name or glob may match an object
// of another snap.
func reachesOtherSnaps(name string) bool {
	for _, pattern := range otherSnapsPatterns {
		if globsOverlap(name, pattern) {
			return true
		}
	}
	return false
}
