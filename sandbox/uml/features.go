package uml

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrNoParser is returned when apparmor_parser is not installed.
var ErrNoParser = errors.New("apparmor_parser not found: install Debian's apparmor package (apt-get install apparmor)")

// Features returns the path of the kernel's AppArmor features, as
// aa-features-abi writes them: apparmor_parser compiles a batch's profiles
// with them on the host, as it would in the kernel, where it only loads
// them. A boot of its own reads them, once; they are kept in the user's
// cache, named by the kernel's identity.
func Features() (string, error) {
	kernel, err := KernelPath()
	if err != nil {
		return "", err
	}
	cached := cacheFile("apparmor-features-", kernel, nil)
	if cached == "" {
		return "", ErrNoKernel
	}
	if _, err := os.Stat(cached); err == nil {
		return cached, nil
	}
	dir, done, err := exchangeDir()
	if err != nil {
		return "", err
	}
	defer done()
	if err := writeBatches(dir, nil, ""); err != nil {
		return "", err
	}
	if err := Boot(dir, "512M", timeout(nil)); err != nil {
		return "", err
	}
	if _, err := readReport(dir, nil); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "features")); err != nil {
		return "", fmt.Errorf("cannot read the kernel's AppArmor features: init said: %s", tail(filepath.Join(dir, "init.log")))
	}
	return cached, keep(filepath.Join(dir, "features"), cached)
}

// compilePolicy compiles profiles with features into dir/policy, which the
// kernel's apparmor_parser then loads as it is.
func compilePolicy(features, dir string, profiles []Profile) error {
	parser, err := exec.LookPath("apparmor_parser")
	if err != nil {
		return ErrNoParser
	}
	args := []string{"--skip-kernel-load", "--skip-cache", "--stdout", "--features-file", features}
	names := make([]string, len(profiles))
	for p, profile := range profiles {
		args = append(args, filepath.Join(dir, fmt.Sprintf("profile%d", p)))
		names[p] = profile.Name
	}
	policy, err := os.Create(filepath.Join(dir, "policy"))
	if err != nil {
		return err
	}
	defer policy.Close()
	var stderr bytes.Buffer
	cmd := exec.Command(parser, args...)
	cmd.Stdout, cmd.Stderr = policy, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("apparmor_parser could not compile profiles %s: %v: %s", strings.Join(names, ", "), err, strings.TrimSpace(stderr.String()))
	}
	return policy.Close()
}
