package snapyaml

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v2"
)

// decode returns a yaml document as a tree that keeps its keys in order,
// repeated ones too; nil when it does not decode, which the parser that
// reads it next reports in its own words.
func decode(data []byte) yaml.MapSlice {
	var doc yaml.MapSlice
	if yaml.Unmarshal(data, &doc) != nil {
		return nil
	}
	return doc
}

// checkTree walks a decoded document as its aliases expand it. It fails
// once the expansion outgrows MaxSize, and, when uniqueKeys is set, at a
// mapping that repeats a key, as snapcraft does.
func checkTree(doc yaml.MapSlice, uniqueKeys bool) error {
	w := treeWalk{budget: MaxSize, uniqueKeys: uniqueKeys}
	return w.walk(doc, nil)
}

type treeWalk struct {
	// budget is what the expansion may still add, in bytes; each node
	// costs at least one.
	budget     int
	uniqueKeys bool
}

func (w *treeWalk) spend(n int) error {
	w.budget -= n + 1
	if w.budget < 0 {
		return fmt.Errorf("expands to more than %d bytes (1 MiB) through its aliases; snap.yaml files are kilobytes", MaxSize)
	}
	return nil
}

func (w *treeWalk) walk(node interface{}, path []string) error {
	switch v := node.(type) {
	case yaml.MapSlice:
		seen := make(map[string]bool, len(v))
		for _, item := range v {
			key := fmt.Sprint(item.Key)
			if w.uniqueKeys && seen[key] {
				if len(path) == 0 {
					return fmt.Errorf("found duplicate key %q", key)
				}
				return fmt.Errorf("found duplicate key %q in %s", key, strings.Join(path, "."))
			}
			seen[key] = true
			if err := w.spend(len(key)); err != nil {
				return err
			}
			if err := w.walk(item.Value, append(path, key)); err != nil {
				return err
			}
		}
	case []interface{}:
		for i, item := range v {
			if err := w.walk(item, append(path, fmt.Sprint(i))); err != nil {
				return err
			}
		}
	case string:
		return w.spend(len(v))
	default:
		return w.spend(0)
	}
	return nil
}
