// Package shmaudit inspects a host's /dev/shm for what snaps leave there:
// private directories snap.<instance> that are unsafe to bind over a snap's
// /dev/shm (a danger when the snap has a private plug: snapd 2.64 then
// runs it in the host's /dev/shm, or in a directory another user owns),
// and memory held by snaps that are not installed (directories
// snap.<instance>, objects snap.<instance>.* and semaphores
// sem.snap.<instance>.*), measured in allocated bytes. An entry named like
// these whose instance name is not valid belongs to no snap, and is reported
// with its size. It reports objects named like glibc's temporary semaphores,
// "sem." and 6 letters or digits, that no installed snap's slot declares:
// the rule for those names (builtin.TemporarySemaphoreRule) exposes them to
// every snap that has it and runs as their owner. Other entries are not
// looked at. It also reads which snap instances a host has installed.
//
// Every file is reached from the descriptor of the host's root by openat,
// without following a symlink, so that nothing outside the root is read.
package shmaudit

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// privateDirMode is the mode of a snap's private /dev/shm directory.
const privateDirMode = unix.S_IFDIR | unix.S_ISVTX | 0777

// snapMountDirs are where a root may have its snaps mounted, relative to
// the root: /snap, or /var/lib/snapd/snap where /snap is a symlink to it.
var snapMountDirs = []string{"snap", "var/lib/snapd/snap"}

// ErrNoSnapMountDir is returned by InstalledSnaps when the root has no
// directory where snaps are mounted.
var ErrNoSnapMountDir = errors.New("no snap mount directory")

// Finding is one problem found under the root.
type Finding struct {
	// Path is the file's path: the root joined with its path in the root.
	Path string
	// Problem says what is wrong, in words.
	Problem string
}

// String is the finding as one line: the path is quoted, since a name may
// hold a newline.
func (f Finding) String() string {
	return strconv.Quote(f.Path) + ": " + f.Problem
}

// Report is the result of an audit.
type Report struct {
	// Dir is the directory inspected, ROOT/dev/shm.
	Dir string
	// Entries counts the entries of /dev/shm named like a snap's.
	Entries int
	// Findings are sorted by the name of the entry in /dev/shm.
	Findings []Finding
}

// Root is a host's root directory, open for inspection.
type Root struct {
	path string
	fd   int
}

// Open opens the root directory at path.
func Open(path string) (*Root, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot inspect shared memory: cannot open root %q: %v", path, err)
	}
	return &Root{path: path, fd: fd}, nil
}

// Close closes the root.
func (r *Root) Close() error {
	return unix.Close(r.fd)
}

// SnapMountDir is the root's /snap, as a path outside the root.
func (r *Root) SnapMountDir() string {
	return filepath.Join(r.path, "snap")
}

// InstalledSnaps returns the installed snap instances: each has a
// directory in the snap mount directory (ROOT/snap, or
// ROOT/var/lib/snapd/snap) with a "current" revision. When the root has
// neither, it returns ErrNoSnapMountDir.
func (r *Root) InstalledSnaps() (map[string]bool, error) {
	for _, dir := range snapMountDirs {
		fd, err := openPath(r.fd, dir)
		if err != nil {
			continue
		}
		defer unix.Close(fd)
		names, err := readDirNames(fd)
		if err != nil {
			return nil, fmt.Errorf("cannot list installed snaps: %v", err)
		}
		installed := map[string]bool{}
		for _, name := range names {
			if snap.ValidateInstanceName(name) == nil && hasCurrentRevision(fd, name) {
				installed[name] = true
			}
		}
		return installed, nil
	}
	return nil, ErrNoSnapMountDir
}

func hasCurrentRevision(mountFd int, name string) bool {
	fd, err := openDirAt(mountFd, name)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	return unix.Fstatat(fd, "current", &st, unix.AT_SYMLINK_NOFOLLOW) == nil
}

type inode struct{ dev, ino uint64 }

// audit is one run of Audit.
type audit struct {
	root *Root
	// installed holds the installed snap instances; nil when they are
	// unknown, and then nothing is reported as left behind.
	installed map[string]bool
	// seen are the inodes measured, so that hard links count once.
	seen map[inode]bool
	// declared are the names and globs of the installed snaps' slots, and
	// privatePlugs the installed snaps with a private plug.
	declared     []string
	privatePlugs map[string]bool
	report       Report
}

