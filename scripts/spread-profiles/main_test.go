package main

import (
	"strings"
	"testing"
)

// The assertions that the hook-attrs task used to make cannot hold: the
// base template has "rwlkix" in every profile, and a profile check outside
// an AppArmor guard runs where no profile exists.
func TestOldAssertions(t *testing.T) {
	results, err := evaluate("testdata/old-assertions")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range results {
		got = append(got, r.String())
	}
	want := []string{
		`line 1: snap connect shm-plug:shmem shm-slot:shmem: holds`,
		`line 2: not MATCH 'rwlkix' < "$PLUG_PROFILE": FAILS: checks a profile where snapd's AppArmor backend may be disabled: guard it with snap debug sandbox-features --required apparmor:…`,
		`line 4: not MATCH 'rwlkix' < "$PLUG_PROFILE": FAILS: the profile has a line that matches`,
		`line 5: NOMATCH '^"/\{dev,run\}/shm/shm-demo" rwlkix,$' < "$PLUG_PROFILE": holds`,
		`line 6: MATCH '^"/\{dev,run\}/shm/shm-demo" r,$' < "$PLUG_PROFILE": holds`,
		`line 7: grep -q shm-demo "$PLUG_PROFILE": holds`,
		`line 8: not grep -F rwlkix "$PLUG_PROFILE": FAILS: the profile has a line that matches`,
		`line 9: test -f "$PLUG_PROFILE": holds`,
		`line 10: sed -n 1p "$PLUG_PROFILE": FAILS: cannot evaluate this check of a profile`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestShellWords(t *testing.T) {
	vars := map[string]string{"P": "/x y", "Q": "q"}
	words, err := shellWords(`a 'b $P' "c $P" d$Q "e\"f" 'g'"h"`, vars)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "b $P", "c /x y", "dq", `e"f`, "gh"}
	if strings.Join(words, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", words, want)
	}
	if _, err := shellWords(`'open`, vars); err == nil {
		t.Error("an unterminated quote is no error")
	}
}
