package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

const sharedMemory = "shared-memory"

// maxInputSize is the largest input file read. snap.yaml and snapcraft.yaml
// files are kilobytes; anything larger is refused before it is parsed.
const maxInputSize = 1 << 20

// snapFileNames are the places a snap's yaml is looked for in a directory,
// in order: a snapcraft project, then an unpacked snap.
var snapFileNames = []string{"snap/snapcraft.yaml", "snapcraft.yaml", ".snapcraft.yaml", "meta/snap.yaml", "snap.yaml"}

// systemArgument names snapd's implicit system slot on a classic system.
const systemArgument = "system"

// snapFile is one snap: its declarations as written, and as our registry's
// sanitizer leaves them.
type snapFile struct {
	// path is the file read, as given or found in the directory given.
	path string
	// yaml is the snap.yaml: the file read, or what snapcraft would write
	// for a snapcraft.yaml.
	yaml []byte
	// raw holds the plugs and slots as written, attributes without defaults.
	raw *snap.Info
	// sanitized is the snap as system.ReadSnap reads it: on an os or snapd
	// snap its shared-memory slots are the implicit system slot instead.
	sanitized *snap.Info
}

// loadSnapFile reads a snap.yaml, a snapcraft.yaml, or a directory holding
// one of them, and reads the snap as snapd installs it (system.ReadSnap).
func loadSnapFile(path string) (*snapFile, error) {
	path, err := findSnapFile(path)
	if err != nil {
		return nil, err
	}
	data, err := readInput(path)
	if err != nil {
		return nil, err
	}
	return parseSnapFile(path, data)
}

// systemSnapFile is the snapd snap of a classic system, with its implicit
// slots.
func systemSnapFile() *snapFile {
	f, err := parseSnapFile(systemArgument, []byte(system.SnapdSnapYAML))
	if err != nil {
		panic(fmt.Sprintf("internal error: cannot read the snapd snap: %v", err))
	}
	return f
}

func parseSnapFile(path string, data []byte) (*snapFile, error) {
	f := &snapFile{path: path, yaml: data}
	if isSnapcraftYAML(path, data) {
		converted, warnings, err := snapYAMLFromSnapcraft(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		f.yaml = converted
		for _, w := range warnings {
			warn("%s: %s", path, w)
		}
	}
	var err error
	if f.raw, err = parseSnapYaml(path, f.yaml); err != nil {
		return nil, err
	}
	if f.sanitized, err = system.ReadSnap(system.Snap{YAML: f.yaml}, system.Ours()); err != nil {
		return nil, fmt.Errorf("%s: snapd would refuse to install snap %q: %v", path, f.raw.SnapName(), err)
	}
	return f, nil
}

// findSnapFile returns path, or for a directory the first of snapFileNames
// in it.
func findSnapFile(path string) (string, error) {
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return path, nil
	}
	for _, name := range snapFileNames {
		candidate := filepath.Join(path, name)
		if _, err := os.Stat(candidate); err == nil {
			return candidate, nil
		}
	}
	return "", fmt.Errorf("cannot find a snap in directory %q: it has none of %s", path, strings.Join(snapFileNames, ", "))
}

// readInput reads a whole file of at most maxInputSize bytes. It never reads
// more than one byte past the limit, so that /dev/zero is refused too.
func readInput(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap.yaml: %v", err)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read snap.yaml: %v", err)
	}
	if len(data) > maxInputSize {
		return nil, fmt.Errorf("cannot read %s: larger than %d bytes (1 MiB); snap.yaml files are kilobytes", path, maxInputSize)
	}
	return data, nil
}

