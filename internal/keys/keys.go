// Package keys lists a map's keys in order, so that output never depends
// on Go's map order.
package keys

import "sort"

// Sorted returns the keys of m, sorted.
func Sorted[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
