package review

import (
	"fmt"
	"strings"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"

	"github.com/snapd-shm/snapd-shm/internal/keys"
)

// UnknownInterface: a plug or slot of an interface the registry does not
// have, whose name is near one it has.
const UnknownInterface Check = "unknown-interface"

// nearest returns the candidate nearest to word when it is near: the same
// but for case, "-" and "_", or at most two edits away.
func nearest(word string, candidates []string) (string, bool) {
	fold := func(s string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(s))
	}
	best, bestDistance := "", 3
	for _, candidate := range candidates {
		d := distance(fold(word), fold(candidate))
		if d < bestDistance || d == bestDistance && candidate < best {
			best, bestDistance = candidate, d
		}
	}
	return best, best != "" && bestDistance <= min(2, len(word)/4)
}

// distance is the Levenshtein distance of two short words.
func distance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		diagonal := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			diagonal, row[j] = row[j], min(row[j]+1, row[j-1]+1, diagonal+cost)
		}
	}
	return row[len(b)]
}

// interfaceTypos reports the plugs and slots of an interface the registry
// does not have, with the one meant when the name is near one it has.
func interfaceTypos(info *snap.Info) []Finding {
	var known []string
	for _, iface := range builtin.Interfaces() {
		known = append(known, iface.Name())
	}
	var findings []Finding
	check := func(kind, name, iface string) {
		if _, err := builtin.ByName(iface); err == nil || len(iface) > 64 {
			return
		}
		if meant, ok := nearest(iface, known); ok {
			findings = append(findings, Finding{Kind: kind, Name: name, Attr: "interface", Value: iface, HasValue: true, Check: UnknownInterface,
				Message: fmt.Sprintf("is not an interface snapd has: did you mean %q?", meant)})
		}
	}
	for _, name := range keys.Sorted(info.Plugs) {
		check("plug", name, info.Plugs[name].Interface)
	}
	for _, name := range keys.Sorted(info.Slots) {
		check("slot", name, info.Slots[name].Interface)
	}
	return findings
}

// unknownAttribute says that the interface ignores an attribute, which
// attribute was meant when its name is near a known one, and what follows.
func unknownAttribute(kind, name, attr string, known map[string]bool) string {
	const ignored = "is unknown to the shared-memory interface: it is ignored"
	meant, ok := nearest(attr, keys.Sorted(known))
	if !ok {
		return ignored
	}
	message := fmt.Sprintf("%s; did you mean %q?", ignored, meant)
	switch meant {
	case builtin.SharedMemory:
		return fmt.Sprintf("%s Without it, the identifier is the %s's name, %q", message, kind, name)
	case "private":
		return message + ` Without it, the plug is not private: it connects to a slot`
	default:
		return fmt.Sprintf("%s Without it, the slot declares no %q names", message, meant)
	}
}

// RejectionHint says what to write instead of what the sanitizer rejects
// in a plug or slot with these attributes, as written, when it can tell: a
// quoted bool, a "**". It is empty, or ": " and the fix.
func RejectionHint(attrs map[string]interface{}) string {
	if value, ok := attrs["private"].(string); ok && (value == "true" || value == "false") {
		return fmt.Sprintf(`: the value is the string %q; write private: %s, without quotes`, value, value)
	}
	for _, attr := range []string{"write", "read"} {
		items, _ := attrs[attr].([]interface{})
		for _, item := range items {
			if name, ok := item.(string); ok && strings.Contains(name, "**") {
				return fmt.Sprintf(`: /dev/shm has no subdirectories to share, so write %q: "*" matches any run of characters in a name`, strings.ReplaceAll(name, "**", "*"))
			}
		}
	}
	return ""
}
