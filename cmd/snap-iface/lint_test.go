package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// A slot whose one "read" name the plug can write.
const lintWritableRead = `name: frames
version: 1
slots:
  frames:
    interface: shared-memory
    write: [frames]
    read: [frames]
`

func TestLint(t *testing.T) {
	for _, tc := range []struct {
		summary string
		// files are written to a new directory, where lint runs; without
		// them lint runs on the examples in the module's testdata.
		files  map[string]string
		args   []string
		status int
		// want is the lines on stdout.
		want   []string
		stderr string
	}{{
		summary: "clean pair; defaults that the sanitizer adds are no findings",
		args:    []string{"testdata/reference/consumer.yaml", "testdata/reference/provider.yaml"},
		status:  exitOK,
		want:    []string{"no findings in 2 files"},
	}, {
		summary: "one file, no findings",
		args:    []string{"testdata/reference/consumer.yaml"},
		status:  exitOK,
		want:    []string{"no findings in 1 file"},
	}, {
		summary: "a missing file and a file with findings: the other files are linted",
		files:   map[string]string{"snap.yaml": lintWritableRead},
		args:    []string{"missing.yaml", "snap.yaml", "gone.yaml"},
		status:  exitUsage,
		want: []string{
			`snap.yaml: warning: slot "frames": attribute "read" value "frames" is not read-only: the plug can write it through "write" entry "frames"`,
		},
		stderr: "snap-iface: cannot read snap.yaml: open missing.yaml: no such file or directory; cannot read snap.yaml: open gone.yaml: no such file or directory\n",
	}, {
		summary: "a missing file and a clean one",
		args:    []string{"testdata/reference/consumer.yaml", "missing.yaml"},
		status:  exitUsage,
		want:    []string{"no findings in 1 file"},
		stderr:  "snap-iface: cannot read snap.yaml: open missing.yaml: no such file or directory\n",
	}, {
		summary: "read name also in write",
		files:   map[string]string{"snap.yaml": lintWritableRead},
		status:  exitFindings,
		want: []string{
			`snap.yaml: warning: slot "frames": attribute "read" value "frames" is not read-only: the plug can write it through "write" entry "frames"`,
		},
	}, {
		summary: "the sanitizer's verdict",
		files:   map[string]string{"snap.yaml": "name: bad\nversion: 1\nplugs:\n  p:\n    interface: shared-memory\n    private: \"yes\"\n"},
		status:  exitFindings,
		want: []string{
			`snap.yaml: error: plug "p": shared-memory "private" attribute must be a bool, not yes`,
		},
	}, {
		summary: "plug and slot identifiers that never match; the system slot offers none",
		args:    []string{"testdata/reference/consumer.yaml", "testdata/wildcard/provider.yaml", "testdata/private/core.yaml"},
		status:  exitFindings,
		want: []string{
			`testdata/reference/consumer.yaml: warning: plug "my-ipc": attribute "shared-memory" value "my-ipc" matches no slot: the slots offer "frames" (testdata/wildcard/provider.yaml slot "frames")`,
		},
	}, {
		summary: "a key given twice: snapd keeps the last",
		files:   map[string]string{"snap.yaml": "name: dup\nversion: 1\nslots:\n  frames:\n    interface: shared-memory\n    write: [one]\n    write: [two]\n"},
		status:  exitFindings,
		want: []string{
			`snap.yaml: warning: slot "frames": attribute "write" value ["two"] is given twice: snapd keeps this last value and drops ["one"]`,
		},
	}, {
		summary: "the system slot has no attributes",
		files:   map[string]string{"snap.yaml": "name: core\nversion: 1\ntype: os\nslots:\n  shared-memory:\n    write: [a]\n"},
		status:  exitFindings,
		want: []string{
			`snap.yaml: warning: slot "shared-memory": attribute "write" value ["a"] is ignored: the system slot of an os or snapd snap has no attributes`,
		},
	}} {
		args := tc.args
		if args == nil {
			args = []string{"snap.yaml"}
		}
		dir := moduleRoot
		if tc.files != nil {
			dir = writeFiles(t, tc.files)
		}
		r := runIn(t, dir, append([]string{"lint"}, args...)...)
		if r.status != tc.status || r.stderr != tc.stderr {
			t.Errorf("%s: status %d, stderr %q; want status %d, stderr %q", tc.summary, r.status, r.stderr, tc.status, tc.stderr)
		}
		want := strings.Join(tc.want, "\n") + "\n"
		if r.stdout != want {
			t.Errorf("%s: findings\n%s\nwant\n%s", tc.summary, r.stdout, want)
		}
	}
}

// lint --json prints each finding's parts and its line, and an empty list
// for none.
func TestLintJSON(t *testing.T) {
	r := runIn(t, moduleRoot, "lint", "--json", "testdata/reference/consumer.yaml", "testdata/wildcard/provider.yaml")
	var doc struct {
		Findings []map[string]interface{} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.status != exitFindings || len(doc.Findings) != 1 {
		t.Fatalf("lint --json: status %d, %v, stdout:\n%s", r.status, err, r.stdout)
	}
	want := map[string]interface{}{
		"file": "testdata/reference/consumer.yaml", "severity": "warning", "check": "unmatched-plug", "kind": "plug", "name": "my-ipc",
		"attribute": "shared-memory", "value": "my-ipc", "message": `matches no slot: the slots offer "frames" (testdata/wildcard/provider.yaml slot "frames")`,
		"text": `testdata/reference/consumer.yaml: warning: plug "my-ipc": attribute "shared-memory" value "my-ipc" matches no slot: the slots offer "frames" (testdata/wildcard/provider.yaml slot "frames")`,
	}
	if !reflect.DeepEqual(doc.Findings[0], want) {
		t.Errorf("lint --json finding:\n%v\nwant\n%v", doc.Findings[0], want)
	}
	r = runIn(t, moduleRoot, "lint", "--json", "testdata/reference/consumer.yaml")
	if r.status != exitOK || r.stdout != "{\n  \"findings\": []\n}\n" {
		t.Errorf("lint --json without findings: status %d, stdout %q", r.status, r.stdout)
	}
}
