package review

import (
	"fmt"
	"strings"
)

// reviewPairs reports plugs whose identifier matches no slot of the other
// snaps, when other snaps declare application slots.
func reviewPairs(snaps []Snap) []Finding {
	var findings []Finding
	for i, plugSnap := range snaps {
		plugs, _ := sharedMemoryNames(plugSnap.Info)
		for _, plugName := range plugs {
			attrs := plugSnap.Info.Plugs[plugName].Attrs
			if private, _ := attrs["private"].(bool); private {
				continue
			}
			id, ok := identifier(attrs, plugName)
			if !ok {
				continue
			}
			var offered []string
			matched := false
			for j, slotSnap := range snaps {
				if j == i || carriesSystemSlot(slotSnap.Info) {
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