// parseSnapYaml parses a snap.yaml without sanitizing it. snapd's global
// sanitizer hook is replaced for the call, so that whichever registry set
// it plays no part.
func parseSnapYaml(path string, data []byte) (*snap.Info, error) {
	restore := snap.MockSanitizePlugsSlots(func(*snap.Info) {})
	defer restore()
	info, err := snap.InfoFromSnapYaml(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return info, nil
}

// setInstanceKey makes the snap a parallel install, name_KEY.
func (f *snapFile) setInstanceKey(key string) error {
	if key == "" {
		return nil
	}
	if err := snap.ValidateInstanceName(f.raw.SnapName() + "_" + key); err != nil {
		return fmt.Errorf("cannot use instance key %q: %v", key, err)
	}
	f.raw.InstanceKey = key
	f.sanitized.InstanceKey = key
	return nil
}

// isSystemSnap reports whether the snap carries snapd's implicit slots.
var isSystemSnap = system.IsSystemSnap

// badInterface is a plug or slot that the sanitizer rejected.
type badInterface struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

// badSharedMemory returns the sanitizer's verdicts on the snap's
// shared-memory plugs and slots, sorted by name. The verdicts on other
// interfaces are not this tool's business.
func (f *snapFile) badSharedMemory() []badInterface {
	bad := []badInterface{}
	for name, msg := range f.sanitized.BadInterfaces {
		plug, isPlug := f.raw.Plugs[name]
		slot, isSlot := f.raw.Slots[name]
		if (isPlug && plug.Interface == sharedMemory) || (isSlot && slot.Interface == sharedMemory) {
			bad = append(bad, badInterface{Name: name, Error: msg})
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Name < bad[j].Name })
	return bad
}

// splitEndpoint splits "FILE:NAME" into the file and the plug or slot name.
// A file name may hold ":" only when no name follows.
func splitEndpoint(arg string) (path, name string) {
	if i := strings.LastIndex(arg, ":"); i >= 0 && !strings.Contains(arg[i+1:], "/") {
		if _, err := os.Stat(arg); err != nil {
			return arg[:i], arg[i+1:]
		}
	}
	return arg, ""
}

// sameFile reports whether two paths name one file.
func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	infoA, errA := os.Stat(a)
	infoB, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(infoA, infoB)
}

// pickPlug returns the raw shared-memory plug called name, or the only one
// when name is empty.
func (f *snapFile) pickPlug(name string) (string, error) {
	var names []string
	for plugName, plug := range f.raw.Plugs {
		if name == "" && plug.Interface == sharedMemory {
			names = append(names, plugName)
		}
	}
	if name != "" {
		plug, ok := f.raw.Plugs[name]
		if !ok {
			return "", fmt.Errorf("snap %q (%s) has no plug %q", f.raw.InstanceName(), f.path, name)
		}
		if plug.Interface != sharedMemory {
			return "", fmt.Errorf("plug %q of snap %q (%s) has interface %q, not shared-memory", name, f.raw.InstanceName(), f.path, plug.Interface)
		}
		return name, nil
	}
	return pickOnly(f, "plug", names)
}

// pickSlot returns the shared-memory slot called name, or the only one when
// name is empty. An os or snapd snap has the implicit system slot
// "shared-memory" even when its snap.yaml does not declare it.
func (f *snapFile) pickSlot(name string) (string, error) {
	var names []string
	for slotName, slot := range f.sanitized.Slots {
		if slot.Interface == sharedMemory {
			names = append(names, slotName)
		}
	}
	for badName := range f.sanitized.BadInterfaces {
		if slot, ok := f.raw.Slots[badName]; ok && slot.Interface == sharedMemory {
			names = append(names, badName)
		}
	}
	if name != "" {
		slot, ok := f.raw.Slots[name]
		if !ok {
			slot, ok = f.sanitized.Slots[name]
		}
		if !ok {
			return "", fmt.Errorf("snap %q (%s) has no slot %q", f.raw.InstanceName(), f.path, name)
		}
		if slot.Interface != sharedMemory {
			return "", fmt.Errorf("slot %q of snap %q (%s) has interface %q, not shared-memory", name, f.raw.InstanceName(), f.path, slot.Interface)
		}
		return name, nil
	}
	return pickOnly(f, "slot", names)
}

func pickOnly(f *snapFile, kind string, names []string) (string, error) {
	sort.Strings(names)
	switch len(names) {
	case 0:
		return "", fmt.Errorf("snap %q (%s) has no shared-memory %s", f.raw.InstanceName(), f.path, kind)
	case 1:
		return names[0], nil
	default:
		return "", fmt.Errorf("snap %q (%s) has %d shared-memory %ss (%s): name one as %s:%s", f.raw.InstanceName(), f.path, len(names), kind, strings.Join(names, ", "), f.path, strings.ToUpper(kind))
	}
}