// Audit inspects the entries of ROOT/dev/shm named like a snap's. installed
// holds the installed snap instances; when it is nil, memory left behind is
// not looked for. A symlinked ROOT/dev or ROOT/dev/shm is a finding, and is
// not followed.
func (r *Root) Audit(installed map[string]bool) (*Report, error) {
	a := &audit{root: r, installed: installed, seen: map[inode]bool{}}
	a.declared, a.privatePlugs = r.readSnaps(installed)
	a.report.Dir = filepath.Join(r.path, "dev/shm")
	if err := a.inspect(); err != nil {
		return nil, err
	}
	return &a.report, nil
}

// add adds a finding about path, relative to the root.
func (a *audit) add(path, format string, args ...interface{}) {
	a.report.Findings = append(a.report.Findings, Finding{filepath.Join(a.root.path, path), fmt.Sprintf(format, args...)})
}

func (a *audit) inspect() error {
	devFd, err := a.openChecked(a.root.fd, "dev")
	if devFd < 0 {
		return err
	}
	defer unix.Close(devFd)
	shmFd, err := a.openChecked(devFd, "dev/shm")
	if shmFd < 0 {
		return err
	}
	defer unix.Close(shmFd)
	names, err := readDirNames(shmFd)
	if err != nil {
		return fmt.Errorf("cannot inspect shared memory: %v", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if builtin.IsTemporarySemaphoreName(name) {
			a.temporarySemaphore(shmFd, name)
			continue
		}
		owner, private, ok := shmOwner(name)
		if !ok {
			continue
		}
		a.report.Entries++
		path := filepath.Join("dev/shm", name)
		var st unix.Stat_t
		if err := unix.Fstatat(shmFd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			a.add(path, "cannot inspect: %v", err)
			continue
		}
		isSnap := snap.ValidateInstanceName(owner) == nil
		if private && isSnap {
			for _, problem := range privateDirProblems(shmFd, name, a.privatePlugs[owner], &st) {
				a.add(path, "%s", problem)
			}
		}
		var unowned string
		switch {
		case !isSnap:
			unowned = fmt.Sprintf("named like a snap's, but %q is not a snap instance name", owner)
		case a.installed != nil && !a.installed[owner]:
			unowned = fmt.Sprintf("left behind: no installed snap %q", owner)
		default:
			continue
		}
		size, files, err := a.measure(shmFd, name, &st)
		if err != nil {
			a.add(path, "%s; cannot measure: %v", unowned, err)
			continue
		}
		a.add(path, "%s; %d bytes allocated in %d files", unowned, size, files)
	}
	return nil
}

// temporarySemaphore reports an object named like glibc's temporary
// semaphores that no installed snap's slot declares.
func (a *audit) temporarySemaphore(shmFd int, name string) {
	for _, glob := range a.declared {
		if matched, _ := path.Match(glob, name); matched {
			return
		}
	}
	entry := filepath.Join("dev/shm", name)
	var st unix.Stat_t
	if err := unix.Fstatat(shmFd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		a.add(entry, "cannot inspect: %v", err)
		return
	}
	a.add(entry, "named like glibc's temporary semaphores and declared by no installed snap's slot: "+
		"every snap running as its owner, uid %d, with the rule for those names (a connection to a slot that writes semaphores) "+
		"can open, read, write, map, lock and remove it", st.Uid)
}

// maxSnapYAMLSize is the most of a snap.yaml that readSnaps reads.
const maxSnapYAMLSize = 1 << 20

// readSnaps returns the "read" and "write" names of the shared-memory
// slots of the installed snaps that the sanitizer accepts, and the snaps
// with a private shared-memory plug, as their current revision's
// meta/snap.yaml declares them. A snap whose snap.yaml cannot be read
// declares none.
func (r *Root) readSnaps(installed map[string]bool) (names []string, privatePlugs map[string]bool) {
	privatePlugs = make(map[string]bool)
	for instance := range installed {
		data, err := r.readSnapYAML(instance)
		if err != nil {
			continue
		}
		info, err := system.ParseSnapYAML(data)
		if err != nil {
			continue
		}
		// A plug or slot the sanitizer rejects grants nothing.
		builtin.SanitizePlugsSlots(info)
		for _, plug := range info.Plugs {
			if private, _ := plug.Attrs["private"].(bool); private && plug.Interface == builtin.SharedMemory {
				privatePlugs[instance] = true
			}
		}
		for _, slot := range info.Slots {
			if slot.Interface != builtin.SharedMemory {
				continue
			}
			for _, attr := range []string{"write", "read"} {
				list, _ := slot.Attrs[attr].([]interface{})
				for _, item := range list {
					if name, ok := item.(string); ok {
						names = append(names, name)
					}
				}
			}
		}
	}
	return names, privatePlugs
}

// readSnapYAML reads SNAP_MOUNT_DIR/<instance>/current/meta/snap.yaml,
// following only the "current" symlink, to a revision beside it.
func (r *Root) readSnapYAML(instance string) ([]byte, error) {
	for _, dir := range snapMountDirs {
		fd, err := openPath(r.fd, dir+"/"+instance)
		if err != nil {
			continue
		}
		defer unix.Close(fd)
		revision, err := readlinkAt(fd, "current")
		if err != nil || strings.Contains(revision, "/") || revision == ".." {
			return nil, fmt.Errorf("cannot read the current revision of %q", instance)
		}
		metaFd, err := openPath(fd, revision+"/meta")
		if err != nil {
			return nil, err
		}
		defer unix.Close(metaFd)
		file, err := unix.Openat(metaFd, "snap.yaml", unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return nil, err
		}
		f := os.NewFile(uintptr(file), "snap.yaml")
		defer f.Close()
		return io.ReadAll(io.LimitReader(f, maxSnapYAMLSize))
	}
	return nil, ErrNoSnapMountDir
}

// openChecked opens the directory name (path from the root) in dirFd
// without following a symlink. A symlink is a finding, and -1 is returned
// with a nil error; other failures are errors.
func (a *audit) openChecked(dirFd int, path string) (int, error) {
	fd, err := openDirAt(dirFd, filepath.Base(path))
	if err == nil {
		return fd, nil
	}
	if target, linkErr := readlinkAt(dirFd, filepath.Base(path)); linkErr == nil {
		a.add(path, "is a symlink to %q, not followed: snapd cannot give a private plug a /dev/shm of its own through it", target)
		return -1, nil
	}
	return -1, fmt.Errorf("cannot inspect shared memory: cannot open %q: %v", filepath.Join(a.root.path, path), err)
}

// shmOwner returns whose an entry of /dev/shm is by its name:
// snap.<instance> is a snap's private directory, snap.<instance>.* are
// objects and sem.snap.<instance>.* semaphores it made itself. The owner is
// a snap's only if it is a valid instance name.
func shmOwner(name string) (owner string, private, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimPrefix(name, "sem."), "snap.")
	if !ok {
		return "", false, false
	}
	owner, _, nested := strings.Cut(rest, ".")
	return owner, !nested && !strings.HasPrefix(name, "sem."), true
}

