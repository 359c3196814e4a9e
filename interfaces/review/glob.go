package review

import "strings"

// globsOverlap reports whether some name matches both patterns, where "*"
// matches any run of characters without "/". It is exact, allocates nothing,
// and takes time linear in the patterns' length, except for the search of a
// glob's middle parts in a name without "*".
func globsOverlap(a, b string) bool {
	// A "*" never matches "/": a name that matches both has each "/" of
	// both patterns, so the parts between slashes must overlap one by one.
	for {
		aPart, aRest, aSlash := strings.Cut(a, "/")
		bPart, bRest, bSlash := strings.Cut(b, "/")
		if aSlash != bSlash || !partsOverlap(aPart, bPart) {
			return false
		}
		if !aSlash {
			return true
		}
		a, b = aRest, bRest
	}
}

// partsOverlap is globsOverlap for patterns without "/".
func partsOverlap(a, b string) bool {
	aHead, aStar := head(a)
	bHead, bStar := head(b)
	switch {
	case !aStar && !bStar:
		return a == b
	case !bStar:
		return matches(a, b)
	case !aStar:
		return matches(b, a)
	}
	// Both have a "*". A name that starts with the longer head and ends with
	// the longer tail, with every middle part of a, then every one of b, in
	// between matches both: each "*" takes what the other pattern needs.
	aTail, bTail := tail(a), tail(b)
	return (strings.HasPrefix(aHead, bHead) || strings.HasPrefix(bHead, aHead)) &&
		(strings.HasSuffix(aTail, bTail) || strings.HasSuffix(bTail, aTail))
}

// head returns what comes before the first "*", and whether there is one.
func head(pattern string) (string, bool) {
	before, _, star := strings.Cut(pattern, "*")
	return before, star
}

// tail returns what comes after the last "*".
func tail(pattern string) string {
	return pattern[strings.LastIndexByte(pattern, '*')+1:]
}

// matches reports whether name matches pattern, which has a "*". Taking each
// middle part at its first place in the name leaves the most room for the
// parts after it, so the first fit decides.
func matches(pattern, name string) bool {
	h, _ := head(pattern)
	t := tail(pattern)
	if len(h)+len(t) > len(name) || !strings.HasPrefix(name, h) || !strings.HasSuffix(name, t) {
		return false
	}
	name = name[len(h) : len(name)-len(t)]
	// What lies between the first "*" and the last, if they differ.
	afterFirst := pattern[len(h)+1:]
	middle := afterFirst[:max(0, len(afterFirst)-len(t)-1)]
	for {
		part, rest, more := strings.Cut(middle, "*")
		i := strings.Index(name, part)
		if i < 0 {
			return false
		}
		if !more {
			return true
		}
		name, middle = name[i+len(part):], rest
	}
}

// coversPrivateDevShm reports whether the name or glob matches some
// snap.<instance>: "snap." and a part without ".", the name of a snap's
// private /dev/shm.
func coversPrivateDevShm(name string) bool {
	const prefix = "snap."
	// The states are how much of the prefix is matched, and then done:
	// the prefix and at least one character but ".".
	const done = len(prefix) + 1
	var states [done + 1]bool
	states[0] = true
	for i := 0; i < len(name); i++ {
		var next [done + 1]bool
		for s, in := range states {
			switch c := name[i]; {
			case !in:
			case c == '*':
				// "*" takes the rest of the prefix and any part
				// without "." or "/", or nothing.
				for t := s; t <= done; t++ {
					next[t] = true
				}
			case s < len(prefix):
				next[s+1] = next[s+1] || c == prefix[s]
			case c != '.' && c != '/':
				next[done] = true
			}
		}
		states = next
	}
	return states[done]
}
