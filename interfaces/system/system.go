// Package system sets up a snapd system under a temporary root: snaps read
// and sanitized as snapd installs them, an interface repository with an
// interface registry, connections, and one security backend. The AppArmor
// and mount packages generate profiles on it; snap-iface reads snaps with
// it. It writes nothing outside its temporary root.
package system

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/release"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
)

// Snap is one snap.yaml, optionally parallel-installed.
type Snap struct {
	YAML        []byte
	InstanceKey string // "" unless parallel-installed
}

// Connection names a plug and a slot by snap instance name and plug/slot name.
type Connection struct {
	PlugSnap, Plug string
	SlotSnap, Slot string
}

// Registry is a set of interfaces and the sanitizer that checks a snap's
// plugs and slots against them. The zero Registry stands for Ours().
type Registry struct {
	Interfaces         func() []interfaces.Interface
	SanitizePlugsSlots func(*snap.Info)
}

// Ours is snapd-shm's registry: snapd 2.64's interfaces, with ours in place
// of snapd's of the same name.
func Ours() Registry {
	return Registry{Interfaces: builtin.Interfaces, SanitizePlugsSlots: builtin.SanitizePlugsSlots}
}

// Upstream is snapd 2.64's own registry, unchanged.
func Upstream() Registry {
	return Registry{Interfaces: snapdbuiltin.Interfaces, SanitizePlugsSlots: snapdbuiltin.SanitizePlugsSlots}
}

func (r Registry) orOurs() Registry {
	if r.Interfaces == nil || r.SanitizePlugsSlots == nil {
		return Ours()
	}
	return r
}

// Setup is what a System holds: snaps, the connections asked for, and the
// registry the repository uses.
type Setup struct {
	Snaps       []Snap
	Connections []Connection
	Registry    Registry
}

// System is a snapd system under a temporary root directory, as Run hands
// it over.
type System struct {
	// Root is the directory that snapd's dirs package points at.
	Root string
	// Repository holds the registry's interfaces, the snaps, the
	// connections and one security backend.
	Repository *interfaces.Repository
	// AppSets has one app set per snap, in the order the snaps were given.
	AppSets []*interfaces.SnapAppSet
	// Connected lists the connections made, in the order they were made.
	Connected []Connected
}

// Connected is a connection that Run made.
type Connected struct {
	Connection
	Interface string
	// Auto is true for a connection that snapd's policy engine made on
	// its own, false for one that was asked for.
	Auto bool
}

// File is one file that a security backend wrote.
type File struct {
	Name string // e.g. "snap.consumer.client"
	Text string
}

// globalsMu guards the snapd globals that Run and ReadSnap change.
var globalsMu sync.Mutex

// installedRevision is the revision snapd gives the first snap installed
// from a file without assertions: x1.
var installedRevision = snap.R(-1)

// hostRelease is the host the system models: classic Debian 12, whatever
// the machine running the code is, so that output is stable.
var hostRelease = release.OS{ID: "debian", VersionID: "12"}

// onHost sets snapd's release globals to the modelled host and returns
// what restores them.
func onHost() (restore func()) {
	restoreRelease := release.MockReleaseInfo(&hostRelease)
	restoreClassic := release.MockOnClassic(true)
	return func() {
		restoreClassic()
		restoreRelease()
	}
}

// Run sets up a classic snapd system under a temporary root holding the
// snaps of setup, connected as asked, with backend added to its repository,
// and calls fn on it. A plug or slot that the registry's sanitizer rejects
// is an error. Every snapd global it changes is restored before it returns,
// and the temporary root is removed.
func Run(setup Setup, backend interfaces.SecurityBackend, fn func(*System) error) error {
	globalsMu.Lock()
	defer globalsMu.Unlock()

	root, err := os.MkdirTemp("", "snapd-shm-root-")
	if err != nil {
		return fmt.Errorf("cannot create temporary root directory: %v", err)
	}
	defer os.RemoveAll(root)

	restoreHost := onHost()
	previousRoot := dirs.GlobalRootDir
	dirs.SetRootDir(root)
	defer func() {
		// dirs depends on the release: restore that first.
		restoreHost()
		dirs.SetRootDir(previousRoot)
	}()

	registry := setup.Registry.orOurs()
	system := &System{Root: root, Repository: interfaces.NewRepository()}
	for _, iface := range registry.Interfaces() {
		if err := system.Repository.AddInterface(iface); err != nil {
			return err
		}
	}
	if err := system.Repository.AddBackend(backend); err != nil {
		return err
	}
	for i, s := range setup.Snaps {
		info, rejected, err := readSnap(s, registry)
		if err == nil {
			err = rejected
		}
		if err != nil {
			return fmt.Errorf("cannot use snap #%d: %v", i+1, err)
		}
		appSet, err := interfaces.NewSnapAppSet(info, nil)
		if err != nil {
			return fmt.Errorf("cannot use snap %q: %v", info.InstanceName(), err)
		}
		if err := system.Repository.AddAppSet(appSet); err != nil {
			return fmt.Errorf("cannot use snap %q: %v", info.InstanceName(), err)
		}
		system.AppSets = append(system.AppSets, appSet)
	}
	for _, conn := range setup.Connections {
		if err := system.connect(conn); err != nil {
			return err
		}
	}
	return fn(system)
}

func (system *System) connect(conn Connection) error {
	ref := &interfaces.ConnRef{
		PlugRef: interfaces.PlugRef{Snap: conn.PlugSnap, Name: conn.Plug},
		SlotRef: interfaces.SlotRef{Snap: conn.SlotSnap, Name: conn.Slot},
	}
	connected, err := system.Repository.Connect(ref, nil, nil, nil, nil, nil)
	if err != nil {
		return err
	}
	system.Connected = append(system.Connected, Connected{Connection: conn, Interface: connected.Plug.Interface()})
	return nil
}

// ReadProfiles reads the files a backend wrote in dir, sorted by name.
// Paths under the temporary root are written as they are on a real root.
func (system *System) ReadProfiles(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list profiles: %v", err)
	}
	files := make([]File, 0, len(entries))
	for _, entry := range entries {
		text, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			return nil, fmt.Errorf("cannot read profile: %v", err)
		}
		files = append(files, File{Name: entry.Name(), Text: strings.ReplaceAll(string(text), system.Root, "")})
	}
	return files, nil
}