// privateDirProblems returns what is wrong with a private directory, and
// what snapd makes of it for a snap with a private plug; private tells
// whether the snap has one.
func privateDirProblems(dirFd int, name string, private bool, st *unix.Stat_t) []string {
	danger := "a private plug would fail open: "
	if private {
		danger = "DANGER, the snap's private plug fails open: "
	}
	const unmountable = "snapd 2.64's snap-update-ns cannot mount it, and the snap runs in the host's /dev/shm with every object open to it"
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
	case unix.S_IFLNK:
		target, err := readlinkAt(dirFd, name)
		if err != nil {
			return []string{"private directory is a symlink; " + danger + unmountable}
		}
		return []string{fmt.Sprintf("private directory is a symlink to %q; %s%s", target, danger, unmountable)}
	default:
		return []string{fmt.Sprintf("private directory is not a directory but a %s; %s%s", fileKind(st.Mode), danger, unmountable)}
	}
	var problems []string
	if st.Uid != 0 {
		problems = append(problems, fmt.Sprintf("private directory is owned by uid %d, not root; %ssnapd 2.64's snap-update-ns mounts it, and uid %d owns the snap's private /dev/shm",
			st.Uid, danger, st.Uid))
	}
	if mode := st.Mode & (unix.S_IFMT | 07777); mode != privateDirMode {
		problems = append(problems, fmt.Sprintf("private directory has mode %04o, not 01777", mode&07777))
	}
	return problems
}

