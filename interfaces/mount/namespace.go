package mount

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/snapcore/snapd/osutil"
	"github.com/snapcore/snapd/snap"
	"golang.org/x/sys/unix"
)

const (
	devShm = "/dev/shm"
	// privateDevShmPrefix starts the source of a private /dev/shm entry.
	privateDevShmPrefix = devShm + "/snap."
	// privateDevShmMode is what snapd gives a private /dev/shm: writable
	// by all, like /dev/shm itself, with the sticky bit.
	privateDevShmMode = 01777
)

// EnsureSharedMemoryDir returns /dev/shm/snap.<instanceName>, the private
// /dev/shm of a snap instance, creating it owned by root with mode 01777 if
// it is missing. A symlink, a non-directory, or a directory not owned by
// root in its place is refused.
func EnsureSharedMemoryDir(instanceName string) (string, error) {
	if err := snap.ValidateInstanceName(instanceName); err != nil {
		return "", fmt.Errorf("cannot create private /dev/shm: %v", err)
	}
	if osutil.IsSymlink(devShm) {
		return "", fmt.Errorf("cannot create private /dev/shm: %q is a symlink", devShm)
	}
	dir := privateDevShmPrefix + instanceName
	created := true
	if err := unix.Mkdir(dir, 0); errors.Is(err, unix.EEXIST) {
		created = false
	} else if err != nil {
		return "", fmt.Errorf("cannot create private /dev/shm %q: %v", dir, err)
	}
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
		// Refused either way; lstat only tells the two apart.
		if osutil.IsSymlink(dir) {
			return "", fmt.Errorf("cannot use %q as private /dev/shm: it is a symlink", dir)
		}
		return "", fmt.Errorf("cannot use %q as private /dev/shm: it is not a directory", dir)
	}
	if err != nil {
		return "", fmt.Errorf("cannot open private /dev/shm %q: %v", dir, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return "", fmt.Errorf("cannot inspect private /dev/shm %q: %v", dir, err)
	}
	if st.Uid != 0 {
		return "", fmt.Errorf("cannot use %q as private /dev/shm: it is owned by uid %d, not root", dir, st.Uid)
	}
	if created {
		if err := unix.Fchown(fd, 0, 0); err != nil {
			return "", fmt.Errorf("cannot give private /dev/shm %q to root: %v", dir, err)
		}
		if err := unix.Fchmod(fd, privateDevShmMode); err != nil {
			return "", fmt.Errorf("cannot set mode of private /dev/shm %q: %v", dir, err)
		}
	}
	return dir, nil
}

// bindMount is one entry of a profile, reduced to what mount(2) needs.
type bindMount struct {
	source, target string
	flags          uintptr
	readOnly       bool
}

// bindMounts checks that every entry of profile is a bind mount that
// RunInNamespace can apply, and returns them in order.
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
		mounts = append(mounts, m)
	}
	return mounts, nil
}

// RunInNamespace applies the bind entries of profile in a new mount
// namespace, whose propagation is private, and calls fn there. A missing
// private /dev/shm source is created first, with EnsureSharedMemoryDir.
//
// fn runs on one locked OS thread: only what it does on that goroutine, and
// the processes it starts, are inside the namespace. The thread exits with
// fn, and the namespace goes away when the last process in it does.
func RunInNamespace(profile *osutil.MountProfile, fn func() error) error {
	mounts, err := bindMounts(profile)
	if err != nil {
		return err
	}
	for _, m := range mounts {
		if m.target == devShm && strings.HasPrefix(m.source, privateDevShmPrefix) {
			if _, err := EnsureSharedMemoryDir(strings.TrimPrefix(m.source, privateDevShmPrefix)); err != nil {
				return err
			}
		}
	}
	result := make(chan error, 1)
	go func() {
		// The thread is never unlocked: it leaves the host's namespace,
		// so the runtime must end it with this goroutine.
		runtime.LockOSThread()
		result <- enterNamespace(mounts, fn)
	}()
	return <-result
}

func enterNamespace(mounts []bindMount, fn func() error) error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("cannot create mount namespace: %v", err)
	}
	// Mounts made here must not propagate to the host.
	if err := unix.Mount("none", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("cannot make mount propagation private: %v", err)
	}
	for _, m := range mounts {
		if err := bind(m); err != nil {
			return err
		}
	}
	return fn()
}

// bind mounts through a descriptor opened without following symlinks, so
// that a source swapped for a symlink is refused, not followed.
func bind(m bindMount) error {
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
	source := fmt.Sprintf("/proc/thread-self/fd/%d", fd)
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
