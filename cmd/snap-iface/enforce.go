package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/preview"
)

// enforceTable runs the connection's probes in the User-mode Linux kernel,
// under the full profiles of both snaps, and returns the access table. An
// invalid plug or slot has none.
func enforceTable(r *preview.Report) (*enforce.Table, error) {
	if err := enforce.Available(); err != nil {
		return nil, fmt.Errorf("--enforce: %v", err)
	}
	if r.Policy == nil {
		return nil, nil
	}
	setup, err := r.Setup()
	if err != nil {
		return nil, flagError(err)
	}
	table, err := enforce.AccessTable(setup, setup.Connections[0], progress{})
	if err != nil {
		return nil, fmt.Errorf("--enforce: %v", err)
	}
	return table, nil
}

// progress prints what --enforce is doing on stderr, a line at a time.
type progress struct{}

func (progress) Write(line []byte) (int, error) {
	fmt.Fprintf(warningOutput, "snap-iface: --enforce: %s", line)
	return len(line), nil
}

// writeEnforceText prints the access table: one line per object and side.
func writeEnforceText(w io.Writer, t *enforce.Table) {
	if t == nil {
		return
	}
	printf(w, "\nAccess the kernel granted (Linux %s, User-mode Linux, AppArmor; the full profiles loaded):\n", t.Kernel)
	slot := "none (system slot)"
	if t.Slot != nil {
		slot = "snap." + t.Slot.Snap + "." + t.Slot.App
	}
	printf(w, "  plug side: snap.%s.%s; slot side: %s\n", t.Plug.Snap, t.Plug.App, slot)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "  MAP: mmap shared, without PROT_EXEC; SEM_OPEN: of a semaphore that neither side created (made unconfined)")
	fmt.Fprintln(tw, "  NAME\tLIST\tOBJECT\tSIDE\tOPEN READ\tOPEN WRITE\tCREATE\tMAP READ\tMAP WRITE\tUNLINK\tSEM_OPEN\tSEM_OPEN CREATE")
	for _, row := range t.Rows {
		name, list := row.Name, row.List
		if name == "" {
			name, list = "(undeclared)", "-"
		}
		object := row.Sample
		if !row.Matches && row.Name != "" {
			object += " (no match)"
		}
		sides := []struct {
			side   string
			access *enforce.Access
		}{{"plug", &row.Plug}, {"slot", row.Slot}}
		for _, s := range sides {
			if s.access == nil {
				continue
			}
			a := s.access
			printf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, list, object, s.side,
				cellText(&a.OpenRead), cellText(&a.OpenWrite), cellText(&a.Create), cellText(&a.MapRead), cellText(&a.MapWrite), cellText(&a.Unlink),
				cellText(a.SemOpen), cellText(a.SemCreate))
			name, list, object = "", "", ""
		}
	}
	tw.Flush()
}

// cellText is "allowed", "denied" for the kernel's EACCES, "-" when not
// probed, or another errno as it is.
func cellText(o *enforce.Outcome) string {
	switch {
	case o == nil:
		return "-"
	case o.Allowed:
		return "allowed"
	case o.Errno == "EACCES":
		return "denied"
	}
	return o.Errno
}
