// Package enforce runs snaps' generated AppArmor profiles in a real kernel
// and reports what they let a confined process do with shared memory.
//
// A Scene holds the complete profiles that interfaces/apparmor writes for some
// snaps and their connections, and their mount profiles from
// interfaces/mount. Placed in a sandbox/uml kernel it runs as snapd runs it: a
// probe program (probe/probe.c, built with gcc) is installed as each snap's
// binary under /snap/<instance>/<revision>/. A snap with a mount profile
// gets a mount namespace of its own, set up as snap-confine sets it up at
// the snap's first start: snapd's own snap-update-ns, confined by the
// generated snap-update-ns.<instance> profile, applies the mount profile
// there, and the snap's apps run there only if it succeeded.
package enforce

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/snapcore/snapd/snap/naming"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/mount"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/keys"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

const (
	// UpdateNSPath is where the probe stands in for snap-update-ns, to
	// try what the snap-update-ns profiles allow: the path from which
	// snapd re-executes it out of the snapd snap, which those profiles
	// let it map.
	UpdateNSPath = "/snap/snapd/x1/usr/lib/snapd/snap-update-ns"
	// SnapUpdateNSPath is where snapd's own snap-update-ns is installed:
	// the path of the core snap's, which those profiles let it map too.
	SnapUpdateNSPath = "/snap/core/x1/usr/lib/snapd/snap-update-ns"
)

// Programs are what a scene installs in the kernel.
type Programs struct {
	Probe string // built by BuildProbe
	// UpdateNS is snapd's snap-update-ns, built by realsnapd.UpdateNS;
	// only a scene with mount profiles needs it.
	UpdateNS string
}

// Scene is a set of snaps with their generated profiles, and the steps to
// run with them in the kernel.
type Scene struct {
	name     string
	profiles []system.File
	files    []uml.File
	// probes maps an instance to the path of its probe.
	probes map[string]string
	// namespaces maps an instance with a mount profile to the name of
	// its mount namespace, and setups to the step that sets it up, once
	// a step has run there.
	namespaces map[string]string
	setups     map[string]int
	steps      []uml.Step
	err        error
}

// GenerateScene writes the AppArmor and mount profiles of a system (with
// its registry: ours, or snapd's own) and makes a scene of them.
func GenerateScene(name string, programs Programs, setup system.Setup) (*Scene, error) {
	profiles, err := apparmor.Generate(setup, apparmor.Options{})
	if err != nil {
		return nil, err
	}
	mounts, err := mount.Generate(setup)
	if err != nil {
		return nil, err
	}
	return NewScene(name, programs, profiles.Files, mounts.Files)
}

// revisionPattern finds the revision in an app's profile.
var revisionPattern = regexp.MustCompile(`(?m)^@\{SNAP_REVISION\}="([^"]+)"$`)

// NewScene places profiles and mount profiles in a scene named name (unique
// among the scenes of one run). It installs the probe for every snap that
// has an app profile, and starts with a step that empties /dev/shm and
// snapd's record of the namespaces' current mount profiles, and makes each
// snap's /var/snap/<instance>.
func NewScene(name string, programs Programs, profiles, mounts []system.File) (*Scene, error) {
	s := &Scene{name: name, profiles: slices.Clone(profiles), probes: make(map[string]string),
		namespaces: make(map[string]string), setups: make(map[string]int)}
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
		s.files = append(s.files, uml.File{Path: s.probes[instance], Source: programs.Probe, Mode: 0755})
	}
	s.files = append(s.files, uml.File{Path: UpdateNSPath, Source: programs.Probe, Mode: 0755})
	if len(mounts) > 0 {
		if programs.UpdateNS == "" {
			return nil, errors.New("cannot apply mount profiles without snapd's snap-update-ns (realsnapd.UpdateNS builds it)")
		}
		s.files = append(s.files, uml.File{Path: SnapUpdateNSPath, Source: programs.UpdateNS, Mode: 0755})
	}
	// snapd makes /var/snap/<instance> when it installs a snap.
	prepare := "rm -rf /dev/shm/* /dev/shm/.[!.]* /run/snapd/ns/*.fstab && mkdir -p /run/snapd/ns /run/snapd/lock /var/snap"
	for _, instance := range keys.Sorted(s.probes) {
		prepare += " /var/snap/" + instance
	}
	s.Unconfined("", "/bin/sh", "-c", prepare)
	for _, m := range mounts {
		instance, ok := mountInstance(m.Name)
		if !ok {
			return nil, fmt.Errorf("cannot tell the snap of mount profile %q", m.Name)
		}
		if _, err := mount.ParseProfile(m); err != nil {
			return nil, err
		}
		s.namespaces[instance] = name + "." + instance
		s.files = append(s.files, uml.File{Path: "/var/lib/snapd/mount/" + m.Name, Text: m.Text, Mode: 0644})
	}
	return s, nil
}

