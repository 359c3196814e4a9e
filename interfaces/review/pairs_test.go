package review_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/review"
)

// manyPairs returns a snap with n plugs and one with n slots, whose
// identifiers all differ.
func manyPairs(t testing.TB, n int) []review.Snap {
	var plugs, slots strings.Builder
	plugs.WriteString("name: consumer\nversion: 1\nplugs:\n")
	slots.WriteString("name: provider\nversion: 1\nslots:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&plugs, "  plug-%d:\n    interface: shared-memory\n", i)
		fmt.Fprintf(&slots, "  slot-%d:\n    interface: shared-memory\n    write: [a]\n", i)
	}
	return []review.Snap{
		{Label: "consumer.yaml", Info: parse(t, plugs.String())},
		{Label: "provider.yaml", Info: parse(t, slots.String())},
	}
}

func TestUnmatchedPlugsAreReportedBriefly(t *testing.T) {
	const n = 2000
	findings, err := review.Snaps(manyPairs(t, n))
	if err != nil {
		t.Fatal(err)
	}
	if len(findings) != n {
		t.Fatalf("%d plugs that match none of %d slots gave %d findings, want one each", n, n, len(findings))
	}
	want := `consumer.yaml: warning: plug "plug-0": attribute "shared-memory" value "plug-0" matches no slot: the slots offer "slot-0" (provider.yaml slot "slot-0"), "slot-1" (provider.yaml slot "slot-1"), "slot-10" (provider.yaml slot "slot-10"), "slot-100" (provider.yaml slot "slot-100"), "slot-1000" (provider.yaml slot "slot-1000") and 1995 more`
	if got := findings[0].String(); got != want {
		t.Errorf("first finding\n%s\nwant\n%s", got, want)
	}
	for _, f := range findings {
		if f.Check != review.UnmatchedPlug || len(f.String()) > 400 {
			t.Fatalf("finding %q is not a short unmatched plug warning", f)
		}
	}
}

func BenchmarkUnmatchedPlugs(b *testing.B) {
	snaps := manyPairs(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := review.Snaps(snaps); err != nil {
			b.Fatal(err)
		}
	}
}
