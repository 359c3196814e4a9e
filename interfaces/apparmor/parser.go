// Package apparmor writes the AppArmor profiles that snapd's backend writes
// for snaps and their connections, and compiles policy with the real
// apparmor_parser without loading it into the kernel.
package apparmor

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// ErrNoParser is returned when apparmor_parser is not installed.
var ErrNoParser = errors.New("apparmor_parser not found: install Debian's apparmor package (apt-get install apparmor)")

// parserSearchPath is where apparmor_parser is looked for beyond $PATH:
// Debian installs it in /usr/sbin, which is not on every user's $PATH.
var parserSearchPath = []string{"/usr/sbin/apparmor_parser", "/sbin/apparmor_parser"}

// ParserPath returns the path of apparmor_parser, or ErrNoParser.
func ParserPath() (string, error) {
	if path, err := exec.LookPath("apparmor_parser"); err == nil {
		return path, nil
	}
	for _, path := range parserSearchPath {
		if found, err := exec.LookPath(path); err == nil {
			return found, nil
		}
	}
	return "", ErrNoParser
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
	parser, err := ParserPath()
	if err != nil {
		return "", err
	}
	args := append([]string{"--skip-kernel-load", "--skip-cache", "--quiet"}, extraArgs...)
	cmd := exec.Command(parser, args...)
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
