package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/internal/golden"
)

// examples are the embedded examples, as plug and slot snap.yaml paths from
// the module root.
var examples = []struct {
	name, plug, slot string
}{
	{"reference", "testdata/reference/consumer.yaml", "testdata/reference/provider.yaml"},
	{"wildcard", "testdata/wildcard/consumer.yaml", "testdata/wildcard/provider.yaml"},
	{"private", "testdata/private/consumer.yaml", "testdata/private/core.yaml"},
}

func TestConnectGolden(t *testing.T) {
	for _, ex := range examples {
		for _, format := range []struct {
			ext   string
			flags []string
		}{
			{"txt", nil},
			{"json", []string{"--json"}},
		} {
			args := append(append([]string{"connect"}, format.flags...), ex.plug, ex.slot)
			r := runIn(t, moduleRoot, args...)
			if r.status != exitOK || r.stderr != "" {
				t.Errorf("snap-iface %q: status %d, stderr %q", args, r.status, r.stderr)
				continue
			}
			golden.File(t, filepath.Join("testdata", "connect-"+ex.name+"."+format.ext), r.stdout)
		}
	}
}

// connectJSON runs "connect --json" in dir and decodes the report.
func connectJSON(t *testing.T, dir string, wantStatus int, args ...string) connectReport {
	t.Helper()
	r := runIn(t, dir, append([]string{"connect", "--json"}, args...)...)
	if r.status != wantStatus || r.stderr != "" {
		t.Fatalf("snap-iface connect %q: status %d, stderr %q; want status %d", args, r.status, r.stderr, wantStatus)
	}
	var report connectReport
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("snap-iface connect %q: cannot decode JSON: %v\n%s", args, err, r.stdout)
	}
	return report
}

func TestConnectPublishers(t *testing.T) {
	ex := examples[0]
	for _, tc := range []struct {
		plugPublisher, slotPublisher string
		autoConnect                  bool
		autoConnectReason            string
	}{
		{"", "", false, `auto-connection not allowed by plug rule of interface "shared-memory"`},
		{"pub1", "pub1", true, ""},
		{"pub1", "pub2", false, `auto-connection not allowed by plug rule of interface "shared-memory"`},
	} {
		args := []string{ex.plug, ex.slot}
		if tc.plugPublisher != "" {
			args = append(args, "--plug-publisher", tc.plugPublisher, "--slot-publisher", tc.slotPublisher)
		}
		p := connectJSON(t, moduleRoot, exitOK, args...).Policy
		want := &policyReport{
			PlugPublisher: tc.plugPublisher,
			SlotPublisher: tc.slotPublisher,
			InstallPlug:   verdict{Allowed: true},
			// The slot is super-privileged: only a grant in the snap
			// declaration allows it.
			InstallSlot: verdict{Reason: `installation denied by "shmem" slot rule of interface "shared-memory"`},
			Connect:     verdict{Allowed: true},
			AutoConnect: verdict{Allowed: tc.autoConnect, Reason: tc.autoConnectReason},
		}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("publishers %q, %q: policy %+v, want %+v", tc.plugPublisher, tc.slotPublisher, p, want)
		}
	}
}

func TestConnectIdentifiersDiffer(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"consumer.yaml": "name: consumer\nversion: 1\nplugs:\n  ipc:\n    interface: shared-memory\n    shared-memory: other\n",
	})
	p := connectJSON(t, dir, exitOK, "consumer.yaml", filepath.Join(moduleRoot, examples[0].slot)).Policy
	if p.Connect.Allowed || !strings.Contains(p.Connect.Reason, "connection not allowed") {
		t.Errorf("connect verdict %+v, want a denial", p.Connect)
	}
}

