package review

import (
	"fmt"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/internal/quote"
)

// Objects that belong to other snaps: their private directories and files,
// and their POSIX semaphores.
var otherSnapsPatterns = []string{"snap.*", "sem.snap.*"}

// semaphorePrefix starts the name of every object glibc's sem_open makes.
const semaphorePrefix = "sem."

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
	add := func(check Check, attr string, value interface{}, message string) {
		warnings = append(warnings, nameWarning{check, attr, value, message})
	}
	written := map[string][]string{}
	for _, attr := range []string{"write", "read"} {
		items, _ := attrs[attr].([]interface{})
		for _, item := range items {
			if name, ok := item.(string); ok {
				written[attr] = append(written[attr], name)
			}
		}
	}
	everyObject := "exposes every object in /dev/shm"
	if narrow := semaphoreDeclaration(written); narrow != "" {
		everyObject += ": the slot's semaphores need only their names, declare " + narrow
	}
	lists := map[string][]string{}
	for _, attr := range []string{"write", "read"} {
		if items, isList := attrs[attr].([]interface{}); isList && len(items) == 0 {
			add(EmptyList, attr, attrs[attr], "is an empty list")
		}
		seen := map[string]bool{}
		for _, name := range written[attr] {
			if seen[name] {
				add(DuplicateName, attr, name, fmt.Sprintf("appears more than once in %q", attr))
				continue
			}
			seen[name] = true
			lists[attr] = append(lists[attr], name)
			switch {
			case name == "*":
				add(EveryObject, attr, name, everyObject)
			case reachesOtherSnaps(name):
				add(OtherSnaps, attr, name, "reaches objects of other snaps (snap.* or sem.snap.*)")
			case strings.HasPrefix(name, "/"):
				add(PathName, attr, name, pathNameMessage(name))
			}
			if attr == "write" && coversPrivateDevShm(name) {
				add(PrivateDevShm, attr, name, privateDevShm)
			}
			if check, message := misreadName(name); check != "" {
				add(check, attr, name, message)
			}
			switch {
			case builtin.IsTemporarySemaphoreName(name):
				add(TemporarySemaphoreName, attr, name, temporarySemaphoreName)
			case name != "*" && builtin.CoversEverySemaphore(name):
				add(EverySemaphore, attr, name, everySemaphore)
			}
			if attr == "read" && strings.HasPrefix(name, semaphorePrefix) {
				add(ReadOnlySemaphore, attr, name, `names semaphores, which sem_open opens read-write: move it to "write"`)
			}
		}
	}
	if !compare {
		return warnings
	}
	for _, name := range lists["read"] {
		for _, writable := range lists["write"] {
			if globsOverlap(name, writable) {
				add(NotReadOnly, "read", name, fmt.Sprintf("is not read-only: the plug can write it through \"write\" entry %q", writable))
				break
			}
		}
	}
	return warnings
}

// What the rule for glibc's temporary semaphore names, sem. and 6 letters
// or digits, exposes of a slot's semaphores.
const (
	temporarySemaphoreName = "is named like glibc's temporary semaphores, sem. and 6 letters or digits: " +
		"every snap running as the same user with the rule for them (a connection to a slot that writes semaphores) " +
		"reaches it, connected to this slot or not; give it a name of another length, or with a character that is not a letter or digit"
	everySemaphore = "covers every semaphore in /dev/shm (sem.*): other snaps' (sem.snap.*), the host's programs', " +
		"and the temporary files glibc creates for any semaphore"
)

// privateDevShm is what a "write" name that covers snap.<instance> lets the
// plugs of the slot do to a snap with a private plug.
const privateDevShm = "covers snap.<instance>, the path of another snap's private /dev/shm: a plug of this slot can take it before that snap starts, " +
	"and keep it from starting (with snapd 2.64 as released, open the host's /dev/shm to it)"

// pathNameMessage says that names are relative to /dev/shm, and which name
// to write for a path in it.
func pathNameMessage(path string) string {
	const message = "is a path: names are relative to /dev/shm"
	if name, ok := ObjectName(path); ok {
		return fmt.Sprintf("%s, write %s", message, quote.JSON(name))
	}
	return message + ", and cannot reach outside it"
}

// semaphoreDeclaration returns the declaration without "*" of a slot that
// has a "*" and names semaphores of its own: every other name once,
// semaphores under "write". It returns "" for any other slot.
func semaphoreDeclaration(written map[string][]string) string {
	var write, read []string
	seen := map[string]bool{"*": true}
	star, semaphores := false, false
	for _, attr := range []string{"write", "read"} {
		for _, name := range written[attr] {
			isSemaphore := strings.HasPrefix(name, semaphorePrefix)
			star = star || name == "*"
			semaphores = semaphores || isSemaphore && !reachesOtherSnaps(name)
			switch {
			case seen[name]:
			case attr == "write" || isSemaphore:
				write = append(write, name)
			default:
				read = append(read, name)
			}
			seen[name] = true
		}
	}
	if !star || !semaphores {
		return ""
	}
	declaration := "write: " + flowList(write)
	if len(read) > 0 {
		declaration += ", read: " + flowList(read)
	}
	return declaration
}

// flowList writes names as a YAML flow sequence of quoted strings.
func flowList(names []string) string {
	quoted := make([]string, len(names))
	for i, name := range names {
		quoted[i] = quote.JSON(name)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
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
