package suggest

import (
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/snapd-shm/snapd-shm/interfaces/review"
)

// semTemporary matches the name glibc's sem_open creates a semaphore
// under before it links it to its own name.
var semTemporary = regexp.MustCompile(`^sem\.[A-Za-z0-9]{6}$`)

// family keys the names one pattern may cover: semaphores apart, and
// the same first word, a run of letters or of digits.
func family(name string) (key string, ok bool) {
	sem := strings.HasPrefix(name, "sem.")
	rest := strings.TrimPrefix(name, "sem.")
	start := strings.IndexFunc(rest, isAlnum)
	if start < 0 {
		return "", false
	}
	digit := isDigit(rune(rest[start]))
	end := strings.IndexFunc(rest[start:], func(r rune) bool { return !isAlnum(r) || isDigit(r) != digit })
	if end < 0 {
		end = len(rest) - start
	}
	key = rest[:start+end]
	if sem {
		key = "sem." + key
	}
	return key, true
}

func isDigit(r rune) bool {
	return r >= '0' && r <= '9'
}

func isAlnum(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

// isSeparator reports whether a character parts the words of a name.
func isSeparator(r rune) bool {
	return r < 0x80 && !isAlnum(r)
}

// group is snaps that share objects, and the names they touch.
type group struct {
	names     []string
	instances []string
	// foreign reports whether a glob covers names of other groups.
	foreign func(glob string) bool
}

// pattern is the names one glob covers.
type pattern struct {
	glob  string
	names []string
}

// allowed reports whether a glob may be declared for the group: it
// reaches no other snap's objects, so it is no prefix of "sem." or
// "snap.", and covers no name of another group.
func (c *group) allowed(glob string) bool {
	return !review.ReachesOtherSnaps(glob) && !c.foreign(glob)
}

// generalize returns the fewest patterns, one "*" each, that cover the
// group's names, sorted by glob: names of one family with two names or
// more share one, when it is allowed; a name alone in its family, or of no
// family, stays exact. With exact, every name stays exact.
func (c *group) generalize(exact bool) []pattern {
	families := map[string][]string{}
	var patterns []pattern
	for _, name := range c.names {
		key, ok := family(name)
		if exact || !ok {
			patterns = append(patterns, pattern{name, []string{name}})
			continue
		}
		families[key] = append(families[key], name)
	}
	for key, members := range families {
		sort.Strings(members)
		if glob := globOf(key, members); len(members) > 1 && c.allowed(glob) {
			patterns = append(patterns, pattern{glob, members})
			continue
		}
		for _, name := range members {
			patterns = append(patterns, pattern{name, []string{name}})
		}
	}
	sort.Slice(patterns, func(i, j int) bool { return patterns[i].glob < patterns[j].glob })
	return patterns
}

// globOf is the common prefix of a family's names, up to its last
// separator, "*", and their common suffix from a separator on. The prefix
// keeps the family's key whole: it is never empty, nor "sem.".
func globOf(key string, names []string) string {
	prefix := names[0]
	for _, name := range names[1:] {
		prefix = prefix[:commonPrefix(prefix, name)]
	}
	for !utf8.ValidString(prefix) {
		prefix = prefix[:len(prefix)-1]
	}
	if cut := strings.LastIndexFunc(prefix, isSeparator); cut+1 >= len(key) {
		prefix = prefix[:cut+1]
	}
	suffix := names[0][len(prefix):]
	for _, name := range names[1:] {
		rest := name[len(prefix):]
		suffix = suffix[len(suffix)-commonSuffix(suffix, rest):]
	}
	for suffix != "" && !isSeparator(rune(suffix[0])) {
		suffix = suffix[1:]
	}
	return prefix + "*" + suffix
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}