func TestConnectImplicitSystemSlot(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		// snapd's own snap declares no slots: the system slot is implicit.
		"snapd.yaml": "name: snapd\nversion: 1\ntype: snapd\n",
	})
	report := connectJSON(t, dir, exitOK, filepath.Join(moduleRoot, examples[2].plug), "snapd.yaml")
	if s := report.Slot; s.Name != "shared-memory" || !s.Implicit || s.SnapType != "snapd" || len(s.Attributes) != 0 {
		t.Errorf("slot %+v, want the implicit system slot", s)
	}
	if !report.Policy.Connect.Allowed || !report.Policy.AutoConnect.Allowed {
		t.Errorf("policy %+v, want connection and auto-connection allowed", report.Policy)
	}
	if got, want := report.PlugRules.MountProfile, "/dev/shm/snap.scratchpad /dev/shm none bind,rw 0 0\n"; got != want {
		t.Errorf("mount profile %q, want %q", got, want)
	}
}

func TestConnectNamedEndpoints(t *testing.T) {
	ex := examples[0]
	report := connectJSON(t, moduleRoot, exitOK, ex.plug+":my-ipc", ex.slot+":shmem")
	if report.Plug.Name != "my-ipc" || report.Slot.Name != "shmem" {
		t.Errorf("plug %q, slot %q; want my-ipc and shmem", report.Plug.Name, report.Slot.Name)
	}
}

func TestConnectInvalidDeclaration(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"consumer.yaml": `name: consumer
version: 1
plugs:
  my-ipc:
    interface: shared-memory
    private: "yes"
  files: home
`,
	})
	r := runIn(t, dir, "connect", "consumer.yaml", filepath.Join(moduleRoot, examples[0].slot))
	if r.status != exitFindings || r.stderr != "" {
		t.Fatalf("status %d, stderr %q; want %d", r.status, r.stderr, exitFindings)
	}
	for _, want := range []string{
		"  declaration: invalid\n",
		`    my-ipc: shared-memory "private" attribute must be a bool, not "yes"` + "\n",
		"No preview: the plug or the slot is rejected.\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	report := connectJSON(t, dir, exitFindings, "consumer.yaml", filepath.Join(moduleRoot, examples[0].slot))
	// The home plug is not ours to judge: only shared-memory errors count.
	wantErrors := []badInterface{{"my-ipc", `shared-memory "private" attribute must be a bool, not "yes"`}}
	if report.Plug.Valid || !reflect.DeepEqual(report.Plug.Errors, wantErrors) {
		t.Errorf("plug %+v, want errors %+v", report.Plug, wantErrors)
	}
	if report.Plug.Attributes != nil || report.Policy != nil || report.PlugRules != nil || report.SlotRules != nil {
		t.Errorf("report of a rejected plug has attributes, policy or rules: %+v", report)
	}
}

func TestConnectCheck(t *testing.T) {
	if _, err := os.Stat("/usr/sbin/apparmor_parser"); err != nil {
		if _, err := os.Stat("/sbin/apparmor_parser"); err != nil {
			t.Fatalf("connect --check needs apparmor_parser: install Debian's apparmor package")
		}
	}
	for _, tc := range []struct {
		example  int
		profiles []string
	}{
		{0, []string{"snap-update-ns.consumer", "snap-update-ns.provider", "snap.consumer.client", "snap.provider.server"}},
		{2, []string{"snap-update-ns.scratchpad", "snap.scratchpad.worker"}},
	} {
		ex := examples[tc.example]
		report := connectJSON(t, moduleRoot, exitOK, "--check", ex.plug, ex.slot)
		want := &checkReport{OK: true, Profiles: tc.profiles}
		if !reflect.DeepEqual(report.Check, want) {
			t.Errorf("%s: check %+v, want %+v", ex.name, report.Check, want)
		}
		r := runIn(t, moduleRoot, "connect", "--check", ex.plug, ex.slot)
		wantText := fmt.Sprintf("\napparmor_parser:\n  compiled %d profiles: %s\n", len(tc.profiles), strings.Join(tc.profiles, ", "))
		if !strings.HasSuffix(r.stdout, wantText) {
			t.Errorf("%s: text output does not end with %q:\n%s", ex.name, wantText, r.stdout)
		}
	}
}
