package review

import (
	"fmt"
	"strings"
)

// reviewPairs reports plugs whose identifier matches no application slot of
// the snaps, their own snap's included, when the snaps declare any. Private
// plugs, which connect to the system slot, and plugs the sanitizer rejects
// are left out.
func reviewPairs(snaps []Snap) []Finding {
	var findings []Finding
	for _, plugSnap := range snaps {
		plugs, _ := sharedMemoryNames(plugSnap.Info)
		for _, plugName := range plugs {
			attrs := plugSnap.Info.Plugs[plugName].Attrs
			private, _ := attrs["private"].(bool)
			if _, rejected := plugSnap.BadInterfaces[plugName]; private || rejected {
				continue
			}
			id, ok := identifier(attrs, plugName)
			if !ok {
				continue
			}
			var offered []string
			matched := false
			for _, slotSnap := range snaps {
				if carriesSystemSlot(slotSnap.Info) {
					continue
				}
				_, slots := sharedMemoryNames(slotSnap.Info)
				for _, slotName := range slots {
					slotID, ok := identifier(slotSnap.Info.Slots[slotName].Attrs, slotName)
					if !ok {
						continue
					}
					matched = matched || slotID == id
					offered = append(offered, fmt.Sprintf("%q (%s slot %q)", slotID, slotSnap.Label, slotName))
				}
			}
			if len(offered) > 0 && !matched {
				findings = append(findings, Finding{plugSnap.Label, UnmatchedPlug, "plug", plugName, "shared-memory", id, true,
					"matches no slot: the slots offer " + strings.Join(offered, ", ")})
			}
		}
	}
	return findings
}
