package uml

import (
	"crypto/sha256"
	"encoding/hex"
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
// gcc and flags into dir/name, and returns that path. A program compiled
// before, from the same source and flags by the same gcc, is copied from
// the user's cache (snapd-shm in os.UserCacheDir) instead.
func Compile(dir, name string, source []byte, flags ...string) (string, error) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return "", ErrNoCompiler
	}
	path := filepath.Join(dir, name)
	cached := cacheFile("gcc-", gcc, append([]byte(fmt.Sprintf("%q\x00", flags)), source...))
	if cached != "" && copyExecutable(cached, path) == nil {
		return path, nil
	}
	if err := os.WriteFile(path+".c", source, 0644); err != nil {
		return "", fmt.Errorf("cannot write %s.c: %v", path, err)
	}
	args := append([]string{"-O2", "-Wall", "-Werror", "-o", path, path + ".c"}, flags...)
	if out, err := exec.Command(gcc, args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("cannot compile %s.c: %v: %s", path, err, strings.TrimSpace(string(out)))
	}
	if cached != "" {
		// A cache that cannot be written only costs the next run a compile.
		keep(path, cached)
	}
	return path, nil
}

// keep copies source into the cache as cached, whole or not at all, though
// other runs may keep the same file at the same time.
func keep(source, cached string) error {
	data, err := os.ReadFile(source)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(cached), 0755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(cached), filepath.Base(cached)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), cached)
}

// cacheFile is the path of a file kept for the next runs, named prefix and
// the digest of tool's identity (its path, size and time) and of key: in
// the user's cache, or else in the temporary directory; "" when tool is
// gone.
func cacheFile(prefix, tool string, key []byte) string {
	info, err := os.Stat(tool)
	if err != nil {
		return ""
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00", tool, info.Size(), info.ModTime().UnixNano())
	h.Write(key)
	return filepath.Join(cache, "snapd-shm", prefix+hex.EncodeToString(h.Sum(nil))[:32])
}

// copyExecutable copies a program, executable.
func copyExecutable(source, target string) error {
	if err := copyFile(source, target); err != nil {
		return err
	}
	return os.Chmod(target, 0755)
}
