package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/policy"
	"github.com/snapd-shm/snapd-shm/interfaces/preview"
	"github.com/snapd-shm/snapd-shm/internal/golden"
)

// examples are the embedded examples, as plug and slot snap.yaml paths from
// the module root.
var examples = []struct {
	name, plug, slot string
	// warnings counts the lines expected on stderr.
	warnings int
	flags    []string
}{
	{"reference", "testdata/reference/consumer.yaml", "testdata/reference/provider.yaml", 0, nil},
	{"wildcard", "testdata/wildcard/consumer.yaml", "testdata/wildcard/provider.yaml", 0, nil},
	{"private", "testdata/private/consumer.yaml", "testdata/private/core.yaml", 0, nil},
	// snapcraft projects, with extensions that are not expanded.
	{"ros2", "testdata/ros2/listener", "testdata/ros2/talker", 2, nil},
	{"electron", "testdata/electron", "system", 0, nil},
	{"brand-store", "testdata/brand-store/dashboard.yaml", "testdata/brand-store/gateway.yaml", 0, []string{"--plug-publisher", "acme", "--slot-publisher", "acme", "--slot-granted"}},
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
			args := append(append(append([]string{"connect"}, format.flags...), ex.flags...), ex.plug, ex.slot)
			r := runIn(t, moduleRoot, args...)
			if r.status != exitOK || strings.Count(r.stderr, "snap-iface: warning: ") != ex.warnings || strings.Count(r.stderr, "\n") != ex.warnings {
				t.Errorf("snap-iface %q: status %d, stderr %q; want 0 and %d warnings", args, r.status, r.stderr, ex.warnings)
				continue
			}
			golden.File(t, filepath.Join("testdata", "connect-"+ex.name+"."+format.ext), r.stdout)
		}
	}
}

// connectJSON runs "connect --json" in dir and decodes the report.
func connectJSON(t *testing.T, dir string, wantStatus int, args ...string) preview.Report {
	t.Helper()
	r := runIn(t, dir, append([]string{"connect", "--json"}, args...)...)
	if r.status != wantStatus || r.stderr != "" {
		t.Fatalf("snap-iface connect %q: status %d, stderr %q; want status %d", args, r.status, r.stderr, wantStatus)
	}
	var report preview.Report
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatalf("snap-iface connect %q: cannot decode JSON: %v\n%s", args, err, r.stdout)
	}
	return report
}

// The report carries the flags' install and the verdicts that
// interfaces/policy gives for it; the exit status says whether the
// connection happens.
func TestConnectPublishers(t *testing.T) {
	ex := examples[0]
	for _, tc := range []struct {
		flags     []string
		status    int
		install   policy.Install
		connected policy.Connection
	}{
		{nil, exitOK, policy.Install{}, policy.ConnectedManual},
		{[]string{"--plug-publisher", "pub1", "--slot-publisher", "pub1"}, exitFindings, policy.Install{PlugPublisher: "pub1", SlotPublisher: "pub1"}, policy.NotConnected},
		{[]string{"--plug-publisher", "pub1", "--slot-publisher", "pub2", "--slot-granted"}, exitOK, policy.Install{PlugPublisher: "pub1", SlotPublisher: "pub2", SlotGranted: true}, policy.ConnectedAuto},
	} {
		args := append(append([]string{}, tc.flags...), ex.plug, ex.slot)
		p := connectJSON(t, moduleRoot, tc.status, args...).Policy
		want := policy.Install{PlugPublisher: p.PlugPublisher, SlotPublisher: p.SlotPublisher, SlotGranted: p.SlotGranted}
		if want != tc.install || p.Connected != tc.connected {
			t.Errorf("%q: policy %+v, want %+v, connected %q", tc.flags, p, tc.install, tc.connected)
		}
	}
}

// An invalid publisher is reported with its flag; main_test checks
// --plug-publisher.
func TestConnectBadSlotPublisher(t *testing.T) {
	ex := examples[0]
	r := runIn(t, moduleRoot, "connect", "--slot-publisher", "pub.lisher", ex.plug, ex.slot)
	want := "snap-iface: --slot-publisher: cannot make snap declaration: invalid name \"pub.lisher\"\n"
	if r.status != exitUsage || r.stderr != want {
		t.Errorf("status %d, stderr %q; want %d, %q", r.status, r.stderr, exitUsage, want)
	}
}