// appInstance returns the instance of an app profile "snap.<instance>.<app>";
// hook profiles, "snap.<instance>.hook.<hook>", are not apps.
func appInstance(profile string) (string, bool) {
	tag, err := naming.ParseAppSecurityTag(profile)
	if err != nil {
		return "", false
	}
	return tag.InstanceName(), true
}

// mountInstance returns the instance of a mount profile "snap.<instance>.fstab".
func mountInstance(file string) (string, bool) {
	name, isFstab := strings.CutSuffix(file, ".fstab")
	instance, isSnap := strings.CutPrefix(name, "snap.")
	return instance, isFstab && isSnap && naming.ValidateInstance(instance) == nil
}

// Namespace returns the mount namespace the apps of instance run in: their
// own when the snap has a mount profile, otherwise the initial one ("").
func (s *Scene) Namespace(instance string) string {
	return s.namespaces[instance]
}

// SetUp returns the step that sets up the mount namespace of instance, as
// snap-confine does at the snap's first start: it holds the snap's lock
// and runs snapd's snap-update-ns --from-snap-confine there, confined by
// snap-update-ns.<instance>. The step is added the first time; the steps
// that run in the namespace need it. -1 is a snap without a mount profile.
func (s *Scene) SetUp(instance string) int {
	namespace := s.namespaces[instance]
	if namespace == "" {
		return -1
	}
	if step, ok := s.setups[instance]; ok {
		return step
	}
	profile := "snap-update-ns." + instance
	if !s.hasProfile(profile) {
		s.fail(fmt.Errorf("cannot run snap-update-ns of snap %q: it has no profile", instance))
	}
	s.setups[instance] = s.Add(uml.Step{Namespace: namespace, Profile: profile, Lock: "/run/snapd/lock/" + instance + ".lock",
		Argv: []string{SnapUpdateNSPath, "--from-snap-confine", instance}})
	return s.setups[instance]
}

// CheckSetUp returns an error when snap-update-ns failed, or said
// anything, in a step of SetUp: it then could not apply some entry.
func (s *Scene) CheckSetUp(results []uml.Result) error {
	for instance, step := range s.setups {
		if r := results[step]; r.Exit != 0 || r.Stdout != "" || r.Stderr != "" {
			return fmt.Errorf("cannot set up the mount namespace of snap %q: snap-update-ns exited %d: %s",
				instance, r.Exit, strings.TrimSpace(r.Stdout+r.Stderr))
		}
	}
	return nil
}

// App adds a step that runs the probe with args as instance's app, confined
// by snap.<instance>.<app>, in the instance's mount namespace, and returns
// its index.
func (s *Scene) App(instance, app string, args ...string) int {
	return s.Exec(instance, app, append([]string{s.probes[instance]}, args...)...)
}

// Exec adds a step that runs argv as instance's app, as App does; argv[0]
// is a path in the kernel's root, such as /usr/bin/python3. In a snap with
// a mount profile, the step runs only if SetUp's step succeeded.
func (s *Scene) Exec(instance, app string, argv ...string) int {
	profile := "snap." + instance + "." + app
	if !s.hasProfile(profile) || s.probes[instance] == "" {
		s.fail(fmt.Errorf("cannot run app %q of snap %q: it has no profile", app, instance))
	}
	step := uml.Step{Argv: argv, Profile: profile, Namespace: s.Namespace(instance)}
	if setup := s.SetUp(instance); setup >= 0 {
		step.Needs = []int{setup}
	}
	return s.Add(step)
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

// Resident makes a probe step a request to one probe process that serves
// every resident step of its snap, profile and namespace (uml.Step's
// Resident), and returns its index: a step that starts no process.
func (s *Scene) Resident(step int) int {
	s.steps[step].Resident = true
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
	profiles := make([]uml.Profile, len(s.profiles))
	for i, p := range s.profiles {
		profiles[i] = uml.Profile{Name: p.Name, Text: p.Text}
	}
	return uml.Batch{Profiles: profiles, Files: s.files, Steps: s.steps}, nil
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
