// Package apparmor writes the AppArmor profiles that snapd's backend writes
// for snaps and their connections, and compiles policy with the real
// apparmor_parser without loading it into the kernel.
package apparmor

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	sandboxapparmor "github.com/snapcore/snapd/sandbox/apparmor"

	"github.com/snapd-shm/snapd-shm/internal/snapdglobals"
)

// ErrNoParser is returned when apparmor_parser is not installed.
var ErrNoParser = errors.New("apparmor_parser not found: install Debian's apparmor package (apt-get install apparmor)")

// parserCommand returns apparmor_parser as snapd runs it: found where
// snapd looks for it (/usr/sbin among others, whatever $PATH is), with the
// 3.0 policy ABI pinned (--policy-features /etc/apparmor.d/abi/3.0) when the
// host has it. Generate's profiles are compiled with the same pin.
func parserCommand() (*exec.Cmd, error) {
	var cmd *exec.Cmd
	var err error
	snapdglobals.Borrow(func() { cmd, _, err = sandboxapparmor.AppArmorParser() })
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoParser
	}
	if err != nil {
		return nil, fmt.Errorf("cannot use apparmor_parser: %v", err)
	}
	return cmd, nil
}

// ParserPath returns the path of apparmor_parser, found as snapd finds it,
// or ErrNoParser.
func ParserPath() (string, error) {
	cmd, err := parserCommand()
	if err != nil {
		return "", err
	}
	return cmd.Path, nil
}

// Compile compiles profile text. A rejected profile yields an error that
// carries the parser's own message, which names the line.
func Compile(profile string) error {
	_, err := runParser(profile)
	return err
}

// ExpressionTree compiles profile text and returns the parser's expression
// tree: the regular expression that the profile's file rules compile to,
// each alternative ending in its permission mask, as in "/dev/shm/a< 0x4>".
func ExpressionTree(profile string) (string, error) {
	out, err := runParser(profile, "--dump=expr-tree")
	if err != nil {
		return "", err
	}
	const header = "DFA: Expression Tree\n"
	i := strings.Index(out, header)
	if i < 0 {
		return "", fmt.Errorf("apparmor_parser printed no expression tree")
	}
	tree, _, _ := strings.Cut(out[i+len(header):], "\n")
	return tree, nil
}

func runParser(profile string, extraArgs ...string) (string, error) {
	cmd, err := parserCommand()
	if err != nil {
		return "", err
	}
	cmd.Args = append(cmd.Args, "--skip-kernel-load", "--skip-cache", "--quiet")
	cmd.Args = append(cmd.Args, extraArgs...)
	cmd.Stdin = strings.NewReader(profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("apparmor_parser rejected the profile: %s", parserMessage(stderr.String(), err))
	}
	return stdout.String() + stderr.String(), nil
}

// parserMessage drops the parser's notes about the cache, which are noise
// when no cache is used.
func parserMessage(stderr string, err error) string {
	var lines []string
	for _, line := range strings.Split(stderr, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "Cache read/write disabled") {
			lines = append(lines, line)
		}
	}
	if len(lines) == 0 {
		return err.Error()
	}
	return strings.Join(lines, "; ")
}
