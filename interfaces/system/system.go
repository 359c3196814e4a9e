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

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/release"
	"github.com/snapcore/snapd/snap"
	"github.com/snapcore/snapd/timings"

	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/internal/snapdglobals"
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

// Setup is what a System holds: snaps, the connections asked for, the
// registry the repository uses, and the snaps' declarations.
type Setup struct {
	Snaps       []Snap
	Connections []Connection
	Registry    registry.Registry
	// Declarations are snap declarations, matched to the snaps by snap
	// name. A snap without one is installed as "snap install --dangerous"
	// installs it: no installation or connection policy is checked, and
	// it auto-connects as the base declaration allows.
	Declarations []*asserts.SnapDeclaration
}

// System is a snapd system under a temporary root directory, as Run hands
// it over.
type System struct {
	// Root is the directory that snapd's dirs package points at.
	Root string
	// Repository holds the registry's interfaces, the snaps, the
	// connections and one security backend.
	Repository *interfaces.Repository
	// AppSets has one app set per snap, in the order the snaps were
	// given, then the snapd snap that Run added, if it did.
	AppSets []*interfaces.SnapAppSet
	// Connected lists the connections made, in the order they were made.
	Connected []Connected
}

// Connected is a connection that Run made.
type Connected struct {
	Connection
	Interface string
	// Auto is true for a connection that snapd's policy engine makes on
	// its own when the snaps are installed.
	Auto bool
	// Requested is true for a connection that Setup asked for.
	Requested bool
}

// File is one file that a security backend wrote: an AppArmor profile or a
// mount profile.
type File struct {
	Name string // e.g. "snap.consumer.client" or "snap.consumer.fstab"
	Text string
}

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

// Run sets up a classic snapd system under a temporary root, with backend
// added to its repository, and calls fn on it. The system holds the snaps of
// setup, and a snapd snap carrying the implicit system slots unless one of
// them is an os or snapd snap. Their plugs are auto-connected as snapd's
// policy engine decides, with the registry's base declaration and the
// snap declarations of setup; then the requested connections are made,
// whatever the policy, as a forced "snap connect" would. A plug or slot that
// the registry's sanitizer rejects is an error. Every snapd global it
// changes is restored before it returns, and the temporary root is removed.
// Run borrows snapd's globals (internal/snapdglobals): fn must not call
// Run, ReadSnap or ParseSnapYAML.
func Run(setup Setup, backend interfaces.SecurityBackend, fn func(*System) error) (err error) {
	if backend == nil {
		return errors.New("cannot run a system: backend is nil")
	}
	reg := setup.Registry.OrOurs()
	base, err := reg.BaseDeclaration()
	if err != nil {
		return err
	}
	snapdglobals.Borrow(func() { err = run(setup, reg, base, backend, fn) })
	return err
}

// run is Run on borrowed globals.
func run(setup Setup, reg registry.Registry, base *asserts.BaseDeclaration, backend interfaces.SecurityBackend, fn func(*System) error) error {
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

	sys := &System{Root: root, Repository: interfaces.NewRepository()}
	for _, iface := range reg.Interfaces() {
		if err := sys.Repository.AddInterface(iface); err != nil {
			return err
		}
	}
	if err := sys.Repository.AddBackend(backend); err != nil {
		return err
	}
	infos := make([]*snap.Info, 0, len(setup.Snaps)+1)
	for i, s := range setup.Snaps {
		info, rejected, err := readSnap(s, reg)
		if err == nil {
			err = rejected
		}
		if err != nil {
			return fmt.Errorf("cannot use snap #%d: %v", i+1, err)
		}
		infos = append(infos, info)
	}
	if infos, err = withSystemSnap(infos, reg); err != nil {
		return err
	}
	decls, err := declarations(infos, setup.Declarations)
	if err != nil {
		return err
	}
	for _, info := range infos {
		appSet, err := interfaces.NewSnapAppSet(info, nil)
		if err != nil {
			return fmt.Errorf("cannot use snap %q: %v", info.InstanceName(), err)
		}
		if err := sys.Repository.AddAppSet(appSet); err != nil {
			return fmt.Errorf("cannot use snap %q: %v", info.InstanceName(), err)
		}
		sys.AppSets = append(sys.AppSets, appSet)
	}
	if err := sys.autoConnect(base, decls); err != nil {
		return err
	}
	for _, conn := range setup.Connections {
		if err := sys.connect(conn, false); err != nil {
			return err
		}
	}
	return fn(sys)
}

// Profiles is what a security backend wrote for the snaps of a system, and
// the connections it was written for.
type Profiles struct {
	Files     []File // sorted by Name
	Connected []Connected
}

// WriteProfiles sets up the system of setup with backend, as Run does, and
// has backend write the files of every snap. It returns those in the
// directory that dir names, which it asks on the system (dir returns, say,
// dirs.SnapAppArmorDir). prepare, when not nil, runs on the system before
// the backend; unless it fails, the restore it returns runs once the files
// are read.
func WriteProfiles(setup Setup, backend interfaces.SecurityBackend, dir func() string, prepare func(*System) (restore func(), err error)) (*Profiles, error) {
	if dir == nil {
		return nil, errors.New("cannot write profiles: dir is nil")
	}
	var profiles *Profiles
	err := Run(setup, backend, func(sys *System) error {
		if prepare != nil {
			restore, err := prepare(sys)
			if err != nil {
				return err
			}
			defer restore()
		}
		for _, appSet := range sys.AppSets {
			if err := backend.Setup(appSet, interfaces.ConfinementOptions{}, sys.Repository, timings.New(nil)); err != nil {
				return err
			}
		}
		files, err := sys.readFiles(dir())
		profiles = &Profiles{Files: files, Connected: sys.Connected}
		return err
	})
	if err != nil {
		return nil, err
	}
	return profiles, nil
}

// readFiles reads the files a backend wrote in dir, sorted by name. Paths
// under the temporary root are written as they are on a real root.
func (sys *System) readFiles(dir string) ([]File, error) {
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
		files = append(files, File{Name: entry.Name(), Text: strings.ReplaceAll(string(text), sys.Root, "")})
	}
	return files, nil
}
