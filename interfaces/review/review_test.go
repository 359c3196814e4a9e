package review_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/review"
)

const consumerYaml = `name: consumer
version: 1
plugs:
  my-ipc:
    interface: shared-memory
`

// slotYaml returns a snap.yaml whose slot "shmem" has the given attributes.
func slotYaml(attrs string) string {
	return "name: provider\nversion: 1\nslots:\n  shmem:\n    interface: shared-memory\n" + attrs
}

// file is a snap.yaml under review and its label.
type file struct{ label, yaml string }

// parse reads a snap.yaml as written, without the sanitizer snapd's
// global hook would run.
func parse(t testing.TB, yaml string) *snap.Info {
	t.Helper()
	restore := snap.MockSanitizePlugsSlots(func(*snap.Info) {})
	defer restore()
	info, err := snap.InfoFromSnapYaml([]byte(yaml))
	if err != nil {
		t.Fatalf("cannot parse %q: %v", yaml, err)
	}
	return info
}

// reviewFiles reviews the files with our registry's verdicts and returns
// the findings as lines.
func reviewFiles(t testing.TB, files []file) []string {
	t.Helper()
	var snaps []review.Snap
	for _, f := range files {
		sanitized := parse(t, f.yaml)
		builtin.SanitizePlugsSlots(sanitized)
		snaps = append(snaps, review.Snap{Label: f.label, Info: parse(t, f.yaml), BadInterfaces: sanitized.BadInterfaces})
	}
	findings, err := review.Snaps(snaps)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, f := range findings {
		lines = append(lines, f.String())
	}
	return lines
}

// The messages of the checks on semaphores and the rule for glibc's
// temporary names.
const (
	temporary = "is named like glibc's temporary semaphores, sem. and 6 letters or digits: every snap running as the same user with the rule for them (a connection to a slot that writes semaphores) reaches it, connected to this slot or not; give it a name of another length, or with a character that is not a letter or digit"
	every     = "covers every semaphore in /dev/shm (sem.*): other snaps' (sem.snap.*), the host's programs', and the temporary files glibc creates for any semaphore"
	private   = "covers snap.<instance>, the path of another snap's private /dev/shm: a plug of this slot can take it before that snap starts, and keep it from starting (with snapd 2.64 as released, open the host's /dev/shm to it)"
)

