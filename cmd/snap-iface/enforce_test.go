package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/preview"
)

// TestConnectEnforce runs the reference example's probes in the kernel.
func TestConnectEnforce(t *testing.T) {
	r := runIn(t, moduleRoot, "connect", "--json", "--enforce", "testdata/reference/consumer.yaml", "testdata/reference/provider.yaml")
	var report preview.Report
	if err := json.Unmarshal([]byte(r.stdout), &report); r.status != exitOK || err != nil {
		t.Fatalf("connect --enforce --json: status %d, %v, stderr %q", r.status, err, r.stderr)
	}
	// Progress, on stderr: the probe's build, the kernel's boot, its time.
	progress := regexp.MustCompile(`^snap-iface: --enforce: building the probe program with gcc [^\n]*\n` +
		`snap-iface: --enforce: compiling \d+ profiles with apparmor_parser for the User-mode Linux kernel, then booting it to load them and run \d+ probe steps\n` +
		`snap-iface: --enforce: the kernel ran for \d+\.\d s\n$`)
	if !progress.MatchString(r.stderr) {
		t.Errorf("connect --enforce: progress on stderr %q, want it to match %s", r.stderr, progress)
	}
	table := report.Enforce
	if table == nil {
		t.Fatal("connect --enforce --json: no enforce table")
	}
	if !strings.HasPrefix(table.Kernel, "6.1.") || table.Plug != (enforce.Side{Snap: "consumer", App: "client"}) || table.Slot == nil || *table.Slot != (enforce.Side{Snap: "provider", App: "server"}) {
		t.Errorf("table for %q, %+v and %+v", table.Kernel, table.Plug, table.Slot)
	}
	allowed := enforce.Outcome{Allowed: true}
	denied := enforce.Outcome{Errno: "EACCES"}
	want := map[string][2]enforce.Access{
		"students": {
			{OpenRead: allowed, OpenWrite: allowed, Create: allowed, MapRead: allowed, MapWrite: allowed, Unlink: allowed},
			{OpenRead: allowed, OpenWrite: allowed, Create: allowed, MapRead: allowed, MapWrite: allowed, Unlink: allowed},
		},
		"teachers": {
			{OpenRead: allowed, OpenWrite: denied, Create: denied, MapRead: allowed, MapWrite: denied, Unlink: denied},
			{OpenRead: allowed, OpenWrite: allowed, Create: allowed, MapRead: allowed, MapWrite: allowed, Unlink: allowed},
		},
		"snap-iface-undeclared": {
			{OpenRead: denied, OpenWrite: denied, Create: denied, MapRead: denied, MapWrite: denied, Unlink: denied},
			{OpenRead: denied, OpenWrite: denied, Create: denied, MapRead: denied, MapWrite: denied, Unlink: denied},
		},
	}
	if len(table.Rows) != len(want) {
		t.Fatalf("rows %+v, want %d", table.Rows, len(want))
	}
	for _, row := range table.Rows {
		w, ok := want[row.Sample]
		if !ok || row.Slot == nil || row.Plug != w[0] || *row.Slot != w[1] {
			t.Errorf("row %+v (slot %+v): want %+v", row, row.Slot, w)
		}
	}
	text := runIn(t, moduleRoot, "connect", "--enforce", "testdata/reference/consumer.yaml", "testdata/reference/provider.yaml")
	for _, line := range []string{
		"  plug side: snap.consumer.client; slot side: snap.provider.server\n",
		"  MAP: mmap shared, without PROT_EXEC; SEM_OPEN: of a semaphore that neither side created (made unconfined)\n",
		"  teachers      read   teachers               plug  allowed    denied      denied   allowed   denied     denied   -         -\n",
	} {
		if !strings.Contains(text.stdout, line) {
			t.Errorf("connect --enforce: no line %q in:\n%s", line, text.stdout)
		}
	}
}

// TestConnectEnforceSemaphores: glibc creates the ROS 2 example's
// semaphores on both sides, and only those the slot names.
func TestConnectEnforceSemaphores(t *testing.T) {
	// The warnings on stderr are about the snapcraft extensions.
	r := runIn(t, moduleRoot, "connect", "--json", "--enforce", "testdata/ros2/listener", "testdata/ros2/talker")
	var report preview.Report
	if err := json.Unmarshal([]byte(r.stdout), &report); r.status != exitOK || err != nil {
		t.Fatalf("connect --enforce --json: status %d, %v, stderr %q", r.status, err, r.stderr)
	}
	if report.Enforce == nil {
		t.Fatal("connect --enforce --json: no enforce table")
	}
	want := map[string]enforce.Outcome{
		"sem.fastrtps_probe":     {Allowed: true},
		"sem.not-fastrtps_probe": {Errno: "EACCES"},
	}
	found := 0
	for _, row := range report.Enforce.Rows {
		w, ok := want[row.Sample]
		if !ok {
			if row.Plug.SemOpen != nil || row.Plug.SemCreate != nil {
				t.Errorf("row %q: sem_open probed on an object that is not a semaphore", row.Sample)
			}
			continue
		}
		found++
		for side, access := range map[string]*enforce.Access{"plug": &row.Plug, "slot": row.Slot} {
			if access == nil || access.SemOpen == nil || access.SemCreate == nil || *access.SemOpen != w || *access.SemCreate != w {
				t.Errorf("row %q, %s side: %+v; want sem_open and sem_create %v", row.Sample, side, access, w)
			}
		}
	}
	if found != len(want) {
		t.Errorf("rows %+v: want the samples %v", report.Enforce.Rows, want)
	}
}

// TestConnectEnforceWithoutKernel: without linux.uml, one line says how to
// install it.
func TestConnectEnforceWithoutKernel(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	r := runIn(t, moduleRoot, "connect", "--enforce", "testdata/reference/consumer.yaml", "testdata/reference/provider.yaml")
	want := "snap-iface: --enforce: linux.uml not found: install Debian's user-mode-linux package (apt-get install user-mode-linux)\n"
	if r.status != exitUsage || r.stderr != want || r.stdout != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want %d and %q", r.status, r.stdout, r.stderr, exitUsage, want)
	}
}
