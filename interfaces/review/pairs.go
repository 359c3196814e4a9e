package review

import (
	"fmt"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
)

// maxOffers is how many slots a finding about an unmatched plug lists.
const maxOffers = 5

// reviewPairs reports plugs whose identifier matches no application slot of
// the snaps, their own snap's included, when the snaps declare any. Private
// plugs, which connect to the system slot, and plugs the sanitizer rejects
// are left out. Each finding lists the first few slots the snaps offer.
func reviewPairs(snaps []Snap) []Finding {
	offered := map[string]bool{}
	var offers []string
	count := 0
	for _, s := range snaps {
		if builtin.IsSystemSnap(s.Info) {
			continue
		}
		_, slots := sharedMemoryNames(s.Info)
		for _, name := range slots {
			id, ok := identifier(s.Info.Slots[name].Attrs, name)
			if !ok {
				continue
			}
			offered[id] = true
			if count < maxOffers {
				offers = append(offers, fmt.Sprintf("%q (%s slot %q)", id, s.Label, name))
			}
			count++
		}
	}
	if count == 0 {
		return nil
	}
	message := "matches no slot: the slots offer " + strings.Join(offers, ", ")
	if count > maxOffers {
		message += fmt.Sprintf(" and %d more", count-maxOffers)
	}
	var findings []Finding
	for _, s := range snaps {
		plugs, _ := sharedMemoryNames(s.Info)
		for _, name := range plugs {
			attrs := s.Info.Plugs[name].Attrs
			private, _ := attrs["private"].(bool)
			if _, rejected := s.BadInterfaces[name]; private || rejected {
				continue
			}
			if id, ok := identifier(attrs, name); ok && !offered[id] {
				findings = append(findings, Finding{s.Label, UnmatchedPlug, "plug", name, "shared-memory", id, true, message})
			}
		}
	}
	return findings
}