func TestSnaps(t *testing.T) {
	for _, tc := range []struct {
		summary string
		files   []file
		want    []string
	}{{
		summary: "clean pair; defaults that the sanitizer adds are no findings",
		files: []file{
			{"consumer.yaml", consumerYaml},
			{"provider.yaml", slotYaml("    shared-memory: my-ipc\n    write: [students]\n    read: [teachers]\n")},
		},
	}, {
		summary: "a path where a name belongs: the name to write instead",
		files:   []file{{"snap.yaml", slotYaml("    write: [/dev/shm/cam-frames, /tmp/x]\n")}},
		want: []string{
			`snap.yaml: error: slot "shmem": shared-memory interface path should not contain '/': "/dev/shm/cam-frames"`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "/dev/shm/cam-frames" is a path: names are relative to /dev/shm, write "cam-frames"`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "/tmp/x" is a path: names are relative to /dev/shm, and cannot reach outside it`,
		},
	}, {
		summary: "read name also in write",
		files:   []file{{"snap.yaml", slotYaml("    write: [students]\n    read: [students]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "read" value "students" is not read-only: the plug can write it through "write" entry "students"`,
		},
	}, {
		summary: "read names under a write glob; a read glob overlapping one",
		files:   []file{{"snap.yaml", slotYaml("    write: [\"frame-*\", \"stats.a*\"]\n    read: [frame-1, \"stats.*\", \"frames\"]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "read" value "frame-1" is not read-only: the plug can write it through "write" entry "frame-*"`,
			`snap.yaml: warning: slot "shmem": attribute "read" value "stats.*" is not read-only: the plug can write it through "write" entry "stats.a*"`,
		},
	}, {
		summary: "the same name twice",
		files:   []file{{"snap.yaml", slotYaml("    write: [a, b, a]\n    read: [c, c]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "write" value "a" appears more than once in "write"`,
			`snap.yaml: warning: slot "shmem": attribute "read" value "c" appears more than once in "read"`,
		},
	}, {
		summary: "bare star, and globs that reach other snaps' objects",
		files:   []file{{"snap.yaml", slotYaml("    write: [\"*\", \"snap.*\", \"s*\", \"*.data\", sem.snap.other.lock, \"sem.*\", \"shm-*\"]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "write" value "*" exposes every object in /dev/shm`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*" ` + private,
			`snap.yaml: warning: slot "shmem": attribute "write" value "snap.*" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "snap.*" ` + private,
			`snap.yaml: warning: slot "shmem": attribute "write" value "s*" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "s*" ` + private,
			`snap.yaml: warning: slot "shmem": attribute "write" value "s*" ` + every,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*.data" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*.data" ` + private,
			`snap.yaml: warning: slot "shmem": attribute "write" value "sem.snap.other.lock" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "sem.*" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "sem.*" ` + every,
		},
	}, {
		summary: "semaphores named like glibc's temporary ones; globs that cover every semaphore or some",
		files:   []file{{"snap.yaml", slotYaml("    write: [sem.mutex1, sem.Mutex, sem.mutex12, sem.mut_x1, \"se*\", \"sem*\", \"*.*\", \"sem.a*\", \"*m\", \"s*.*m\"]\n    read: [sem.ready1]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "write" value "sem.mutex1" ` + temporary,
			`snap.yaml: warning: slot "shmem": attribute "write" value "se*" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "se*" ` + every,
			`snap.yaml: warning: slot "shmem": attribute "write" value "sem*" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "sem*" ` + every,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*.*" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*.*" ` + private,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*.*" ` + every,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*m" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*m" ` + private,
			`snap.yaml: warning: slot "shmem": attribute "write" value "s*.*m" reaches objects of other snaps (snap.* or sem.snap.*)`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "s*.*m" ` + private,
			`snap.yaml: warning: slot "shmem": attribute "read" value "sem.ready1" ` + temporary,
			`snap.yaml: warning: slot "shmem": attribute "read" value "sem.ready1" names semaphores, which sem_open opens read-write: move it to "write"`,
			`snap.yaml: warning: slot "shmem": attribute "read" value "sem.ready1" is not read-only: the plug can write it through "write" entry "se*"`,
		},
	}, {
		summary: "names that snapd accepts but that read other than they grant",
		files:   []file{{"snap.yaml", slotYaml("    write: [\".\", \"a\\u202eb\"]\n    read: [\"x\\u00a0y\"]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "write" value "." names /dev/shm itself: it grants no object`,
			"snap.yaml: warning: slot \"shmem\": attribute \"write\" value \"a\u202eb\" contains the invisible character U+202E: it reads as another name",
			"snap.yaml: warning: slot \"shmem\": attribute \"read\" value \"x\u00a0y\" contains the invisible character U+00A0: it reads as another name",
		},
	}, {
		summary: "semaphores under read, which sem_open cannot open read-only",
		files:   []file{{"snap.yaml", slotYaml("    write: [fastrtps_*]\n    read: [\"sem.fastrtps_*\", sem.lock, semaphore]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "read" value "sem.fastrtps_*" names semaphores, which sem_open opens read-write: move it to "write"`,
			`snap.yaml: warning: slot "shmem": attribute "read" value "sem.lock" names semaphores, which sem_open opens read-write: move it to "write"`,
		},
	}, {
		summary: "a bare star next to semaphore names: the names alone are enough",
		files:   []file{{"snap.yaml", slotYaml("    write: [\"*\", fastrtps_*, \"sem.fastrtps_*\"]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "write" value "*" exposes every object in /dev/shm: the slot's semaphores need only their names, declare write: ["fastrtps_*", "sem.fastrtps_*"]`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*" ` + private,
		},
	}, {
		summary: "a bare star under write, a semaphore under read",
		files:   []file{{"snap.yaml", slotYaml("    write: [\"*\"]\n    read: [sem.ready, frames]\n")}},
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "write" value "*" exposes every object in /dev/shm: the slot's semaphores need only their names, declare write: ["sem.ready"], read: ["frames"]`,
			`snap.yaml: warning: slot "shmem": attribute "write" value "*" ` + private,
			`snap.yaml: warning: slot "shmem": attribute "read" value "sem.ready" names semaphores, which sem_open opens read-write: move it to "write"`,
			`snap.yaml: warning: slot "shmem": attribute "read" value "sem.ready" is not read-only: the plug can write it through "write" entry "*"`,
			`snap.yaml: warning: slot "shmem": attribute "read" value "frames" is not read-only: the plug can write it through "write" entry "*"`,
		},
	}, {
		summary: "attributes the interface does not know",
		files: []file{{"snap.yaml", `name: both
version: 1
plugs:
  in:
    interface: shared-memory
    read: [a]
    write: [b]
    size: 4096
slots:
  out:
    interface: shared-memory
    label: Frames
    write: [frames]
    private: true
    colour: blue
`}},
		want: []string{
			`snap.yaml: warning: plug "in": attribute "read" value ["a"] is a slot attribute: a plug ignores it`,
			`snap.yaml: warning: plug "in": attribute "size" value 4096 is unknown to the shared-memory interface: it is ignored`,
			`snap.yaml: warning: plug "in": attribute "write" value ["b"] is a slot attribute: a plug ignores it`,
			`snap.yaml: warning: slot "out": attribute "colour" value "blue" is unknown to the shared-memory interface: it is ignored`,
			`snap.yaml: warning: slot "out": attribute "private" value true is a plug attribute: a slot ignores it; for a /dev/shm of its own, a snap plugs shared-memory with "private: true", and then has no shared-memory slot`,
			`snap.yaml: warning: plug "in": attribute "shared-memory" value "in" matches no slot: the slots offer "out" (snap.yaml slot "out")`,
		},
	}, {
		summary: "empty lists; both empty is the sanitizer's error",
		files: []file{
			{"one.yaml", slotYaml("    write: [a]\n    read: []\n")},
			{"both.yaml", slotYaml("    write: []\n    read: []\n")},
		},
		want: []string{
			`one.yaml: warning: slot "shmem": attribute "read" value [] is an empty list`,
			`both.yaml: error: slot "shmem": shared memory interface requires at least a valid "read" or "write" attribute`,
			`both.yaml: warning: slot "shmem": attribute "write" value [] is an empty list`,
			`both.yaml: warning: slot "shmem": attribute "read" value [] is an empty list`,
		},
	}, {
		summary: "sanitizer errors",
		files: []file{{"snap.yaml", `name: bad
version: 1
plugs:
  p:
    interface: shared-memory
    private: "yes"
slots:
  s:
    interface: shared-memory
    write: ["a/b"]
`}},
		want: []string{
			`snap.yaml: error: plug "p": shared-memory "private" attribute must be a bool, not yes`,
			`snap.yaml: error: slot "s": shared-memory interface path should not contain '/': "a/b"`,
		},
	}, {
		summary: "read names are compared with write names only on a slot the sanitizer accepts, which bounds their number",
		files:   []file{{"snap.yaml", slotYaml("    write: [\"a/b\", students]\n    read: [students]\n")}},
		want: []string{
			`snap.yaml: error: slot "shmem": shared-memory interface path should not contain '/': "a/b"`,
		},
	}, {
		summary: "plug and slot identifiers that never match",
		files: []file{
			{"consumer.yaml", consumerYaml},
			{"provider.yaml", slotYaml("    write: [students]\n")},
		},
		want: []string{
			`consumer.yaml: warning: plug "my-ipc": attribute "shared-memory" value "my-ipc" matches no slot: the slots offer "shmem" (provider.yaml slot "shmem")`,
		},
	}, {
		summary: "a plug pairs with a slot of its own snap, named by default identifiers",
		files: []file{
			{"talker.yaml", "name: talker\nversion: 1\nplugs:\n  shm:\n    interface: shared-memory\n    shared-memory: ros2\nslots:\n  ros2:\n    interface: shared-memory\n    write: [fastrtps_*]\n"},
			{"listener.yaml", "name: listener\nversion: 1\nplugs:\n  ros2:\n    interface: shared-memory\nslots:\n  listener:\n    interface: shared-memory\n    write: [fastrtps_*]\n"},
		},
	}, {
		summary: "a plug that matches no slot of its own snap",
		files:   []file{{"both.yaml", "name: both\nversion: 1\nplugs:\n  in:\n    interface: shared-memory\nslots:\n  out:\n    interface: shared-memory\n    write: [frames]\n"}},
		want: []string{
			`both.yaml: warning: plug "in": attribute "shared-memory" value "in" matches no slot: the slots offer "out" (both.yaml slot "out")`,
		},
	}, {
		summary: "a private plug pairs with the system slot only",
		files: []file{
			{"private.yaml", "name: private\nversion: 1\nplugs:\n  shared-memory:\n    private: true\n"},
			{"provider.yaml", slotYaml("    write: [students]\n")},
		},
	}, {
		summary: "the system slot has no attributes",
		files:   []file{{"snap.yaml", "name: core\nversion: 1\ntype: os\nslots:\n  shared-memory:\n    write: [a]\n"}},
		want: []string{
			`snap.yaml: warning: slot "shared-memory": attribute "write" value ["a"] is ignored: the system slot of an os or snapd snap has no attributes`,
		},
	}, {
		summary: "os and snapd snaps carry the system slot without declaring it",
		files: []file{
			{"core.yaml", "name: core\nversion: 1\ntype: os\n"},
			{"snapd.yaml", "name: snapd\nversion: 1\ntype: snapd\n"},
		},
	}, {
		summary: "nothing to review",
		files:   []file{{"snap.yaml", "name: other\nversion: 1\nplugs:\n  files: home\n"}},
		want:    []string{`snap.yaml: warning: declares no shared-memory plug or slot`},
	}} {
		got := reviewFiles(t, tc.files)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: findings\n%s\nwant\n%s", tc.summary, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}

func TestGlobsOverlap(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"a", "a", true},
		{"a", "b", false},
		{"frame-*", "frame-1", true},
		{"frame-*", "frames", false},
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "*b", true},
		{"a*c", "ab*", true},
		{"a*c", "*b", false},
		{"*x*", "*y*", true},
		{"stats.*", "stats.a*", true},
		{"sem.*", "snap.*", false},
		{"*.data", "snap.*", true},
		{"s*", "sem.snap.*", true},
		// "*" never matches "/", so a pattern needing one matches nothing.
		{"*", "a/b", false},
	} {
		for _, pair := range [][2]string{{tc.a, tc.b}, {tc.b, tc.a}} {
			if got := review.GlobsOverlap(pair[0], pair[1]); got != tc.want {
				t.Errorf("globsOverlap(%q, %q) = %v, want %v", pair[0], pair[1], got, tc.want)
			}
		}
	}
}

func TestFindingsAreTyped(t *testing.T) {
	yaml := slotYaml("    write: [\"a/b\"]\n    colour: blue\n")
	sanitized := parse(t, yaml)
	builtin.SanitizePlugsSlots(sanitized)
	findings, err := review.Snaps([]review.Snap{{Label: "snap.yaml", Info: parse(t, yaml), BadInterfaces: sanitized.BadInterfaces}})
	if err != nil {
		t.Fatal(err)
	}
	want := []review.Finding{{
		Label: "snap.yaml", Check: review.Rejected, Kind: "slot", Name: "shmem",
		Message: `shared-memory interface path should not contain '/': "a/b"`,
	}, {
		Label: "snap.yaml", Check: review.UnknownAttribute, Kind: "slot", Name: "shmem",
		Attr: "colour", Value: "blue", HasValue: true,
		Message: "is unknown to the shared-memory interface: it is ignored",
	}}
	if !reflect.DeepEqual(findings, want) {
		t.Fatalf("findings %#v, want %#v", findings, want)
	}
	if findings[0].Severity() != review.Error || findings[1].Severity() != review.Warning {
		t.Errorf("severities %q and %q, want error and warning", findings[0].Severity(), findings[1].Severity())
	}
}

// A snap without Info is an error naming it, not a panic.
func TestSnapsWithoutInfo(t *testing.T) {
	_, err := review.Snaps([]review.Snap{{Label: "a.yaml", Info: parse(t, slotYaml(""))}, {Label: "b.yaml"}})
	if err == nil || err.Error() != `cannot review snap #2 (label "b.yaml"): its Info is nil` {
		t.Errorf("error %v", err)
	}
}

// Typos get the fix: the interface or attribute meant and what the typo
// does, and what to write for a quoted bool or a "**".
func TestSayTheFix(t *testing.T) {
	for _, tc := range []struct {
		yaml string
		want []string
	}{{
		"name: a\nversion: 1\nplugs:\n  frames:\n    interface: shared_memory\n",
		[]string{`snap.yaml: warning: plug "frames": attribute "interface" value "shared_memory" is not an interface snapd has: did you mean "shared-memory"?`},
	}, {
		"name: a\nversion: 1\nslots:\n  frames:\n    interface: shared-memory\n    sharedmemory: cam\n    reads: [x]\n    write: [frames]\n",
		[]string{
			`snap.yaml: warning: slot "frames": attribute "reads" value ["x"] is unknown to the shared-memory interface: it is ignored; did you mean "read"? Without it, the slot declares no "read" names`,
			`snap.yaml: warning: slot "frames": attribute "sharedmemory" value "cam" is unknown to the shared-memory interface: it is ignored; did you mean "shared-memory"? Without it, the identifier is the slot's name, "frames"`,
		},
	}, {
		"name: a\nversion: 1\nplugs:\n  frames:\n    interface: shared-memory\n    private: \"true\"\n",
		[]string{`snap.yaml: error: plug "frames": shared-memory "private" attribute must be a bool, not true: the value is the string "true"; write private: true, without quotes`},
	}, {
		"name: a\nversion: 1\nslots:\n  frames:\n    interface: shared-memory\n    write: [frames-**]\n",
		[]string{`snap.yaml: error: slot "frames": shared-memory interface path is invalid: "frames-**" contains ** which is unsupported: /dev/shm has no subdirectories to share, so write "frames-*": "*" matches any run of characters in a name`},
	}} {
		sanitized := parse(t, tc.yaml)
		builtin.SanitizePlugsSlots(sanitized)
		findings, err := review.Snaps([]review.Snap{{Label: "snap.yaml", Info: parse(t, tc.yaml), BadInterfaces: sanitized.BadInterfaces}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range findings {
			got = append(got, f.String())
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n%q\nwant\n%q", tc.yaml, got, tc.want)
		}
	}
}

// A key given twice in a snap.yaml is reported, with the value snapd keeps.
func TestDuplicateKeys(t *testing.T) {
	yaml := "name: a\nversion: 1\nslots:\n  frames:\n    interface: shared-memory\n    write: [one]\n    write: [two]\nversion: 2\n"
	findings, err := review.Snaps([]review.Snap{{Label: "snap.yaml", Info: parse(t, yaml), YAML: []byte(yaml)}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range findings {
		got = append(got, f.String())
	}
	want := []string{
		`snap.yaml: warning: slot "frames": attribute "write" value ["two"] is given twice: snapd keeps this last value and drops ["one"]`,
		`snap.yaml: warning: key "version" is given twice: snapd keeps the last value, 2, and drops 1`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n%q\nwant\n%q", got, want)
	}
}
