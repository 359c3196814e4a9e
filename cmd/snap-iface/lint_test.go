package main

import (
	"strings"
	"testing"
)

const lintConsumer = `name: consumer
version: 1
plugs:
  my-ipc:
    interface: shared-memory
`

// lintSlot returns a snap.yaml whose slot "shmem" has the given attributes.
func lintSlot(attrs string) string {
	return "name: provider\nversion: 1\nslots:\n  shmem:\n    interface: shared-memory\n" + attrs
}

func TestLint(t *testing.T) {
	for _, tc := range []struct {
		summary string
		files   map[string]string
		args    []string
		status  int
		// want is the lines on stdout.
		want   []string
		stderr string
	}{{
		summary: "clean pair; defaults that the sanitizer adds are no findings",
		files: map[string]string{
			"consumer.yaml": lintConsumer,
			"provider.yaml": lintSlot("    shared-memory: my-ipc\n    write: [students]\n    read: [teachers]\n"),
		},
		args:   []string{"consumer.yaml", "provider.yaml"},
		status: exitOK,
		want:   []string{"no findings in 2 files"},
	}, {
		summary: "one file, no findings",
		files:   map[string]string{"snap.yaml": lintConsumer},
		status:  exitOK,
		want:    []string{"no findings in 1 file"},
	}, {
		summary: "a missing file and a file with findings: the other files are linted",
		files:   map[string]string{"snap.yaml": lintSlot("    write: [students]\n    read: [students]\n")},
		args:    []string{"missing.yaml", "snap.yaml", "gone.yaml"},
		status:  exitUsage,
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "read" value "students" is not read-only: the plug can write it through "write" entry "students"`,
		},
		stderr: "snap-iface: cannot read snap.yaml: open missing.yaml: no such file or directory; cannot read snap.yaml: open gone.yaml: no such file or directory\n",
	}, {
		summary: "a missing file and a clean one",
		files:   map[string]string{"snap.yaml": lintConsumer},
		args:    []string{"snap.yaml", "missing.yaml"},
		status:  exitUsage,
		want:    []string{"no findings in 1 file"},
		stderr:  "snap-iface: cannot read snap.yaml: open missing.yaml: no such file or directory\n",
	}, {
		summary: "read name also in write",
		files:   map[string]string{"snap.yaml": lintSlot("    write: [students]\n    read: [students]\n")},
		status:  exitFindings,
		want: []string{
			`snap.yaml: warning: slot "shmem": attribute "read" value "students" is not read-only: the plug can write it through "write" entry "students"`,
		},
	}, {
		summary: "sanitizer errors",
		files: map[string]string{"snap.yaml": `name: bad
version: 1
plugs:
  p:
    interface: shared-memory
    private: "yes"
slots:
  s:
    interface: shared-memory
    write: ["a/b"]
`},
		status: exitFindings,
		want: []string{
			`snap.yaml: error: plug "p": shared-memory "private" attribute must be a bool, not "yes"`,
			`snap.yaml: error: slot "s": shared-memory "write" name "a/b" cannot contain "/"`,
		},
	}, {
		summary: "plug and slot identifiers that never match",
		files: map[string]string{
			"consumer.yaml": lintConsumer,
			"provider.yaml": lintSlot("    write: [students]\n"),
		},
		args:   []string{"consumer.yaml", "provider.yaml"},
		status: exitFindings,
		want: []string{
			`consumer.yaml: warning: plug "my-ipc": attribute "shared-memory" value "my-ipc" matches no slot: the slots offer "shmem" (provider.yaml slot "shmem")`,
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
		r := runIn(t, writeFiles(t, tc.files), append([]string{"lint"}, args...)...)
		if r.status != tc.status || r.stderr != tc.stderr {
			t.Errorf("%s: status %d, stderr %q; want status %d, stderr %q", tc.summary, r.status, r.stderr, tc.status, tc.stderr)
		}
		want := strings.Join(tc.want, "\n") + "\n"
		if r.stdout != want {
			t.Errorf("%s: findings\n%s\nwant\n%s", tc.summary, r.stdout, want)
		}
	}
}
