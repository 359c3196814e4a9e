package main

import (
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
)

// TestConnectEnforce runs the reference example's probes in the kernel.
func TestConnectEnforce(t *testing.T) {
	report := connectJSON(t, moduleRoot, exitOK, "--enforce", "testdata/reference/consumer.yaml", "testdata/reference/provider.yaml")
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
			{OpenRead: allowed, OpenWrite: allowed, Create: allowed, MapWrite: allowed, Unlink: allowed},
			{OpenRead: allowed, OpenWrite: allowed, Create: allowed, MapWrite: allowed, Unlink: allowed},
		},
		"teachers": {
			{OpenRead: allowed, OpenWrite: denied, Create: denied, MapWrite: denied, Unlink: denied},
			{OpenRead: allowed, OpenWrite: allowed, Create: allowed, MapWrite: allowed, Unlink: allowed},
		},
		"snap-iface-undeclared": {
			{OpenRead: denied, OpenWrite: denied, Create: denied, MapWrite: denied, Unlink: denied},
			{OpenRead: denied, OpenWrite: denied, Create: denied, MapWrite: denied, Unlink: denied},
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
		"  teachers      read   teachers               plug  allowed    denied      denied   denied      denied   -         -\n",
	} {
		if !strings.Contains(text.stdout, line) {
			t.Errorf("connect --enforce: no line %q in:\n%s", line, text.stdout)
		}
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
