package uml

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoCompiler is returned when gcc is not installed.
var ErrNoCompiler = errors.New("gcc not found: install Debian's gcc package (apt-get install gcc libc6-dev)")

// Compile writes a C program's source into dir as name.c, compiles it with
// gcc and flags into dir/name, and returns that path.
func Compile(dir, name string, source []byte, flags ...string) (string, error) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return "", ErrNoCompiler
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path+".c", source, 0644); err != nil {
		return "", fmt.Errorf("cannot write %s.c: %v", path, err)
	}
	args := append([]string{"-O2", "-Wall", "-Werror", "-o", path, path + ".c"}, flags...)
	if out, err := exec.Command(gcc, args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("cannot compile %s.c: %v: %s", path, err, strings.TrimSpace(string(out)))
	}
	return path, nil
}
