package enforce

import (
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/mount"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/sandbox/realsnapd"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

// Table is the access the kernel granted to one shared-memory connection:
// for each object probed, what an app on each side could do with it.
type Table struct {
	Kernel string `json:"kernel"` // the kernel's release
	Plug   Side   `json:"plug"`
	// Slot is null for the system slot, which has no app.
	Slot *Side `json:"slot"`
	Rows []Row `json:"rows"`
}

// Side is the app that probed one side of the connection.
type Side struct {
	Snap string `json:"snap"` // instance name
	App  string `json:"app"`
}

// Row is one object probed.
type Row struct {
	// Name is the declared name the sample stands for; "" for an object
	// that no declaration names.
	Name string `json:"name"`
	// List is the slot attribute that declares Name: "write", "read" or
	// "write, read"; "private" for a private plug's /dev/shm.
	List string `json:"list"`
	// Sample is the object probed, in /dev/shm.
	Sample string `json:"sample"`
	// Matches is true when Sample matches Name.
	Matches bool    `json:"matches"`
	Plug    Access  `json:"plug"`
	Slot    *Access `json:"slot"`
}

// Access is what one app did with one object.
type Access struct {
	OpenRead  Outcome `json:"open_read"`
	OpenWrite Outcome `json:"open_write"`
	Create    Outcome `json:"create"`
	// MapRead and MapWrite map the object shared, without PROT_EXEC:
	// read-only from a read-only descriptor, and writable.
	MapRead  Outcome `json:"mmap_read"`
	MapWrite Outcome `json:"mmap_write"`
	Unlink   Outcome `json:"unlink"`
	// SemOpen is sem_open of the existing semaphore, created unconfined,
	// by neither side, and SemCreate
	// sem_open(O_CREAT|O_EXCL) of the absent one; null unless the sample
	// names a semaphore (it starts with "sem.").
	SemOpen   *Outcome `json:"sem_open"`
	SemCreate *Outcome `json:"sem_create"`
}

// Samples: a glob's "*" stands for sampleFill; undeclaredSample is the
// object no declaration should name.
const (
	sampleFill       = "probe"
	undeclaredSample = "snap-iface-undeclared"
)

// AccessProbe is the scene that measures a connection's Table.
type AccessProbe struct {
	scene *Scene
	table Table
	cells []cell
}

// cell is one probe step and where its outcome goes.
type cell struct {
	row, step int
	slot      bool
	column    func(*Access) *Outcome
}

// NewAccessProbe sets up the snaps of setup, with the connection conn, in a
// scene named name, and the steps that probe the connection's objects from
// an app of each side (the first, by name, that uses the plug or slot).
func NewAccessProbe(name string, programs Programs, setup system.Setup, conn system.Connection) (*AccessProbe, error) {
	setup.Connections = []system.Connection{conn}
	scene, err := GenerateScene(name, programs, setup)
	if err != nil {
		return nil, err
	}
	p := &AccessProbe{scene: scene}
	var plug *snap.PlugInfo
	var slot *snap.SlotInfo
	for _, s := range setup.Snaps {
		info, err := system.ReadSnap(s, setup.Registry)
		if err != nil {
			return nil, err
		}
		if info.InstanceName() == conn.PlugSnap && info.Plugs[conn.Plug] != nil {
			plug = info.Plugs[conn.Plug]
		}
		if info.InstanceName() == conn.SlotSnap && info.Slots[conn.Slot] != nil {
			slot = info.Slots[conn.Slot]
		}
	}
	if plug == nil || slot == nil {
		return nil, fmt.Errorf("cannot probe connection %s:%s %s:%s: no such plug or slot", conn.PlugSnap, conn.Plug, conn.SlotSnap, conn.Slot)
	}
	plugApp := firstApp(plug.Apps)
	if plugApp == "" {
		return nil, fmt.Errorf("cannot probe plug %q of snap %q: no app uses it", conn.Plug, conn.PlugSnap)
	}
	p.table.Plug = Side{Snap: conn.PlugSnap, App: plugApp}
	if slotApp := firstApp(slot.Apps); slotApp != "" {
		p.table.Slot = &Side{Snap: conn.SlotSnap, App: slotApp}
	}
	for _, row := range rows(plug, slot) {
		p.addRow(row)
	}
	return p, nil
}

func firstApp(apps map[string]*snap.AppInfo) string {
	var names []string
	for name := range apps {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// rows returns the objects to probe: for a private plug, an object and a
// semaphore in its /dev/shm; otherwise for each name the slot declares, a
// sample that matches it and, for a glob, one that matches no declared
// name; and one object that no name declares.
func rows(plug *snap.PlugInfo, slot *snap.SlotInfo) []Row {
	if private, _ := plug.Attrs["private"].(bool); private {
		return []Row{
			{Name: "*", List: "private", Sample: sampleFill, Matches: true},
			{Name: "*", List: "private", Sample: "sem." + sampleFill, Matches: true},
		}
	}
	var names []string
	lists := make(map[string][]string)
	for _, attr := range []string{"write", "read"} {
		values, _ := slot.Attrs[attr].([]interface{})
		for _, v := range values {
			name, _ := v.(string)
			if len(lists[name]) == 0 {
				names = append(names, name)
			}
			if n := len(lists[name]); n == 0 || lists[name][n-1] != attr {
				lists[name] = append(lists[name], attr)
			}
		}
	}
	declared := func(sample string) bool {
		for _, name := range names {
			if matched, _ := path.Match(name, sample); matched {
				return true
			}
		}
		return false
	}
	var rows []Row
	for _, name := range names {
		list := strings.Join(lists[name], ", ")
		sample := strings.ReplaceAll(name, "*", sampleFill)
		rows = append(rows, Row{Name: name, List: list, Sample: sample, Matches: true})
		if !strings.Contains(name, "*") {
			continue
		}
		// A semaphore's sample that does not match is a semaphore too.
		prefix := ""
		if strings.HasPrefix(sample, "sem.") {
			prefix = "sem."
		}
		for _, other := range []string{prefix + "not-" + strings.TrimPrefix(sample, prefix), sample + "-not", "x"} {
			if !declared(other) {
				rows = append(rows, Row{Name: name, List: list, Sample: other})
				break
			}
		}
	}
	if !declared(undeclaredSample) {
		rows = append(rows, Row{Sample: undeclaredSample})
	}
	return rows
}

// addRow adds the steps that probe one object from each side: it is
// created unconfined, then opened, opened as a semaphore, mapped and
// unlinked by the app, then created by the app, as an object and as a
// semaphore, and removed.
func (p *AccessProbe) addRow(row Row) {
	r := len(p.table.Rows)
	if p.table.Slot != nil {
		row.Slot = &Access{}
	}
	p.table.Rows = append(p.table.Rows, row)
	sides := []Side{p.table.Plug}
	if p.table.Slot != nil {
		sides = append(sides, *p.table.Slot)
	}
	object := "/" + row.Sample
	semaphore, isSemaphore := strings.CutPrefix(row.Sample, "sem.")
	for i, side := range sides {
		namespace := p.scene.Namespace(side.Snap)
		unconfined := func(args ...string) { p.scene.Resident(p.scene.Unconfined(namespace, args...)) }
		remove := func() { unconfined("shm-unlink", object) }
		probe := func(column func(*Access) *Outcome, args ...string) {
			step := p.scene.Resident(p.scene.App(side.Snap, side.App, args...))
			p.cells = append(p.cells, cell{row: r, slot: i == 1, column: column, step: step})
		}
		if isSemaphore {
			unconfined("sem-create", "/"+semaphore)
		} else {
			unconfined("shm-create", object)
		}
		probe(func(a *Access) *Outcome { return &a.OpenRead }, "shm-open", object, "ro")
		probe(func(a *Access) *Outcome { return &a.OpenWrite }, "shm-open", object, "rw")
		if isSemaphore {
			probe(func(a *Access) *Outcome { a.SemOpen = &Outcome{}; return a.SemOpen }, "sem-open", "/"+semaphore)
		}
		probe(func(a *Access) *Outcome { return &a.MapRead }, "shm-map-ro", object)
		probe(func(a *Access) *Outcome { return &a.MapWrite }, "shm-map", object)
		probe(func(a *Access) *Outcome { return &a.Unlink }, "shm-unlink", object)
		remove()
		probe(func(a *Access) *Outcome { return &a.Create }, "shm-create", object)
		remove()
		if isSemaphore {
			probe(func(a *Access) *Outcome { a.SemCreate = &Outcome{}; return a.SemCreate }, "sem-create", "/"+semaphore)
			remove()
		}
	}
}

// Scene returns the scene to run in the kernel.
func (p *AccessProbe) Scene() *Scene {
	return p.scene
}

// Table fills the table from the results of the scene's batch.
func (p *AccessProbe) Table(kernel string, results []uml.Result) (*Table, error) {
	if len(results) != len(p.scene.Steps()) {
		return nil, fmt.Errorf("cannot read access table: %d results for %d steps", len(results), len(p.scene.Steps()))
	}
	if err := p.scene.CheckSetUp(results); err != nil {
		return nil, err
	}
	table := p.table
	table.Kernel = kernel
	table.Rows = append([]Row(nil), p.table.Rows...)
	for r := range table.Rows {
		if table.Rows[r].Slot != nil {
			slot := *table.Rows[r].Slot
			table.Rows[r].Slot = &slot
		}
	}
	for _, c := range p.cells {
		outcome, err := ParseOutcome(results[c.step])
		if err != nil {
			return nil, err
		}
		access := &table.Rows[c.row].Plug
		if c.slot {
			access = table.Rows[c.row].Slot
		}
		*c.column(access) = outcome
	}
	return &table, nil
}

// Available returns an error that says what to install when the kernel
// that AccessTable boots is missing.
func Available() error {
	_, err := uml.KernelPath()
	return err
}

// AccessTable builds the probe program, boots the kernel and measures the
// access table of one connection. It tells progress what it is doing.
func AccessTable(setup system.Setup, conn system.Connection, progress io.Writer) (*Table, error) {
	if err := Available(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "snapd-shm-probe-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintln(progress, "building the probe program with gcc (kept in the user's cache for the next run)")
	var programs Programs
	if programs.Probe, err = BuildProbe(dir); err != nil {
		return nil, err
	}
	setup.Connections = []system.Connection{conn}
	mounts, err := mount.Generate(setup)
	if err != nil {
		return nil, err
	}
	if len(mounts.Files) > 0 {
		fmt.Fprintf(progress, "building snapd %s's snap-update-ns from the snapd module, for the mount profiles (kept in the user's cache for the next run)\n", realsnapd.Version)
		if programs.UpdateNS, err = moduleUpdateNS(); err != nil {
			return nil, err
		}
	}
	p, err := NewAccessProbe("access", programs, setup, conn)
	if err != nil {
		return nil, err
	}
	batch, err := p.Scene().Batch()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "compiling %d profiles with apparmor_parser for the User-mode Linux kernel, then booting it to load them and run %d probe steps\n", len(batch.Profiles), len(batch.Steps))
	start := time.Now()
	report, err := uml.Run([]uml.Batch{batch})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(progress, "the kernel ran for %.1f s\n", time.Since(start).Seconds())
	return p.Table(report.Kernel, report.Results[0])
}
