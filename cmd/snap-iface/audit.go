package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/snapcore/snapd/snap"
)

// privateDirMode is the mode of a snap's private /dev/shm directory.
const privateDirMode = os.ModeDir | os.ModeSticky | 0777

func runAudit(args []string, stdout io.Writer) (int, error) {
	flags := flag.NewFlagSet("shm-audit", flag.ContinueOnError)
	root := flags.String("root", "/", "root directory of the host to inspect")
	snapList := flags.String("snaps", "", "comma-separated instance names of the installed snaps")
	args, err := parseFlags(flags, args)
	if err != nil {
		return 0, err
	}
	if len(args) != 0 {
		return 0, fmt.Errorf("shm-audit: want no arguments, got %q", args[0])
	}
	var installed map[string]bool
	flags.Visit(func(f *flag.Flag) {
		if f.Name == "snaps" {
			installed = map[string]bool{}
		}
	})
	if installed != nil && *snapList != "" {
		for _, name := range strings.Split(*snapList, ",") {
			if err := snap.ValidateInstanceName(name); err != nil {
				return 0, fmt.Errorf("shm-audit: --snaps: %v", err)
			}
			installed[name] = true
		}
	}
	findings, err := auditShm(filepath.Join(*root, "dev/shm"), installed)
	if err != nil {
		return 0, err
	}
	for _, f := range findings {
		fmt.Fprintln(stdout, f)
	}
	if len(findings) > 0 {
		return exitFindings, nil
	}
	return exitOK, nil
}

// auditShm inspects the snap.* entries of shmDir. The entry snap.<instance>
// is that snap's private directory; snap.<instance>.<anything> are objects
// the snap made itself. When installed is not nil, directories of snaps not
// in it are reported as left behind.
func auditShm(shmDir string, installed map[string]bool) ([]string, error) {
	entries, err := os.ReadDir(shmDir)
	if err != nil {
		return nil, fmt.Errorf("cannot inspect shared memory: %v", err)
	}
	var findings []string
	report := func(path, format string, args ...interface{}) {
		findings = append(findings, path+": "+fmt.Sprintf(format, args...))
	}
	for _, entry := range entries {
		owner, ok := strings.CutPrefix(entry.Name(), "snap.")
		if !ok {
			continue
		}
		path := filepath.Join(shmDir, entry.Name())
		info, err := os.Lstat(path)
		if err != nil {
			report(path, "cannot inspect: %v", err)
			continue
		}
		instance, _, nested := strings.Cut(owner, ".")
		if !nested {
			for _, problem := range privateDirProblems(path, info) {
				report(path, "%s", problem)
			}
		}
		if installed != nil && info.IsDir() && !installed[instance] {
			size, files, err := treeSize(path)
			if err != nil {
				report(path, "left behind: no installed snap %q; cannot measure: %v", instance, err)
				continue
			}
			report(path, "left behind: no installed snap %q; %d bytes in %d files", instance, size, files)
		}
	}
	return findings, nil
}

// privateDirProblems returns what is wrong with a private directory.
func privateDirProblems(path string, info fs.FileInfo) []string {
	if info.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(path)
		if err != nil {
			return []string{"private directory is a symlink"}
		}
		return []string{fmt.Sprintf("private directory is a symlink to %q", target)}
	}
	if !info.IsDir() {
		return []string{fmt.Sprintf("private directory is not a directory but a %s", fileKind(info.Mode()))}
	}
	var problems []string
	if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
		problems = append(problems, fmt.Sprintf("private directory is owned by uid %d, not root", st.Uid))
	}
	if mode := info.Mode() & (os.ModeDir | os.ModeSticky | os.ModeSetuid | os.ModeSetgid | os.ModePerm); mode != privateDirMode {
		problems = append(problems, fmt.Sprintf("private directory has mode %04o, not 01777", unixMode(mode)))
	}
	return problems
}

func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "regular file"
	case mode&fs.ModeNamedPipe != 0:
		return "named pipe"
	case mode&fs.ModeSocket != 0:
		return "socket"
	case mode&fs.ModeDevice != 0:
		return "device"
	default:
		return mode.Type().String()
	}
}

// unixMode returns the permission bits as chmod(1) writes them.
func unixMode(mode fs.FileMode) uint32 {
	bits := uint32(mode.Perm())
	if mode&os.ModeSetuid != 0 {
		bits |= 04000
	}
	if mode&os.ModeSetgid != 0 {
		bits |= 02000
	}
	if mode&os.ModeSticky != 0 {
		bits |= 01000
	}
	return bits
}

// treeSize returns the total size and the count of the regular files under
// dir, following no symlinks.
func treeSize(dir string) (size int64, files int, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		files++
		return nil
	})
	return size, files, err
}