func TestConnectIdentifiersDiffer(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"consumer.yaml": "name: consumer\nversion: 1\nplugs:\n  ipc:\n    interface: shared-memory\n    shared-memory: other\n",
	})
	slot := filepath.Join(moduleRoot, examples[0].slot)
	reason := "plug identifier other does not match slot identifier my-ipc"
	// Installed locally, snap connect checks no connection policy.
	connectJSON(t, dir, exitOK, "consumer.yaml", slot)
	r := runIn(t, dir, "connect", "--plug-publisher", "pub", "--slot-publisher", "pub", "consumer.yaml", slot)
	if r.status != exitFindings {
		t.Errorf("store: status %d, want %d", r.status, exitFindings)
	}
	for _, want := range []string{"  snap connect: denied: " + reason + "\n", "  result: not connected in this install\n", "Rules a connection would grant (NOT granted in this install):\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("store: output lacks %q:\n%s", want, r.stdout)
		}
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

func TestConnectCheck(t *testing.T) {
	if _, err := os.Stat("/usr/sbin/apparmor_parser"); err != nil {
		if _, err := os.Stat("/sbin/apparmor_parser"); err != nil {
			t.Fatalf("connect --check needs apparmor_parser: install Debian's apparmor package")
		}
	}
	for _, tc := range []struct {
		example   int
		profiles  []string
		connected []string
	}{
		{0, []string{"snap-update-ns.consumer", "snap-update-ns.provider", "snap.consumer.client", "snap.provider.server"}, []string{"consumer:my-ipc provider:shmem (shared-memory, requested)"}},
		{2, []string{"snap-update-ns.scratchpad", "snap.scratchpad.worker"}, []string{"scratchpad:shared-memory core:shared-memory (shared-memory, auto-connected, requested)"}},
	} {
		ex := examples[tc.example]
		report := connectJSON(t, moduleRoot, exitOK, "--check", ex.plug, ex.slot)
		want := &preview.Check{OK: true, Profiles: tc.profiles, Connected: tc.connected, Unconnected: []string{}}
		if !reflect.DeepEqual(report.Check, want) {
			t.Errorf("%s: check %+v, want %+v", ex.name, report.Check, want)
		}
		r := runIn(t, moduleRoot, "connect", "--check", ex.plug, ex.slot)
		wantText := fmt.Sprintf("\n  compiled %d profiles: %s\n", len(tc.profiles), strings.Join(tc.profiles, ", "))
		if !strings.HasSuffix(r.stdout, wantText) {
			t.Errorf("%s: text output does not end with %q:\n%s", ex.name, wantText, r.stdout)
		}
	}
}

func TestConnectSystemArgument(t *testing.T) {
	report := connectJSON(t, moduleRoot, exitOK, examples[2].plug, "system")
	if s := report.Slot; s.Snap != "snapd" || s.Name != "shared-memory" || !s.Implicit || s.SnapType != "snapd" {
		t.Errorf("slot %+v, want the implicit system slot of the snapd snap", s)
	}
	if report.Policy.Connected != policy.ConnectedAuto {
		t.Errorf("policy %+v, want auto-connected", report.Policy)
	}
}

func TestConnectInstanceKeys(t *testing.T) {
	report := connectJSON(t, moduleRoot, exitOK, "--plug-instance-key", "foo", examples[2].plug, "system")
	if report.Plug.Snap != "scratchpad_foo" {
		t.Errorf("plug snap %q, want scratchpad_foo", report.Plug.Snap)
	}
	if got, want := report.PlugRules.MountProfile, "/dev/shm/snap.scratchpad_foo /dev/shm none bind,rw 0 0\n"; got != want {
		t.Errorf("mount profile %q, want %q", got, want)
	}
	ex := examples[0]
	report = connectJSON(t, moduleRoot, exitOK, "--plug-instance-key", "a", "--slot-instance-key", "b", ex.plug, ex.slot)
	if report.Plug.Snap != "consumer_a" || report.Slot.Snap != "provider_b" || report.PlugRules.AppArmor[0].Tag != "snap.consumer_a.client" {
		t.Errorf("plug %q, slot %q, tag %q; want consumer_a, provider_b, snap.consumer_a.client", report.Plug.Snap, report.Slot.Snap, report.PlugRules.AppArmor[0].Tag)
	}
}

