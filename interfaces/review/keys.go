package review

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v2"

	"github.com/snapd-shm/snapd-shm/internal/quote"
)

// DuplicateKey: a key given twice in one mapping of a snap.yaml, of which
// snapd keeps the last value and drops the others without a word.
const DuplicateKey Check = "duplicate-key"

// duplicateKeys reports the keys that a mapping of a snap.yaml repeats;
// those of a plug's or slot's attributes name the plug or slot.
func duplicateKeys(data []byte) []Finding {
	var doc yaml.MapSlice
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	var findings []Finding
	var walk func(node yaml.MapSlice, path []string)
	walk = func(node yaml.MapSlice, path []string) {
		first := map[string]interface{}{}
		for _, item := range node {
			key := fmt.Sprint(item.Key)
			if value, seen := first[key]; seen {
				f := Finding{Check: DuplicateKey, Attr: key, Value: item.Value, HasValue: true,
					Message: fmt.Sprintf("is given twice: snapd keeps this last value and drops %s", quote.JSON(value))}
				if len(path) == 2 && (path[0] == "plugs" || path[0] == "slots") {
					f.Kind, f.Name = strings.TrimSuffix(path[0], "s"), path[1]
				} else {
					f.Attr, f.Value, f.HasValue = "", nil, false
					f.Message = fmt.Sprintf("key %q is given twice: snapd keeps the last value, %s, and drops %s",
						strings.Join(append(path, key), "."), quote.JSON(item.Value), quote.JSON(value))
				}
				findings = append(findings, f)
			}
			first[key] = item.Value
			if child, ok := item.Value.(yaml.MapSlice); ok {
				walk(child, append(path[:len(path):len(path)], key))
			}
		}
	}
	walk(doc, nil)
	return findings
}
