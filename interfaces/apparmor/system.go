package apparmor

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
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

// System is a snapd system under a temporary root directory, as RunOnSystem
// hands it over.
type System struct {
	// Root is the directory that snapd's dirs package points at.
	Root string
	// Repository holds our registry's interfaces, the snaps, the
	// connections and one security backend.
	Repository *interfaces.Repository
	// AppSets has one app set per snap, in the order the snaps were given.
	AppSets []*interfaces.SnapAppSet
}

// snapdGlobalsMu guards the snapd globals that RunOnSystem changes.
var snapdGlobalsMu sync.Mutex

// Our registry; tests swap in interfaces of their own.
var (
	registryInterfaces = builtin.Interfaces
	sanitizePlugsSlots = builtin.SanitizePlugsSlots
)

// installedRevision is the revision snapd gives the first snap installed
// from a file without assertions: x1.
var installedRevision = snap.R(-1)

// systemRelease is the host the profiles are written for: classic Debian 12,
// whatever the machine running the code is, so that output is stable.
var systemRelease = release.OS{ID: "debian", VersionID: "12"}

// RunOnSystem sets up a classic snapd system under a temporary root holding
// snaps, connected as conns, with backend added to its repository, and calls
// fn on it. Every snapd global it changes is restored before it returns,
// and the temporary root is removed.
func RunOnSystem(snaps []Snap, conns []Connection, backend interfaces.SecurityBackend, fn func(*System) error) error {
	snapdGlobalsMu.Lock()
	defer snapdGlobalsMu.Unlock()

	root, err := os.MkdirTemp("", "snapd-shm-root-")
	if err != nil {
		return fmt.Errorf("cannot create temporary root directory: %v", err)
	}
	defer os.RemoveAll(root)

	restoreRelease := release.MockReleaseInfo(&systemRelease)
	restoreClassic := release.MockOnClassic(true)
	previousRoot := dirs.GlobalRootDir
	dirs.SetRootDir(root)
	defer func() {
		// dirs depends on the release: restore that first.
		restoreClassic()
		restoreRelease()
		dirs.SetRootDir(previousRoot)
	}()

	system := &System{Root: root, Repository: interfaces.NewRepository()}
	for _, iface := range registryInterfaces() {
		if err := system.Repository.AddInterface(iface); err != nil {
			return err
		}
	}
	if err := system.Repository.AddBackend(backend); err != nil {
		return err
	}
	for i, s := range snaps {
		info, err := readSnap(s)
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
	for _, conn := range conns {
		ref := &interfaces.ConnRef{
			PlugRef: interfaces.PlugRef{Snap: conn.PlugSnap, Name: conn.Plug},
			SlotRef: interfaces.SlotRef{Snap: conn.SlotSnap, Name: conn.Slot},
		}
		if _, err := system.Repository.Connect(ref, nil, nil, nil, nil, nil); err != nil {
			return err
		}
	}
	return fn(system)
}

// readSnap reads a snap.yaml and sanitizes its plugs and slots with our
// registry. The system slots of an os or snapd snap are implicit and left
// unsanitized, as snapd does.
func readSnap(s Snap) (*snap.Info, error) {
	restore := snap.MockSanitizePlugsSlots(func(*snap.Info) {})
	info, err := snap.InfoFromSnapYaml(s.YAML)
	restore()
	if err != nil {
		return nil, err
	}
	info.InstanceKey = s.InstanceKey
	info.Revision = installedRevision
	if err := snap.ValidateInstanceName(info.InstanceName()); err != nil {
		return nil, err
	}

	systemSlots := takeSystemSlots(info)
	plugNames := make(map[string]bool, len(info.Plugs))
	for name := range info.Plugs {
		plugNames[name] = true
	}
	sanitizePlugsSlots(info)
	if len(info.BadInterfaces) > 0 {
		var problems []string
		for name, problem := range info.BadInterfaces {
			kind := "slot"
			if plugNames[name] {
				kind = "plug"
			}
			problems = append(problems, fmt.Sprintf("%s %q: %s", kind, name, problem))
		}
		sort.Strings(problems)
		return nil, fmt.Errorf("snap %q has bad plugs or slots: %s", info.InstanceName(), strings.Join(problems, "; "))
	}
	for name, slot := range systemSlots {
		info.Slots[name] = slot
	}
	return info, nil
}

// takeSystemSlots removes from an os or snapd snap the slots of interfaces
// implicit on classic, adds the implicit ones it does not declare, and
// returns them all.
func takeSystemSlots(info *snap.Info) map[string]*snap.SlotInfo {
	if typ := info.Type(); typ != snap.TypeOS && typ != snap.TypeSnapd {
		return nil
	}
	slots := make(map[string]*snap.SlotInfo)
	for _, iface := range registryInterfaces() {
		if !interfaces.StaticInfoOf(iface).ImplicitOnClassic {
			continue
		}
		for name, slot := range info.Slots {
			if slot.Interface == iface.Name() {
				slots[name] = slot
				delete(info.Slots, name)
			}
		}
		if slots[iface.Name()] == nil && info.Slots[iface.Name()] == nil {
			slots[iface.Name()] = &snap.SlotInfo{Snap: info, Name: iface.Name(), Interface: iface.Name()}
		}
	}
	return slots
}

// ReadProfiles reads the profile files snapd wrote in dir, sorted by name.
// Paths under the temporary root are written as they are on a real root.
func (system *System) ReadProfiles(dir string) ([]Profile, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list profiles: %v", err)
	}
	profiles := make([]Profile, 0, len(entries))
	for _, entry := range entries {
		text, err := os.ReadFile(filepath.Join(dir, entry.Name()))
		if err != nil {
			return nil, fmt.Errorf("cannot read profile: %v", err)
		}
		profiles = append(profiles, Profile{Name: entry.Name(), Text: strings.ReplaceAll(string(text), system.Root, "")})
	}
	return profiles, nil
}