// A snap both plug and slot side, as the ROS 2 talker connects its own
// plug to its own slot: its installation verdict is printed once.
func TestConnectOneSnapBothSides(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"talker.yaml": `name: talker
version: 1
apps:
  talker: {command: bin/talker, plugs: [dds-plug], slots: [dds-slot]}
plugs:
  dds-plug: {interface: shared-memory, shared-memory: dds}
slots:
  dds-slot: {interface: shared-memory, shared-memory: dds, write: ["fastrtps_*"]}
`,
	})
	r := runIn(t, dir, "connect", "talker.yaml", "talker.yaml")
	if r.status != exitOK || r.stderr != "" {
		t.Fatalf("status %d, stderr %q", r.status, r.stderr)
	}
	if n := strings.Count(r.stdout, "  install talker: "); n != 1 {
		t.Errorf("installation verdict printed %d times, want once:\n%s", n, r.stdout)
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
		"two.yaml": `name: two
version: 1
plugs:
  good: {interface: shared-memory, shared-memory: my-ipc}
  bad: {interface: shared-memory, private: "yes"}
`,
	})
	slot := filepath.Join(moduleRoot, examples[0].slot)
	r := runIn(t, dir, "connect", "consumer.yaml", slot)
	if r.status != exitFindings || r.stderr != "" {
		t.Fatalf("status %d, stderr %q; want %d", r.status, r.stderr, exitFindings)
	}
	for _, want := range []string{
		"  declaration: invalid\n",
		`    my-ipc: shared-memory "private" attribute must be a bool, not yes` + "\n",
		"No preview: the plug or the slot is rejected.\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	report := connectJSON(t, dir, exitFindings, "consumer.yaml", slot)
	// The home plug is not ours to judge: only shared-memory errors count.
	wantErrors := []preview.BadInterface{{Kind: "plug", Name: "my-ipc", Error: `shared-memory "private" attribute must be a bool, not yes`}}
	if report.Plug.Valid || !reflect.DeepEqual(report.Plug.Errors, wantErrors) {
		t.Errorf("plug %+v, want errors %+v", report.Plug, wantErrors)
	}
	if report.Plug.Attributes != nil || report.Policy != nil || report.PlugRules != nil || report.SlotRules != nil {
		t.Errorf("report of a rejected plug has attributes, policy or rules: %+v", report)
	}
	// The slot is valid whatever the plug is.
	report = connectJSON(t, dir, exitFindings, "consumer.yaml", "system")
	if s := report.Slot; !s.Implicit || s.Attributes == nil {
		t.Errorf("system slot %+v, want implicit with no attributes", s)
	}
	// The plug asked for is valid, but another shared-memory plug of its
	// snap is not: snapd installs the snap without it, and connects.
	report = connectJSON(t, dir, exitOK, "two.yaml:good", slot)
	if !report.Plug.Valid || report.Policy == nil || len(report.Plug.Errors) != 1 || report.Plug.Errors[0].Kind != "plug" {
		t.Errorf("plug %+v, policy %+v; want valid, with the other plug's error", report.Plug, report.Policy)
	}
	r = runIn(t, dir, "connect", "two.yaml:good", slot)
	for _, want := range []string{
		"  declaration: valid\n",
		"  also in snap two, rejected and left out by snapd: plug \"bad\": ",
		"  result: connected by snap connect",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestConnectNonFiniteAttributes(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"consumer.yaml": `name: consumer
version: 1
plugs:
  my-ipc: {interface: shared-memory, nan: .nan, inf: .inf, list: [-.inf, 1.5]}
`,
	})
	report := connectJSON(t, dir, exitOK, "consumer.yaml", filepath.Join(moduleRoot, examples[0].slot))
	want := map[string]interface{}{"nan": ".nan", "inf": ".inf", "list": []interface{}{"-.inf", 1.5}, "shared-memory": "my-ipc", "private": false}
	if !reflect.DeepEqual(report.Plug.Attributes, want) {
		t.Errorf("attributes %#v, want %#v", report.Plug.Attributes, want)
	}
}

func TestConnectPermissions(t *testing.T) {
	report := connectJSON(t, moduleRoot, exitOK, examples[0].plug, examples[0].slot)
	want := map[string]string{"mrwlk": "map executable (mmap with PROT_EXEC), read, write, link, lock", "r": "read"}
	if !reflect.DeepEqual(report.PlugRules.Permissions, want) {
		t.Errorf("permissions %v, want %v", report.PlugRules.Permissions, want)
	}
	r := runIn(t, moduleRoot, "connect", examples[0].plug, examples[0].slot)
	if want := "  permissions: mrwlk = map executable (mmap with PROT_EXEC), read, write, link, lock; r = read\n"; !strings.Contains(r.stdout, want) {
		t.Errorf("output lacks %q:\n%s", want, r.stdout)
	}
}

