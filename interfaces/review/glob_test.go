package review_test

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/review"
)

// overlapByWalk is a plain reference for globsOverlap: it walks both
// patterns at once, a "*" ending or swallowing the next literal of the
// other pattern, and remembers every pair of positions it has seen.
func overlapByWalk(a, b string) bool {
	type state struct{ i, j int }
	seen := map[state]bool{}
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		if seen[state{i, j}] {
			return false
		}
		seen[state{i, j}] = true
		if i == len(a) && j == len(b) {
			return true
		}
		aStar := i < len(a) && a[i] == '*'
		bStar := j < len(b) && b[j] == '*'
		switch {
		case aStar && walk(i+1, j):
			return true
		case bStar && walk(i, j+1):
			return true
		case aStar && j < len(b) && !bStar && b[j] != '/' && walk(i, j+1):
			return true
		case bStar && i < len(a) && !aStar && a[i] != '/' && walk(i+1, j):
			return true
		}
		return i < len(a) && j < len(b) && !aStar && !bStar && a[i] == b[j] && walk(i+1, j+1)
	}
	return walk(0, 0)
}

// patterns returns every string of up to n characters over alphabet.
func patterns(alphabet string, n int) []string {
	all := []string{""}
	for prev := all; n > 0; n-- {
		var next []string
		for _, p := range prev {
			for _, c := range alphabet {
				next = append(next, p+string(c))
			}
		}
		all = append(all, next...)
		prev = next
	}
	return all
}

func TestGlobsOverlapAgreesWithWalk(t *testing.T) {
	check := func(a, b string) {
		if got, want := review.GlobsOverlap(a, b), overlapByWalk(a, b); got != want {
			t.Fatalf("globsOverlap(%q, %q) = %v, the walk says %v", a, b, got, want)
		}
	}
	small := patterns("ab*/", 4)
	for _, a := range small {
		for _, b := range small {
			check(a, b)
		}
	}
	random := rand.New(rand.NewPCG(1, 2))
	pattern := func() string {
		var b strings.Builder
		for n := random.IntN(12); n > 0; n-- {
			b.WriteByte("aab**/"[random.IntN(6)])
		}
		return b.String()
	}
	for range 200000 {
		check(pattern(), pattern())
	}
}

// longGlobs returns two globs of 4000 characters with many stars that no
// name matches both of: they differ in their last character.
func longGlobs() (string, string) {
	stars := strings.Repeat("*a", 1999)
	return stars + "*x", stars + "*y"
}

func TestGlobsOverlapMemoryIsLinear(t *testing.T) {
	a, b := longGlobs()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	overlap := review.GlobsOverlap(a, b)
	runtime.ReadMemStats(&after)
	if overlap {
		t.Errorf("globsOverlap of globs that end in different characters = true")
	}
	if allocated := after.TotalAlloc - before.TotalAlloc; allocated > uint64(len(a)+len(b)) {
		t.Errorf("globsOverlap of two %d-character globs allocated %d bytes, want at most %d", len(a), allocated, len(a)+len(b))
	}
}

// BenchmarkGlobsOverlapLong measures the overlap of two 4000-character
// globs, and of such a glob with a 4000-character name.
func BenchmarkGlobsOverlapLong(b *testing.B) {
	glob, other := longGlobs()
	name := strings.Repeat("a", 3999) + "x"
	for _, bc := range []struct{ summary, a, b string }{
		{"globs", glob, other},
		{"glob-and-name", glob, name},
	} {
		b.Run(bc.summary, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				review.GlobsOverlap(bc.a, bc.b)
			}
		})
	}
}

func TestCoversPrivateDevShm(t *testing.T) {
	for name, covers := range map[string]bool{
		"snap.foo": true, "snap.foo_bar": true, "*": true, "s*": true, "snap*": true, "snap.*": true,
		"*p.foo": true, "sn*o": true, "snap.foo*": true, "*.*": true, "*o": true, "snap.f*o": true,
		"snap.": false, "snap": false, "snap.foo.bar": false, "snap.foo.*": false, "sem.snap.foo": false,
		"foo": false, "snap..x": false, "*.*.*": false, "*snap.x.": false, "x*": false, "snap.a/b": false,
	} {
		if got := review.CoversPrivateDevShm(name); got != covers {
			t.Errorf("coversPrivateDevShm(%q) = %v, want %v", name, got, covers)
		}
	}
}
