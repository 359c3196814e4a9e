package main

import (
	"os"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/preview"
)

// systemArgument names snapd's implicit system slot on a classic system.
const systemArgument = "system"

// loadSnap reads a snap as preview.Load does and warns of what its
// snapcraft.yaml holds that the preview leaves out.
func loadSnap(path string) (*preview.Snap, error) {
	s, err := preview.Load(path)
	if err != nil {
		return nil, err
	}
	for _, w := range s.Warnings {
		warn("%s: %s", s.Path, w)
	}
	return s, nil
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
