// Package enforce runs snaps' generated AppArmor profiles in a real kernel
// and reports what they let a confined process do with shared memory.
//
// A Scene holds the complete profiles that interfaces/apparmor writes for some
// snaps and their connections, and their private /dev/shm mounts from
// interfaces/mount. Placed in a sandbox/uml kernel it runs as snapd runs it: a
// probe program (probe/probe.c, built with gcc) is installed as each snap's
// binary under /snap/<instance>/<revision>/, and as snap-update-ns under
// /snap/snapd/; a snap with a mount profile gets a mount namespace of its own
// in which snap-update-ns, confined by the generated
// snap-update-ns.<instance> profile, does the bind before the snap's apps run
// there under their own profiles.
package enforce

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/snapcore/snapd/osutil"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/mount"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

// UpdateNSPath is where the probe stands in for snap-update-ns: the path
// from which snapd re-executes it out of the snapd snap, which the
// generated snap-update-ns profiles let it map.
const UpdateNSPath = "/snap/snapd/x1/usr/lib/snapd/snap-update-ns"

// Scene is a set of snaps with their generated profiles, and the steps to
// run with them in the kernel.
type Scene struct {
	name     string
	profiles []system.File
	files    []uml.File
	// probes maps an instance to the path of its probe.
	probes map[string]string
	// namespaces maps an instance with a mount profile to the name of
	// its mount namespace.
	namespaces map[string]string
	steps      []uml.Step
	// Setup holds the indexes of the steps that prepare the mount
	// namespaces: the confined binds.
	Setup []int
	err   error
}

// GenerateScene writes the AppArmor and mount profiles of a system (with
// its registry: ours, or snapd's own) and makes a scene of them.
func GenerateScene(name, probe string, setup system.Setup) (*Scene, error) {
	profiles, err := apparmor.Generate(setup, apparmor.Options{})
	if err != nil {
		return nil, err
	}
	mounts, err := mount.Generate(setup)
	if err != nil {
		return nil, err
	}
	return NewScene(name, probe, profiles.Files, mounts.Files)
}

// revisionPattern finds the revision in an app's profile.
var revisionPattern = regexp.MustCompile(`(?m)^@\{SNAP_REVISION\}="([^"]+)"$`)

// NewScene places profiles and mount profiles in a scene named name (unique
// among the scenes of one run). It installs the probe at probe for every
// snap that has an app profile, and starts with steps that empty /dev/shm
// and then, for each snap with a mount profile, bind its /dev/shm entries
// in the snap's namespace, confined by its snap-update-ns profile. Other
// mount entries (those of parallel instances for /snap and /var/snap) are
// left out: the kernel's root has no /var/snap.
func NewScene(name, probe string, profiles, mounts []system.File) (*Scene, error) {
	s := &Scene{name: name, profiles: slices.Clone(profiles), probes: make(map[string]string), namespaces: make(map[string]string)}
	for _, p := range profiles {
		instance, isApp := appInstance(p.Name)
		if !isApp || s.probes[instance] != "" {
			continue
		}
		revision := revisionPattern.FindStringSubmatch(p.Text)
		if revision == nil {
			return nil, fmt.Errorf("cannot find the revision in profile %q", p.Name)
		}
		s.probes[instance] = filepath.Join("/snap", instance, revision[1], "bin", "probe")
		s.files = append(s.files, uml.File{Path: s.probes[instance], Source: probe, Mode: 0755})
	}
	s.files = append(s.files, uml.File{Path: UpdateNSPath, Source: probe, Mode: 0755})
	s.Unconfined("", "/bin/sh", "-c", "rm -rf /dev/shm/* /dev/shm/.[!.]*")
	for _, m := range mounts {
		instance, ok := mountInstance(m.Name)
		if !ok {
			return nil, fmt.Errorf("cannot tell the snap of mount profile %q", m.Name)
		}
		profile, err := mount.ParseProfile(m)
		if err != nil {
			return nil, err
		}
		s.namespaces[instance] = name + "." + instance
		for _, entry := range profile.Entries {
			if entry.Dir != "/dev/shm" {
				continue
			}
			if !isBind(entry) {
				return nil, fmt.Errorf("cannot apply mount entry %q: only bind mounts are supported", entry)
			}
			s.Setup = append(s.Setup, s.UpdateNS(instance, s.namespaces[instance], "bind", entry.Name, entry.Dir))
		}
	}
	return s, nil
}

