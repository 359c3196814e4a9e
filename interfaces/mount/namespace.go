package mount

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/snapcore/snapd/osutil"
	"github.com/snapcore/snapd/snap"
	"golang.org/x/sys/unix"
)

const (
	devShm = "/dev/shm"
	// privateDevShmPrefix starts the name of a private /dev/shm in /dev/shm.
	privateDevShmPrefix = "snap."
	// privateDevShmMode is what snapd gives a private /dev/shm: writable
	// by all, like /dev/shm itself, with the sticky bit.
	privateDevShmMode = 01777
)

// sharedMemoryDir is a private /dev/shm, opened once: every check and the
// bind act on the object behind fd.
type sharedMemoryDir struct {
	path    string
	fd      int // O_PATH|O_NOFOLLOW
	created bool
}

// EnsureSharedMemoryDir returns /dev/shm/snap.<instanceName>, the private
// /dev/shm of a snap instance, creating it owned by root with mode 01777 if
// it is missing. The directory appears with that mode at once, and
// concurrent callers all get it. An existing directory owned by root gets
// mode 01777; a symlink, a non-directory, or a directory not owned by root
// in its place is refused, as is a symlinked /dev/shm.
func EnsureSharedMemoryDir(instanceName string) (string, error) {
	dir, err := openSharedMemoryDir(instanceName)
	if err != nil {
		return "", err
	}
	unix.Close(dir.fd)
	return dir.path, nil
}

func openSharedMemoryDir(instanceName string) (*sharedMemoryDir, error) {
	if err := snap.ValidateInstanceName(instanceName); err != nil {
		return nil, fmt.Errorf("cannot create private /dev/shm: %v", err)
	}
	parent, err := unix.Open(devShm, unix.O_PATH|unix.O_NOFOLLOW|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOTDIR) || errors.Is(err, unix.ELOOP) {
		return nil, fmt.Errorf("cannot create private /dev/shm: %q is a symlink or not a directory", devShm)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open %q: %v", devShm, err)
	}
	defer unix.Close(parent)

	name := privateDevShmPrefix + instanceName
	dir := &sharedMemoryDir{path: filepath.Join(devShm, name)}
	dir.created, err = mkdirWithMode(parent, name, privateDevShmMode)
	if err != nil {
		return nil, fmt.Errorf("cannot create private /dev/shm %q: %v", dir.path, err)
	}
	dir.fd, err = unix.Openat(parent, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot open private /dev/shm %q: %v", dir.path, err)
	}
	if err := dir.check(); err != nil {
		unix.Close(dir.fd)
		return nil, err
	}
	return dir, nil
}

// check refuses anything but a directory owned by root, and gives such a
// directory mode 01777.
func (dir *sharedMemoryDir) check() error {
	var st unix.Stat_t
	if err := unix.Fstat(dir.fd, &st); err != nil {
		return fmt.Errorf("cannot inspect private /dev/shm %q: %v", dir.path, err)
	}
	switch {
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		return fmt.Errorf("cannot use %q as private /dev/shm: it is a symlink", dir.path)
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return fmt.Errorf("cannot use %q as private /dev/shm: it is not a directory", dir.path)
	case st.Uid != 0:
		return fmt.Errorf("cannot use %q as private /dev/shm: it is owned by uid %d, not root", dir.path, st.Uid)
	case st.Mode&07777 != privateDevShmMode:
		// chmod(2) through the descriptor's link acts on the object
		// checked, whatever the path now names.
		if err := unix.Fchmodat(unix.AT_FDCWD, dir.fdPath(), privateDevShmMode, 0); err != nil {
			return fmt.Errorf("cannot set mode of private /dev/shm %q: %v", dir.path, err)
		}
	}
	return nil
}

// fdPath names the directory through its descriptor.
func (dir *sharedMemoryDir) fdPath() string {
	return fmt.Sprintf("/proc/self/fd/%d", dir.fd)
}

// mkdirWithMode creates the directory name in parent with exactly mode,
// whatever the process's umask, and reports whether it created it. It
// works on a thread of its own whose umask is 0, so that mkdir(2) gives the
// final mode at once and the process's umask is left alone.
func mkdirWithMode(parent int, name string, mode uint32) (created bool, err error) {
	type result struct {
		created bool
		err     error
	}
	done := make(chan result, 1)
	go func() {
		// The thread is never unlocked: its file system attributes
		// are its own, so the runtime must end it with this goroutine.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			done <- result{err: fmt.Errorf("cannot unshare the umask: %v", err)}
			return
		}
		unix.Umask(0)
		err := unix.Mkdirat(parent, name, mode)
		if errors.Is(err, unix.EEXIST) {
			done <- result{}
			return
		}
		done <- result{created: err == nil, err: err}
	}()
	r := <-done
	return r.created, r.err
}

// remove removes a private /dev/shm that this process created, with what
// is in it. No one but root can swap it: /dev/shm is sticky and the
// directory is root's.
func (dir *sharedMemoryDir) remove() error {
	return os.RemoveAll(dir.path)
}

// bindMount is one entry of a profile, reduced to what mount(2) needs.
type bindMount struct {
	source, target string
	flags          uintptr
	readOnly       bool
}

