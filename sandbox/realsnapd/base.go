package realsnapd

import (
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// baseDirs are the directories a base snap holds for snap-confine to
// mount over, as snapd's bases do.
var baseDirs = []string{
	"dev", "etc", "home", "root", "proc", "sys", "tmp", "run", "mnt", "media", "snap",
	"var/snap", "var/lib/snapd", "var/tmp", "var/log", "usr/src", "usr/lib/snapd",
	"usr/lib/modules", "usr/lib/firmware", "usr/bin", "usr/sbin",
}

// basePrograms are the host's programs a base snap carries: a shell and
// coreutils for spread tasks and hooks, and python3 for test snaps that
// call glibc through ctypes. snap-confine's template allows them where
// snapd's own bases have them.
var basePrograms = []string{"bash", "dash", "sh", "grep", "sed", "python3", "python3.11"}

// basePackages are the host's packages whose programs a base carries whole.
var basePackages = []string{"coreutils"}

// basePythonModules are what a base's python3 can import, with what they
// import in turn: enough for test snaps that call glibc through ctypes.
const basePythonModules = "ctypes, errno, json, mmap, os, pathlib, shutil, signal, struct, subprocess, sys, tempfile, time, encodings.ascii, encodings.latin_1, encodings.utf_8"

// baseSnap writes the squashfs of a base snap named name into path, made
// from the host's own files so that nothing is downloaded. A base named
// "core" is snapd's carrier on a classic system: it is of type os and
// carries snapd's programs from tools, as Ubuntu's core snap does.
func (t *Tools) baseSnap(name, path string) error {
	stage, err := os.MkdirTemp(filepath.Dir(path), "stage-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)
	// snapd refuses a snap whose root directory is not 0755.
	if err := os.Chmod(stage, 0755); err != nil {
		return err
	}
	for _, dir := range baseDirs {
		if err := os.MkdirAll(filepath.Join(stage, dir), 0755); err != nil {
			return err
		}
	}
	for _, link := range []string{"bin", "sbin", "lib", "lib64"} {
		if err := os.Symlink("usr/"+link, filepath.Join(stage, link)); err != nil {
			return err
		}
	}
	files, err := baseFiles()
	if err != nil {
		return err
	}
	for _, file := range files {
		if err := run("/", nil, "cp", "-a", "--parents", file, stage); err != nil {
			return err
		}
	}
	kind := "base"
	if name == "core" {
		kind = "os"
		for _, program := range Programs {
			if strings.HasPrefix(program, "usr/lib/snapd/") || strings.HasPrefix(program, "etc/") {
				if err := run(t.Dir, nil, "cp", "-a", "--parents", program, stage); err != nil {
					return err
				}
			}
		}
	}
	if err := os.Symlink("../lib/snapd/snapctl", filepath.Join(stage, "usr/bin/snapctl")); err != nil {
		return err
	}
	yaml := fmt.Sprintf("name: %s\nversion: %s\ntype: %s\n", name, Version, kind)
	if err := os.MkdirAll(filepath.Join(stage, "meta"), 0755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(stage, "meta/snap.yaml"), []byte(yaml), 0644); err != nil {
		return err
	}
	return run("", nil, "mksquashfs", stage, path, "-noappend", "-all-root", "-no-progress")
}

// baseFiles lists the host files a base carries: basePrograms, the
// programs of basePackages, basePythonModules and every shared library they load,
// each by its path under /usr with the links that lead to it.
func baseFiles() ([]string, error) {
	var programs []string
	for _, name := range basePrograms {
		path := filepath.Join("/usr/bin", name)
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("cannot make a base snap without the host's %s", path)
		}
		programs = append(programs, path)
	}
	for _, pkg := range basePackages {
		out, err := exec.Command("dpkg", "-L", pkg).Output()
		if err != nil {
			return nil, fmt.Errorf("cannot list the host's %s package: %v", pkg, err)
		}
		for _, path := range strings.Fields(string(out)) {
			if strings.Contains(path, "/bin/") {
				if st, err := os.Lstat(path); err == nil && !st.IsDir() {
					programs = append(programs, path)
				}
			}
		}
	}
	files := map[string]bool{}
	var add func(path string) error
	add = func(path string) error {
		path, err := underUsr(path)
		if err != nil || files[path] || !strings.HasPrefix(path, "/usr/") {
			// A base's /etc is the host's, bound by snap-confine.
			return err
		}
		files[path] = true
		st, err := os.Lstat(path)
		if err != nil {
			return err
		}
		if st.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(path), target)
			}
			return add(target)
		}
		if !st.Mode().IsRegular() {
			return nil
		}
		libs, err := sharedLibraries(path)
		if err != nil {
			return err
		}
		for _, lib := range libs {
			if err := add(lib); err != nil {
				return err
			}
		}
		return nil
	}
	modules, err := pythonFiles()
	if err != nil {
		return nil, err
	}
	for _, module := range modules {
		if err := add(module); err != nil {
			return nil, err
		}
	}
	for _, program := range programs {
		if err := add(program); err != nil {
			return nil, err
		}
	}
	list := make([]string, 0, len(files))
	for path := range files {
		list = append(list, path)
	}
	sort.Strings(list)
	return list, nil
}

// pythonFiles lists the files of basePythonModules, as the host's
// /usr/bin/python3 finds them.
func pythonFiles() ([]string, error) {
	out, err := exec.Command("/usr/bin/python3", "-c", "import sys, "+basePythonModules+"\n"+
		"for m in list(sys.modules.values()):\n"+
		"    f = getattr(m, '__file__', None)\n"+
		"    if f: print(f)\n").Output()
	if err != nil {
		return nil, fmt.Errorf("cannot list the host's python3 modules: %v", commandError(err))
	}
	return strings.Fields(string(out)), nil
}

// underUsr spells path through /usr, where Debian's merged /bin and /lib
// lead, so that a base's bin and lib links find it.
func underUsr(path string) (string, error) {
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, filepath.Base(path)), nil
}

// sharedLibraries lists what ldd says an ELF file loads; nothing for other
// files.
func sharedLibraries(path string) ([]string, error) {
	if f, err := elf.Open(path); err != nil {
		return nil, nil
	} else {
		f.Close()
	}
	out, err := exec.Command("ldd", path).Output()
	if err != nil {
		// A static program, or not one ldd can run.
		return nil, nil
	}
	var libs []string
	for _, line := range strings.Split(string(out), "\n") {
		for _, field := range strings.Fields(line) {
			if strings.HasPrefix(field, "/") {
				libs = append(libs, field)
			}
		}
	}
	return libs, nil
}
