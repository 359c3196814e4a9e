package suggest_test

import (
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/suggest"
)

// FuzzSuggest feeds denials of any names: Suggest never panics, and
// returns suggestions that pass the sanitizer and lint, or says it cannot.
func FuzzSuggest(f *testing.F) {
	f.Add("fastrtps_4d6b9f0c2a1e7d35", "fastrtps_port7411", "c", "wr")
	f.Add("sem.Xk29Qa", "sem.fastrtps_x", "c", "l")
	f.Add(`a\b`, "a\nb", "wc", "r")
	f.Add("x*", "**", "c", "c")
	f.Fuzz(func(t *testing.T, first, second, firstMask, secondMask string) {
		log := strings.Join([]string{
			denied("snap.provider.app", "mknod", "/dev/shm/"+first, firstMask),
			denied("snap.provider.app", "open", "/dev/shm/"+second, secondMask),
			denied("snap.consumer.app", "open", "/dev/shm/"+second, secondMask),
		}, "\n")
		for _, exact := range []bool{false, true} {
			result, err := suggest.Suggest(log, suggest.Options{Exact: exact})
			if err != nil {
				if !strings.HasPrefix(err.Error(), "cannot suggest plugs and slots") {
					t.Fatalf("unexpected error: %v", err)
				}
				continue
			}
			for _, s := range result.Snaps {
				for _, slot := range s.Slots {
					for _, list := range []string{"read", "write"} {
						names, _ := slot[list].([]string)
						for _, name := range names {
							if strings.Trim(name, "*") == "" || name == "sem.*" {
								t.Fatalf("pattern %q covers every object", name)
							}
						}
					}
				}
			}
		}
	})
}
