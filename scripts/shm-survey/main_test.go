package main

import (
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/registry"
)

// Our sanitizer drops the slots with a backslash and with more than 4 "*"
// that snapd 2.64 keeps; each check is counted apart.
func TestSurveyDropped(t *testing.T) {
	var released, ours tally
	known, err := survey("testdata", registry.Upstream(), &released)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := survey("testdata", registry.Ours(), &ours)
	if err != nil {
		t.Fatal(err)
	}
	if released != (tally{1, 4}) || ours != released {
		t.Errorf("surveyed %+v and %+v, want 1 snap, 4 plugs and slots", released, ours)
	}
	got := dropped(lines, known)
	want := `dropped: testdata/misread.yaml: slot "escaped" (shared-memory): shared-memory interface path is invalid: "frames\\new" contains a reserved apparmor char from ?[]{}^"\` + "\x00" + `
dropped: testdata/misread.yaml: slot "long" (shared-memory): shared-memory interface path is invalid: "a*b*c*d*e*f" contains more than 4 "*"
1 dropped: shared-memory interface path is invalid: … contains a reserved apparmor char
1 dropped: shared-memory interface path is invalid: … contains more than 4 …
2 dropped in all
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(strings.Join(known, "\n"), "misread") {
		t.Errorf("snapd 2.64 refuses: %q", known)
	}
}
