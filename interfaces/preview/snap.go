package preview

import (
	"fmt"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/snap/snapyaml"
)

// Snap is a snap as given (snap/snapyaml) and as snapd reads it.
type Snap struct {
	*snapyaml.Snap
	// Declared holds the plugs and slots as written, attributes without
	// defaults.
	Declared *snap.Info
	// Installed is the snap as system.ReadSnap reads it with our registry:
	// sanitized, and on an os or snapd snap with the implicit system slots.
	Installed *snap.Info
}

// Load reads the snap given, as snapyaml.Load does, and as snapd would
// install it.
func Load(given string) (*Snap, error) {
	s, err := snapyaml.Load(given)
	if err != nil {
		return nil, err
	}
	return read(s)
}

// Parse reads the snap whose yaml, read from path, is data, as snapyaml.Parse
// does, and as snapd would install it.
func Parse(path string, data []byte) (*Snap, error) {
	s, err := snapyaml.Parse(path, data)
	if err != nil {
		return nil, err
	}
	return read(s)
}

// SnapdSnap is the snapd snap of a classic system, with its implicit slots;
// its Path is "system".
func SnapdSnap() *Snap {
	s, err := Parse("system", []byte(system.SnapdSnapYAML))
	if err != nil {
		panic(fmt.Sprintf("internal error: cannot read the snapd snap: %v", err))
	}
	return s
}

func read(s *snapyaml.Snap) (*Snap, error) {
	declared, err := system.ParseSnapYAML(s.YAML)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", s.Path, err)
	}
	installed, err := system.ReadSnap(system.Snap{YAML: s.YAML}, registry.Ours())
	if err != nil {
		return nil, fmt.Errorf("%s: snapd would refuse to install snap %q: %v", s.Path, declared.SnapName(), err)
	}
	return &Snap{Snap: s, Declared: declared, Installed: installed}, nil
}

// SetInstanceKey makes the snap a parallel install, NAME_KEY.
func (s *Snap) SetInstanceKey(key string) error {
	if key == "" {
		return nil
	}
	if err := snap.ValidateInstanceName(s.Declared.SnapName() + "_" + key); err != nil {
		return fmt.Errorf("cannot use instance key %q: %v", key, err)
	}
	s.Declared.InstanceKey = key
	s.Installed.InstanceKey = key
	return nil
}
