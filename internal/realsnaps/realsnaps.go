// Package realsnaps holds the snaps of testdata/realsnaps, modelled on
// published ones, and the installs that tests generate profiles for: each
// case is a system.Setup with the snaps, their declarations and the
// connections a user would ask for.
package realsnaps

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/snapd-shm/snapd-shm/interfaces/policy"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// Case is one install of real-world-like snaps.
type Case struct {
	Name  string
	Setup system.Setup
}

// Dir returns the directory that holds the snap.yaml files.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "realsnaps")
}

// Snap returns testdata/realsnaps/<name>.yaml.
func Snap(name string) (system.Snap, error) {
	data, err := os.ReadFile(filepath.Join(Dir(), name+".yaml"))
	if err != nil {
		return system.Snap{}, fmt.Errorf("cannot read real snap: %v", err)
	}
	return system.Snap{YAML: data}, nil
}

type declaration struct {
	snap, publisher    string
	grantsSharedMemory bool
}

var cases = []struct {
	name         string
	snaps        []string
	declarations []declaration
	connections  []system.Connection
}{{
	// A ROS 2 snap whose talker offers Fast DDS's segments to the
	// listener, installed locally: the connection is asked for.
	name:        "ros2-local",
	snaps:       []string{"ros2-talker-listener"},
	connections: []system.Connection{{PlugSnap: "ros2-talker-listener", Plug: "fastdds-shm", SlotSnap: "ros2-talker-listener", Slot: "ros2-fastdds"}},
}, {
	// From the store, one publisher: the snap's plug auto-connects to
	// its own slot.
	name:         "ros2-store",
	snaps:        []string{"ros2-talker-listener"},
	declarations: []declaration{{snap: "ros2-talker-listener", publisher: "ros-dev"}},
}, {
	// An Electron app with a private /dev/shm, themes from a content
	// snap and removable media, both connected by hand.
	name:  "electron-local",
	snaps: []string{"electron-notes", "gtk-common-themes"},
	connections: []system.Connection{
		{PlugSnap: "electron-notes", Plug: "gtk-3-themes", SlotSnap: "gtk-common-themes", Slot: "gtk-3-themes"},
		{PlugSnap: "electron-notes", Plug: "removable-media", SlotSnap: "snapd", Slot: "removable-media"},
	},
}, {
	// PostgreSQL's dynamic shared memory in a private /dev/shm.
	name:        "postgresql-local",
	snaps:       []string{"postgresql"},
	connections: []system.Connection{{PlugSnap: "postgresql", Plug: "removable-media", SlotSnap: "snapd", Slot: "removable-media"}},
}, {
	// An industrial app of one publisher plugs the data layer of the
	// brand, whose store grants the shared-memory slot: it
	// auto-connects; the content plug is connected by hand.
	name:  "industrial-granted",
	snaps: []string{"industrial-datalayer", "industrial-app"},
	declarations: []declaration{
		{snap: "industrial-datalayer", publisher: "brand", grantsSharedMemory: true},
		{snap: "industrial-app", publisher: "partner"},
	},
	connections: []system.Connection{{PlugSnap: "industrial-app", Plug: "datalayer", SlotSnap: "industrial-datalayer", Slot: "datalayer-socket"}},
}}

// Cases returns every install, in a fixed order.
func Cases() ([]Case, error) {
	var all []Case
	for _, c := range cases {
		setup := system.Setup{Connections: c.connections}
		for _, name := range c.snaps {
			s, err := Snap(name)
			if err != nil {
				return nil, err
			}
			setup.Snaps = append(setup.Snaps, s)
		}
		for _, d := range c.declarations {
			declare := policy.SnapDeclaration
			if d.grantsSharedMemory {
				declare = policy.SnapDeclarationGrantingSharedMemory
			}
			decl, err := declare(d.snap, d.publisher)
			if err != nil {
				return nil, err
			}
			setup.Declarations = append(setup.Declarations, decl)
		}
		all = append(all, Case{Name: c.name, Setup: setup})
	}
	return all, nil
}