func fileKind(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return "regular file"
	case unix.S_IFIFO:
		return "named pipe"
	case unix.S_IFSOCK:
		return "socket"
	case unix.S_IFCHR, unix.S_IFBLK:
		return "device"
	default:
		return fmt.Sprintf("file of type %#o", mode&unix.S_IFMT)
	}
}

// measure returns the memory an entry holds, in allocated bytes, and the
// regular files in it, counting each inode once across the audit. However
// deep the tree, it holds two descriptors at most: it goes down by openat
// without following symlinks, and back up by "..", checking that each
// directory opened is the one it stat'ed.
func (a *audit) measure(dirFd int, name string, st *unix.Stat_t) (size int64, files int, err error) {
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		size, files = a.count(st)
		return size, files, nil
	}
	fd, err := openDirChecked(dirFd, name, inodeOf(st))
	if err != nil {
		return 0, 0, err
	}
	defer func() { unix.Close(fd) }()
	// level is a directory on the way down: the entries left to measure.
	type level struct {
		id    inode
		names []string
	}
	names, err := readDirNames(fd)
	if err != nil {
		return 0, 0, err
	}
	path := []level{{inodeOf(st), names}}
	for {
		top := &path[len(path)-1]
		if len(top.names) == 0 {
			path = path[:len(path)-1]
			if len(path) == 0 {
				return size, files, nil
			}
			parent, err := openDirChecked(fd, "..", path[len(path)-1].id)
			if err != nil {
				return 0, 0, err
			}
			unix.Close(fd)
			fd = parent
			continue
		}
		child := top.names[0]
		top.names = top.names[1:]
		var childSt unix.Stat_t
		if err := unix.Fstatat(fd, child, &childSt, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return 0, 0, err
		}
		if childSt.Mode&unix.S_IFMT != unix.S_IFDIR {
			childSize, childFiles := a.count(&childSt)
			size += childSize
			files += childFiles
			continue
		}
		sub, err := openDirChecked(fd, child, inodeOf(&childSt))
		if err != nil {
			return 0, 0, err
		}
		unix.Close(fd)
		fd = sub
		names, err := readDirNames(fd)
		if err != nil {
			return 0, 0, err
		}
		path = append(path, level{inodeOf(&childSt), names})
	}
}

// count returns the memory a file that is not a directory holds, and 1 if
// it is a regular file not counted before. Symlinks, pipes and sockets hold
// no shared memory.
func (a *audit) count(st *unix.Stat_t) (int64, int) {
	if id := inodeOf(st); st.Mode&unix.S_IFMT == unix.S_IFREG && !a.seen[id] {
		a.seen[id] = true
		return st.Blocks * 512, 1
	}
	return 0, 0
}

func inodeOf(st *unix.Stat_t) inode {
	return inode{uint64(st.Dev), st.Ino}
}

// openDirChecked opens the directory name in dirFd, failing on a symlink
// and on any directory but id: one moved or replaced while it is measured.
func openDirChecked(dirFd int, name string, id inode) (int, error) {
	fd, err := openDirAt(dirFd, name)
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if inodeOf(&st) != id {
		unix.Close(fd)
		return -1, errors.New("a directory was moved or replaced while it was measured")
	}
	return fd, nil
}

// openDirAt opens the directory name in dirFd, failing on a symlink.
func openDirAt(dirFd int, name string) (int, error) {
	return unix.Openat(dirFd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
}

// openPath opens a relative directory path one component at a time,
// following no symlink.
func openPath(dirFd int, path string) (int, error) {
	fd, err := unix.Dup(dirFd)
	if err != nil {
		return -1, err
	}
	for _, name := range strings.Split(path, "/") {
		next, err := openDirAt(fd, name)
		unix.Close(fd)
		if err != nil {
			return -1, err
		}
		fd = next
	}
	return fd, nil
}

func readlinkAt(dirFd int, name string) (string, error) {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(dirFd, name, buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// readDirNames lists a directory, leaving dirFd open.
func readDirNames(dirFd int) ([]string, error) {
	fd, err := unix.Dup(dirFd)
	if err != nil {
		return nil, err
	}
	dir := os.NewFile(uintptr(fd), "")
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return names, nil
}
