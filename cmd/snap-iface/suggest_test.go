package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/internal/golden"
)

// The logs in testdata/suggest, each in its form: dmesg, journalctl -k,
// audit.log; and their exit statuses.
var suggestLogs = []struct {
	name   string
	status int
}{{"ros2-dmesg", exitOK}, {"chromium-journal", exitFindings}, {"audit", exitFindings}}

func TestSuggest(t *testing.T) {
	for _, log := range suggestLogs {
		path := filepath.Join("testdata", "suggest", log.name+".log")
		for _, format := range []struct{ ext, flag string }{{"txt", "--exact=false"}, {"json", "--json"}} {
			r := runIn(t, moduleRoot, "suggest", format.flag, path)
			if r.status != log.status || r.stderr != "" {
				t.Errorf("snap-iface suggest %s %s: status %d, stderr %q; want %d", format.flag, path, r.status, r.stderr, log.status)
			}
			golden.File(t, filepath.Join("testdata", "suggest-"+log.name+"."+format.ext), r.stdout)
		}
	}
}

// Standard input and several files read as one log.
func TestSuggestInput(t *testing.T) {
	var logs [][]byte
	for _, name := range []string{"ros2-dmesg", "chromium-journal"} {
		data, err := os.ReadFile(filepath.Join(moduleRoot, "testdata", "suggest", name+".log"))
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, data)
	}
	cmd := exec.Command(binary, "suggest")
	cmd.Stdin = bytes.NewReader(bytes.Join(logs, nil))
	stdin, err := cmd.Output()
	if err == nil || cmd.ProcessState.ExitCode() != exitFindings {
		t.Errorf("suggest from standard input: %v; want status %d", err, exitFindings)
	}
	files := runIn(t, moduleRoot, "suggest", "testdata/suggest/ros2-dmesg.log", "testdata/suggest/chromium-journal.log")
	if string(stdin) != files.stdout {
		t.Errorf("suggest from standard input:\n%s\nfrom files:\n%s", stdin, files.stdout)
	}
	for _, want := range []string{"snap connect ros2-listener:fastrtps ros2-talker:fastrtps\n", "snap connect chromium:shared-memory :shared-memory\n"} {
		if !strings.Contains(files.stdout, want) {
			t.Errorf("suggest of two logs lacks %q:\n%s", want, files.stdout)
		}
	}
}

func TestSuggestErrors(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"suggest", "missing.log"}, "snap-iface: cannot read log: open missing.log: no such file or directory\n"},
		{[]string{"suggest", "/dev/zero"}, "snap-iface: cannot read log /dev/zero: the logs are larger than 67108864 bytes (64 MiB): give the part with the denials, such as journalctl -k --since today\n"},
		{[]string{"suggest", "--exact=maybe"}, `snap-iface: suggest: invalid boolean value "maybe" for -exact: parse error` + "\n"},
		{[]string{"suggest", "testdata"}, "snap-iface: cannot read log: read testdata: is a directory\n"},
	} {
		r := runIn(t, moduleRoot, tc.args...)
		if r.status != exitUsage || r.stderr != tc.stderr || r.stdout != "" {
			t.Errorf("snap-iface %q: status %d, stdout %q, stderr %q; want %d and %q", tc.args, r.status, r.stdout, r.stderr, exitUsage, tc.stderr)
		}
	}
}

// --check compiles the profiles of both snaps with apparmor_parser.
func TestSuggestCheck(t *testing.T) {
	r := runIn(t, moduleRoot, "suggest", "--check", "testdata/suggest/ros2-dmesg.log")
	want := "check: snap-update-ns.ros2-listener, snap-update-ns.ros2-talker, snap.ros2-listener.listener, snap.ros2-talker.talker compile\n"
	if r.status != exitOK || !strings.HasSuffix(r.stdout, want) {
		t.Errorf("suggest --check: status %d, stdout:\n%s\nstderr %q; want it to end with %q", r.status, r.stdout, r.stderr, want)
	}
}
