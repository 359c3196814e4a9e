// Package snapyaml reads a snap as snap-iface is given one: a snap.yaml, a
// snapcraft.yaml, an unpacked snap or a snapcraft project directory. It
// finds the file, limits what it reads, and returns the snap.yaml, which
// for a snapcraft.yaml is what snapcraft writes. What snapd makes of it is
// its callers' (interfaces/preview).
package snapyaml

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// MaxSize is the largest input read. snap.yaml and snapcraft.yaml files
// are kilobytes; anything larger is refused before it is parsed.
const MaxSize = 1 << 20

// DirFiles are the places a snap's yaml is looked for in a directory, in
// order: a snapcraft project, in the order snapcraft looks, then an
// unpacked snap.
var DirFiles = []string{"snapcraft.yaml", "snap/snapcraft.yaml", "build-aux/snap/snapcraft.yaml", ".snapcraft.yaml", "meta/snap.yaml", "snap.yaml"}

// Snap is one snap as given.
type Snap struct {
	// Given is the path given: the file, or the directory searched.
	Given string
	// Path is the file read: Given, or found in the directory given.
	Path string
	// YAML is the snap.yaml: the file read, or what snapcraft writes for a
	// snapcraft.yaml.
	YAML []byte
	// Warnings say which files of a directory were not read, and what a
	// snapcraft.yaml holds that the snap.yaml leaves out.
	Warnings []string
}

// Load reads the snap given: a file, or a directory holding one of
// DirFiles.
func Load(given string) (*Snap, error) {
	path, ignored, err := find(given)
	if err != nil {
		return nil, err
	}
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	s, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	s.Given = given
	for _, other := range ignored {
		s.Warnings = append(s.Warnings, fmt.Sprintf("%s is ignored: %s comes first", other, filepath.Base(path)))
	}
	return s, nil
}

// Parse reads the snap whose yaml, read from path, is data.
func Parse(path string, data []byte) (*Snap, error) {
	s := &Snap{Given: path, Path: path, YAML: data}
	doc := decode(data)
	snapcraft := isSnapcraft(path, doc)
	if err := checkTree(doc, snapcraft); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if snapcraft {
		converted, warnings, err := FromSnapcraft(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		s.YAML, s.Warnings = converted, warnings
	}
	return s, nil
}

// find returns path, or for a directory the first of DirFiles in it and
// the others it holds.
func find(path string) (found string, ignored []string, err error) {
	info, err := os.Stat(path)
	if err != nil || !info.IsDir() {
		return path, nil, nil
	}
	for _, name := range DirFiles {
		candidate := filepath.Join(path, name)
		if _, err := os.Stat(candidate); err != nil {
			continue
		}
		if found == "" {
			found = candidate
		} else {
			ignored = append(ignored, candidate)
		}
	}
	if found == "" {
		return "", nil, fmt.Errorf("cannot find a snap in directory %q: it has none of %s", path, strings.Join(DirFiles, ", "))
	}
	return found, ignored, nil
}

// read reads a whole regular file of at most MaxSize bytes. It opens
// without blocking, so that a named pipe is refused rather than waited
// on, and never reads more than one byte past the limit.
func read(path string) ([]byte, error) {
	file, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read snap.yaml: %v", err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read snap.yaml: %v", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("cannot read %s: not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(file, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read snap.yaml: %v", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("cannot read %s: larger than %d bytes (1 MiB); snap.yaml files are kilobytes", path, MaxSize)
	}
	return data, nil
}