var (
	appProfilePattern   = regexp.MustCompile(`^snap\.([^.]+)\.[^.]+$`)
	mountProfilePattern = regexp.MustCompile(`^snap\.([^.]+)\.fstab$`)
)

// appInstance returns the instance of an app profile "snap.<instance>.<app>";
// hook profiles, "snap.<instance>.hook.<hook>", are not apps.
func appInstance(profile string) (string, bool) {
	if m := appProfilePattern.FindStringSubmatch(profile); m != nil {
		return m[1], true
	}
	return "", false
}

func mountInstance(file string) (string, bool) {
	if m := mountProfilePattern.FindStringSubmatch(file); m != nil {
		return m[1], true
	}
	return "", false
}

func isBind(entry osutil.MountEntry) bool {
	for _, option := range entry.Options {
		if option == "bind" || option == "rbind" {
			return entry.Type == "none"
		}
	}
	return false
}

// Namespace returns the mount namespace the apps of instance run in: their
// own when the snap has a mount profile, otherwise the initial one ("").
func (s *Scene) Namespace(instance string) string {
	return s.namespaces[instance]
}

// App adds a step that runs the probe with args as instance's app, confined
// by snap.<instance>.<app>, in the instance's mount namespace, and returns
// its index.
func (s *Scene) App(instance, app string, args ...string) int {
	return s.Exec(instance, app, append([]string{s.probes[instance]}, args...)...)
}

// Exec adds a step that runs argv as instance's app, as App does; argv[0]
// is a path in the kernel's root, such as /usr/bin/python3.
func (s *Scene) Exec(instance, app string, argv ...string) int {
	profile := "snap." + instance + "." + app
	if !s.hasProfile(profile) || s.probes[instance] == "" {
		s.fail(fmt.Errorf("cannot run app %q of snap %q: it has no profile", app, instance))
	}
	return s.Add(uml.Step{Argv: argv, Profile: profile, Namespace: s.Namespace(instance)})
}

// UpdateNS adds a step that runs the probe with args as snap-update-ns of
// instance, confined by snap-update-ns.<instance>, in namespace.
func (s *Scene) UpdateNS(instance, namespace string, args ...string) int {
	profile := "snap-update-ns." + instance
	if !s.hasProfile(profile) {
		s.fail(fmt.Errorf("cannot run snap-update-ns of snap %q: it has no profile", instance))
	}
	return s.Add(uml.Step{Argv: append([]string{UpdateNSPath}, args...), Profile: profile, Namespace: namespace})
}

// Unconfined adds an unconfined step in namespace; argv is a program of the
// host's /usr or, when it starts with no "/", the probe's operation.
func (s *Scene) Unconfined(namespace string, argv ...string) int {
	if len(argv) > 0 && !filepath.IsAbs(argv[0]) {
		argv = append([]string{UpdateNSPath}, argv...)
	}
	return s.Add(uml.Step{Argv: argv, Namespace: namespace})
}

// Background makes a step run beside the ones after it, and returns its
// index.
func (s *Scene) Background(step int) int {
	s.steps[step].Background = true
	return step
}

// Steps returns the scene's steps so far, in order.
func (s *Scene) Steps() []uml.Step {
	return s.steps
}

// Batch returns what the kernel runs for the scene, in order.
func (s *Scene) Batch() (uml.Batch, error) {
	if s.err != nil {
		return uml.Batch{}, s.err
	}
	return uml.Batch{Profiles: s.profiles, Files: s.files, Steps: s.steps}, nil
}

func (s *Scene) hasProfile(name string) bool {
	for _, p := range s.profiles {
		if p.Name == name {
			return true
		}
	}
	return false
}

// Add adds any step and returns its index.
func (s *Scene) Add(step uml.Step) int {
	s.steps = append(s.steps, step)
	return len(s.steps) - 1
}

func (s *Scene) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}