// bindMounts checks that every entry of profile is a bind mount that
// RunInNamespace can apply, between clean absolute paths, and returns them
// in order.
func bindMounts(profile *osutil.MountProfile) ([]bindMount, error) {
	var mounts []bindMount
	for _, entry := range profile.Entries {
		m := bindMount{source: entry.Name, target: entry.Dir}
		bind := false
		for _, option := range entry.Options {
			switch {
			case option == "bind":
				bind = true
				m.flags = unix.MS_BIND
			case option == "rbind":
				bind = true
				m.flags = unix.MS_BIND | unix.MS_REC
			case option == "ro":
				m.readOnly = true
			case option == "rw", strings.HasPrefix(option, "x-snapd.origin="):
			default:
				return nil, fmt.Errorf("cannot apply mount entry %q: option %q is not supported", entry, option)
			}
		}
		if !bind || entry.Type != "none" {
			return nil, fmt.Errorf("cannot apply mount entry %q: only bind mounts are supported", entry)
		}
		for _, path := range []string{m.source, m.target} {
			if !filepath.IsAbs(path) || filepath.Clean(path) != path {
				return nil, fmt.Errorf("cannot apply mount entry %q: %q is not a clean absolute path", entry, path)
			}
		}
		if m.bindsShmDir() && !strings.HasPrefix(filepath.Base(m.source), privateDevShmPrefix) {
			return nil, fmt.Errorf("cannot apply mount entry %q: only a private /dev/shm (%s%s<instance>) may be bound over %s", entry, devShm+"/", privateDevShmPrefix, devShm)
		}
		mounts = append(mounts, m)
	}
	return mounts, nil
}

// bindsShmDir reports whether the mount binds a directory of /dev/shm over
// /dev/shm, as a private /dev/shm is.
func (m bindMount) bindsShmDir() bool {
	return m.target == devShm && filepath.Dir(m.source) == devShm
}

// beforeBind runs between the checks of a private /dev/shm and its bind;
// tests swap the directory there.
var beforeBind = func() {}

// RunInNamespace applies the bind entries of profile in a new mount
// namespace, whose propagation is private, and calls fn there. The source
// of an entry that binds over /dev/shm a directory of /dev/shm must be a
// private /dev/shm (snap.<instance>): it is created as
// EnsureSharedMemoryDir does, checked, and bound through the descriptor it
// was checked with.
//
// fn runs on one locked OS thread: only what it does on that goroutine, and
// the processes it starts, are inside the namespace. The thread exits with
// fn, and the namespace goes away when the last process in it does. When fn
// fails, panics or calls runtime.Goexit, RunInNamespace returns an error,
// and removes the private /dev/shm directories it created.
func RunInNamespace(profile *osutil.MountProfile, fn func() error) error {
	if profile == nil {
		return errors.New("cannot run in mount namespace: profile is nil")
	}
	mounts, err := bindMounts(profile)
	if err != nil {
		return err
	}
	// The private /dev/shm directories are opened, checked and bound in
	// the namespace: a mount can only be bound from a descriptor opened in
	// the same mount namespace.
	dirs := make(map[int]*sharedMemoryDir)
	result := make(chan error, 1)
	go func() {
		// The thread is never unlocked: it leaves the host's namespace,
		// so the runtime must end it with this goroutine.
		runtime.LockOSThread()
		returned := false
		defer func() {
			if p := recover(); p != nil {
				result <- fmt.Errorf("cannot run in mount namespace: the function panicked: %v", p)
			} else if !returned {
				result <- errors.New("cannot run in mount namespace: the function exited without returning (runtime.Goexit)")
			}
		}()
		err := enterNamespace(mounts, dirs, fn)
		returned = true
		result <- err
	}()
	err = <-result
	for _, dir := range dirs {
		if err != nil && dir.created {
			if removeErr := dir.remove(); removeErr != nil {
				err = fmt.Errorf("%v (and cannot remove %q: %v)", err, dir.path, removeErr)
			}
		}
		unix.Close(dir.fd)
	}
	return err
}

func enterNamespace(mounts []bindMount, dirs map[int]*sharedMemoryDir, fn func() error) error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("cannot create mount namespace: %v", err)
	}
	// Mounts made here must not propagate to the host.
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("cannot make mount propagation private: %v", err)
	}
	for i, m := range mounts {
		if m.bindsShmDir() {
			dir, err := openSharedMemoryDir(strings.TrimPrefix(filepath.Base(m.source), privateDevShmPrefix))
			if err != nil {
				return err
			}
			dirs[i] = dir
		}
	}
	for i, m := range mounts {
		if err := bind(m, dirs[i]); err != nil {
			return err
		}
	}
	return fn()
}

// bind mounts through a descriptor: that of the private /dev/shm checked
// before, or one opened here without following symlinks, so that a source
// swapped for a symlink is refused, not followed.
func bind(m bindMount, dir *sharedMemoryDir) error {
	var source string
	if dir != nil {
		beforeBind()
		source = dir.fdPath()
	} else {
		fd, err := unix.Open(m.source, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("cannot open bind mount source %q: %v", m.source, err)
		}
		defer unix.Close(fd)
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			return fmt.Errorf("cannot inspect bind mount source %q: %v", m.source, err)
		}
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			return fmt.Errorf("cannot bind mount %q: it is a symlink", m.source)
		}
		source = fmt.Sprintf("/proc/self/fd/%d", fd)
	}
	if err := unix.Mount(source, m.target, "", m.flags, ""); err != nil {
		return fmt.Errorf("cannot bind mount %q on %q: %v", m.source, m.target, err)
	}
	if m.readOnly {
		if err := unix.Mount("none", m.target, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("cannot make %q read-only: %v", m.target, err)
		}
	}
	return nil
}
