// Package snapyaml reads a snap as snap-iface is given one: a snap.yaml, a
// snapcraft.yaml, an unpacked snap or a snapcraft project directory. It
// returns the snap.yaml, which for a snapcraft.yaml is what snapcraft writes,
// and the snap as written and as snapd installs it.
package snapyaml

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// MaxSize is the largest input read. snap.yaml and snapcraft.yaml files
// are kilobytes; anything larger is refused before it is parsed.
const MaxSize = 1 << 20

// DirFiles are the places a snap's yaml is looked for in a directory, in
// order: a snapcraft project, then an unpacked snap.
var DirFiles = []string{"snap/snapcraft.yaml", "snapcraft.yaml", ".snapcraft.yaml", "meta/snap.yaml", "snap.yaml"}

// Snap is one snap as given.
type Snap struct {
	// Path is the file read: as given, or found in the directory given.
	Path string
	// YAML is the snap.yaml: the file read, or what snapcraft writes for a
	// snapcraft.yaml.
	YAML []byte
	// Declared holds the plugs and slots as written, attributes without
	// defaults.
	Declared *snap.Info
	// Installed is the snap as system.ReadSnap reads it with our registry:
	// sanitized, and on an os or snapd snap with the implicit system slots.
	Installed *snap.Info
	// Warnings say what a snapcraft.yaml holds that the snap.yaml leaves
	// out.
	Warnings []string
}

// Load reads the snap at path: a file, or a directory holding one of
// DirFiles.
func Load(path string) (*Snap, error) {
	path, err := find(path)
	if err != nil {
		return nil, err
	}
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
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

// Parse reads the snap whose yaml, read from path, is data.
func Parse(path string, data []byte) (*Snap, error) {
	s := &Snap{Path: path, YAML: data}
	if IsSnapcraft(path, data) {
		converted, warnings, err := FromSnapcraft(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		s.YAML, s.Warnings = converted, warnings
	}
	var err error
	if s.Declared, err = system.ParseSnapYAML(s.YAML); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if s.Installed, err = system.ReadSnap(system.Snap{YAML: s.YAML}, system.Ours()); err != nil {
		return nil, fmt.Errorf("%s: snapd would refuse to install snap %q: %v", path, s.Declared.SnapName(), err)
	}
	return s, nil
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

// find returns path, or for a directory the first of DirFiles in it.
func find(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return path, nil
	}
	for _, name := range DirFiles {
		candidate := filepath.Join(path, name)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("cannot find a snap in directory %q: it has none of %s", path, strings.Join(DirFiles, ", "))
}

// read reads a whole file of at most MaxSize bytes. It never reads more
// than one byte past the limit, so that /dev/zero is refused too.
func read(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap.yaml: %v", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read snap.yaml: %v", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("cannot read %s: larger than %d bytes (1 MiB); snap.yaml files are kilobytes", path, MaxSize)
	}
	return data, nil
}
