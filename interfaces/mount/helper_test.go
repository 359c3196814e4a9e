package mount_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The test binary doubles as the process that uses shared memory: with
// helperRoleEnv set it runs one helper role and exits.
const helperRoleEnv = "SNAPD_SHM_TEST_HELPER"

func TestMain(m *testing.M) {
	if role := os.Getenv(helperRoleEnv); role != "" {
		if err := runHelper(role, os.Args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runHelper runs one role on a shared memory object named relative to
// /dev/shm, as shm_open names them:
//
//	create NAME SIZE DATA  create the object, SIZE bytes, DATA at offset 0
//	write NAME OFFSET DATA write DATA into the existing object at OFFSET
//	read NAME OFFSET LEN   print LEN bytes of the object from OFFSET
//	stat NAME              print "present" or "absent"
//
// Objects are reached through mmap, never read(2) or write(2).
func runHelper(role string, args []string) error {
	need := map[string]int{"create": 3, "write": 3, "read": 3, "stat": 1}
	if n, ok := need[role]; !ok || len(args) != n {
		return fmt.Errorf("helper: bad role %q or arguments %q", role, args)
	}
	path := filepath.Join("/dev/shm", args[0])
	switch role {
	case "create":
		size, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0700); err != nil {
			return err
		}
		return withMapping(path, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, size, func(mem []byte) {
			copy(mem, args[2])
		})
	case "write":
		offset, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		return withMapping(path, unix.O_RDWR, 0, func(mem []byte) {
			copy(mem[offset:], args[2])
		})
	case "read":
		offset, err := strconv.Atoi(args[1])
		if err != nil {
			return err
		}
		length, err := strconv.Atoi(args[2])
		if err != nil {
			return err
		}
		return withMapping(path, unix.O_RDONLY, 0, func(mem []byte) {
			os.Stdout.Write(mem[offset : offset+length])
		})
	default:
		var st unix.Stat_t
		err := unix.Lstat(path, &st)
		switch {
		case errors.Is(err, unix.ENOENT):
			fmt.Print("absent")
		case err == nil:
			fmt.Print("present")
		default:
			return err
		}
		return nil
	}
}

// withMapping opens the object, sizes it when size > 0, maps it shared and
// calls use with the mapping.
func withMapping(path string, flags, size int, use func([]byte)) error {
	fd, err := unix.Open(path, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0600)
	if err != nil {
		return fmt.Errorf("cannot open %s: %v", path, err)
	}
	defer unix.Close(fd)
	if size > 0 {
		if err := unix.Ftruncate(fd, int64(size)); err != nil {
			return err
		}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	prot := unix.PROT_READ
	if flags&unix.O_ACCMODE == unix.O_RDWR {
		prot |= unix.PROT_WRITE
	}
	mem, err := unix.Mmap(fd, 0, int(st.Size), prot, unix.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("cannot map %s: %v", path, err)
	}
	use(mem)
	return unix.Munmap(mem)
}

// helper runs a helper role in a new process and returns what it printed.
// Started from inside RunInNamespace, the process is in the namespace.
func helper(role string, args ...string) (string, error) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), helperRoleEnv+"="+role)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("helper %s %q: %v: %s", role, args, err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}
