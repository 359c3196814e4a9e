package aare_test

import (
	"reflect"
	"testing"

	"github.com/snapd-shm/snapd-shm/internal/aare"
)

func TestAlternatives(t *testing.T) {
	for tree, want := range map[string][]string{
		`/dev/shm/a< 0x4>`:                           {"/dev/shm/a"},
		`(/dev/shm/a< 0x4>|/run/shm/b< 0x6>)`:        {"/dev/shm/a", "/run/shm/b"},
		`/(dev|run)/shm/a`:                           {"/(dev|run)/shm/a"},
		`/dev/shm/[|]x|y`:                            {"/dev/shm/[|]x", "y"},
		`/dev/shm/a\x0/dev/shm/b< 0x1>`:              {"/dev/shm/a"},
		`/dev/shm/a\x0a`:                             {`/dev/shm/a\x0a`},
		`((/dev/shm/a|/dev/shm/b)|/dev/shm/c< 0x2>)`: {"/dev/shm/a", "/dev/shm/b", "/dev/shm/c"},
	} {
		if got := aare.Alternatives(tree); !reflect.DeepEqual(got, want) {
			t.Errorf("Alternatives(%q) = %q, want %q", tree, got, want)
		}
	}
}

func TestMatcher(t *testing.T) {
	for _, c := range []struct {
		tree    string
		matches map[string]bool
	}{
		{`/dev/shm/a\x41< 0x4>`, map[string]bool{"/dev/shm/aA": true, "/dev/shm/a\\x41": false}},
		{`/dev/shm/\$x[]`, map[string]bool{"/dev/shm/$x": true, "/dev/shm/x": false}},
		{`/dev/shm/a\.b`, map[string]bool{"/dev/shm/a.b": true, "/dev/shm/axb": false}},
		{`/dev/shm/[^/]*`, map[string]bool{"/dev/shm/\xc3\xa9": true, "/dev/shm/a/b": false}},
	} {
		m, err := aare.Matcher(c.tree)
		if err != nil {
			t.Fatalf("%q: %v", c.tree, err)
		}
		for path, want := range c.matches {
			if got := m.MatchString(aare.Latin1(path)); got != want {
				t.Errorf("%q matches %q: %v, want %v", c.tree, path, got, want)
			}
		}
	}
}

func TestAdmitsSlash(t *testing.T) {
	for expr, want := range map[string]bool{
		`[a-z]*`: false, `[^a]`: true, `.`: true, `a/b`: true, `a(b|c)*`: false, `\x2f`: true,
	} {
		re, err := aare.Parse(expr)
		if err != nil {
			t.Fatalf("%q: %v", expr, err)
		}
		if got := aare.AdmitsSlash(re); got != want {
			t.Errorf("AdmitsSlash(%q) = %v, want %v", expr, got, want)
		}
	}
}

func TestLatin1(t *testing.T) {
	if got := aare.Latin1("a\xc3"); got != "a\u00c3" {
		t.Errorf("Latin1 = %q", got)
	}
}
