package apparmor

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	snapdapparmor "github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/osutil"
	sandboxapparmor "github.com/snapcore/snapd/sandbox/apparmor"
	"github.com/snapcore/snapd/timings"

	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/quote"
)

// The AppArmor support the profiles are written for: a kernel with every
// feature snapd prefers, and apparmor_parser 3.0's features that change what
// snapd writes. Fixed rather than probed, so that output does not depend on
// the machine.
var (
	kernelFeatures = []string{"caps", "dbus", "domain", "file", "mount", "namespaces", "network", "ptrace", "signal"}
	parserFeatures = []string{"include-if-exists", "unsafe"}
)

// Options are what Generate does beyond writing the profiles.
type Options struct {
	// Compile compiles every profile with apparmor_parser, as snapd does
	// when it installs a snap: a rejection is an error that names the
	// profile and the line, and a missing parser is ErrNoParser. Without
	// it, no parser runs, and none need be installed.
	Compile bool
	// Prepare, when not nil, runs on the system before the backend
	// writes the profiles, to change it: say, to connect a plug again
	// with the attributes that a prepare hook sets.
	Prepare func(*system.System) error
}

// Generate writes the profiles of every snap of setup, compiled with
// apparmor_parser when opts ask for it. Profiles come back sorted by Name.
//
// The profiles are those snapd's AppArmor backend writes on a classic Debian
// 12 host whose root is not a writable overlay and whose /home is local. A
// snap without apps or hooks has none.
func Generate(setup system.Setup, opts Options) (*system.Profiles, error) {
	// snapd's backend runs the parser it finds on the profiles it writes:
	// the real one, kept from loading them into the kernel, or one that
	// compiles nothing.
	parser := "#!/bin/sh\nexit 0\n"
	if opts.Compile {
		path, err := ParserPath()
		if err != nil {
			return nil, err
		}
		parser = "#!/bin/sh\nexec " + quote.Shell(path) + " --skip-kernel-load \"$@\"\n"
	}
	b := &backend{}
	return system.WriteProfiles(setup, b, func() string { return dirs.SnapAppArmorDir }, func(sys *system.System) (func(), error) {
		b.root = sys.Root
		restore, err := mockAppArmorSupport(sys.Root, parser)
		if err == nil && opts.Prepare != nil {
			if err = opts.Prepare(sys); err != nil {
				restore()
			}
		}
		return restore, err
	})
}

// backend is snapd's AppArmor backend as Generate runs it: a snap without
// apps or hooks gets no profiles, and a parser rejection names the profile
// and the line.
type backend struct {
	snapdapparmor.Backend
	root string // the system's
}

func (b *backend) Setup(appSet *interfaces.SnapAppSet, opts interfaces.ConfinementOptions, repo *interfaces.Repository, tm timings.Measurer) error {
	if len(appSet.Runnables()) == 0 {
		return nil
	}
	if err := b.Backend.Setup(appSet, opts, repo, tm); err != nil {
		return compileError(b.root, appSet.InstanceName(), err)
	}
	return nil
}

// mockAppArmorSupport points snapd at parser, a script it writes under root,
// and fixes what snapd would otherwise probe on the machine.
func mockAppArmorSupport(root, parser string) (restore func(), err error) {
	binDir := filepath.Join(root, "parser")
	if err := os.MkdirAll(binDir, 0755); err != nil {
		return nil, fmt.Errorf("cannot create parser wrapper directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(binDir, "apparmor_parser"), []byte(parser), 0755); err != nil {
		return nil, fmt.Errorf("cannot write parser wrapper: %v", err)
	}
	// snapd pins the 3.0 policy ABI when the host has it; so do we.
	hostABI := "/etc/apparmor.d/abi/3.0"
	if _, err := os.Stat(hostABI); err == nil {
		abiDir := filepath.Join(root, filepath.Dir(hostABI))
		if err := os.MkdirAll(abiDir, 0755); err != nil {
			return nil, fmt.Errorf("cannot create policy ABI directory: %v", err)
		}
		if err := os.Symlink(hostABI, filepath.Join(root, hostABI)); err != nil {
			return nil, fmt.Errorf("cannot link policy ABI: %v", err)
		}
	}
	restores := []func(){
		sandboxapparmor.MockParserSearchPath(binDir),
		sandboxapparmor.MockFeatures(kernelFeatures, nil, parserFeatures, nil),
		osutil.MockIsRootWritableOverlay(func() (string, error) { return "", nil }),
		osutil.MockIsHomeUsingRemoteFS(func() (bool, error) { return false, nil }),
	}
	return func() {
		for i := len(restores) - 1; i >= 0; i-- {
			restores[i]()
		}
	}, nil
}

// parserErrorPattern matches apparmor_parser's report of a rejected profile:
// the file compiled, the file holding the bad line, the line and the reason.
var parserErrorPattern = regexp.MustCompile(`AppArmor parser error for (\S+) in profile (\S+) at line (\d+): (.*)`)

// compileError turns snapd's report of a failed setup into an error with
// no temporary paths; a compilation failure names the profile, the line and
// its text.
func compileError(root, instanceName string, err error) error {
	message := strings.ReplaceAll(err.Error(), root, "")
	match := parserErrorPattern.FindStringSubmatch(message)
	if match == nil {
		return fmt.Errorf("cannot write apparmor profiles of snap %q: %s", instanceName, message)
	}
	compiled, where, line, reason := match[1], match[2], match[3], match[4]
	location := fmt.Sprintf("line %s", line)
	if where != compiled {
		location = fmt.Sprintf("%s line %s", where, line)
	}
	if number, convErr := strconv.Atoi(line); convErr == nil {
		// The file is under root unless it is one of the host's includes.
		for _, path := range []string{filepath.Join(root, where), where} {
			if text, ok := lineOf(path, number); ok {
				location += fmt.Sprintf(" (%q)", text)
				break
			}
		}
	}
	return fmt.Errorf("apparmor_parser rejected profile %q at %s: %s", filepath.Base(compiled), location, reason)
}

// lineOf returns line number n (from 1) of a file, trimmed.
func lineOf(path string, n int) (string, bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	for i := 1; scanner.Scan(); i++ {
		if i == n {
			return strings.TrimSpace(scanner.Text()), true
		}
	}
	return "", false
}