// The loader's warnings about a snapcraft project are printed on stderr;
// snap/snapyaml's tests cover the loading itself.
func TestConnectSnapcraft(t *testing.T) {
	slot := filepath.Join(moduleRoot, examples[3].slot)
	r := runIn(t, moduleRoot, "connect", "--json", "testdata/ros2/listener", slot)
	if r.status != exitOK {
		t.Fatalf("status %d, stderr %q", r.status, r.stderr)
	}
	want := "snap-iface: warning: testdata/ros2/listener/snap/snapcraft.yaml: extension \"ros2-humble\" (apps listener) is not expanded"
	if !strings.HasPrefix(r.stderr, want) {
		t.Errorf("stderr %q, want %q...", r.stderr, want)
	}
	var report preview.Report
	if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
		t.Fatal(err)
	}
	if report.Plug.File != "testdata/ros2/listener/snap/snapcraft.yaml" || report.PlugRules.AppArmor[0].Tag != "snap.ros2-listener.listener" {
		t.Errorf("plug %+v, rules %+v; want the listener app", report.Plug, report.PlugRules)
	}
}

// A snap as people ship them uses other interfaces too: --check writes its
// profiles with them, auto-connected as snapd's policy engine decides.
func TestConnectCheckRealSnap(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"app.yaml": `name: app
version: 1
apps:
  app:
    command: bin/app
    plugs: [frames, network, network-bind, home, x11, wayland, opengl, audio-playback, browser-support, removable-media, fonts]
plugs:
  frames: {interface: shared-memory}
  fonts: {interface: content, target: $SNAP/fonts, default-provider: fonts-provider}
`,
	})
	report := connectJSON(t, dir, exitOK, "--check", "app.yaml", filepath.Join(moduleRoot, examples[1].slot))
	if report.Check == nil || !report.Check.OK {
		t.Fatalf("check %+v, want the profiles compiled", report.Check)
	}
	got := strings.Join(report.Check.Connected, "\n")
	for _, want := range []string{
		"app:frames sensors:frames (shared-memory, requested)",
		"app:network snapd:network (network, auto-connected)",
		"app:x11 snapd:x11 (x11, auto-connected)",
		"app:opengl snapd:opengl (opengl, auto-connected)",
		"app:audio-playback snapd:audio-playback (audio-playback, auto-connected)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("connections lack %q:\n%s", want, got)
		}
	}
	// Manual-only interfaces stay unconnected, and are listed.
	for _, manual := range []string{"app:removable-media "} {
		if strings.Contains(got, manual) {
			t.Errorf("connections hold %q, which snapd connects only by hand:\n%s", manual, got)
		}
	}
	if want := []string{"app:fonts (content)", "app:removable-media (removable-media)"}; !reflect.DeepEqual(report.Check.Unconnected, want) {
		t.Errorf("unconnected %q, want %q", report.Check.Unconnected, want)
	}
	r := runIn(t, dir, "connect", "--check", "app.yaml", filepath.Join(moduleRoot, examples[1].slot))
	if want := "  plugs left unconnected:\n    app:fonts (content)\n    app:removable-media (removable-media)\n"; !strings.Contains(r.stdout, want) {
		t.Errorf("output lacks %q:\n%s", want, r.stdout)
	}
}

// A slot that shares semaphores also lets both sides create glibc's
// temporary semaphore name; connect shows that rule with its reason.
func TestConnectSemaphores(t *testing.T) {
	ex := examples[3]
	r := runIn(t, moduleRoot, "connect", ex.plug, ex.slot)
	for _, want := range []string{
		"    # Description: glibc's sem_open creates a semaphore as sem.XXXXXX, then links it to its name.\n" +
			`    owner "/{dev,run}/shm/sem.[a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9]" mrwk,` + "\n",
		"  permissions: mrwk = map executable (mmap with PROT_EXEC), read, write, lock; mrwlk = map executable (mmap with PROT_EXEC), read, write, link, lock\n",
	} {
		if strings.Count(r.stdout, want) != 2 {
			t.Errorf("output does not hold twice, once for each side:\n%s\n%s", want, r.stdout)
		}
	}
}
