// Package mount renders the mount profiles that snapd's mount backend writes
// for snap-update-ns (fstab lines such as "/dev/shm/snap.x /dev/shm none
// bind,rw 0 0"), and applies their bind entries in a private mount
// namespace, creating a missing private /dev/shm directory as snapd does.
package mount

import (
	"fmt"

	"github.com/snapcore/snapd/dirs"
	"github.com/snapcore/snapd/interfaces"
	snapdmount "github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/osutil"
	"github.com/snapcore/snapd/timings"

	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// Profile is one mount profile file as snapd writes it.
type Profile struct {
	Name string // e.g. "snap.scratchpad.fstab"
	Text string
}

// MountProfile parses the profile with snapd's own fstab reader.
func (p Profile) MountProfile() (*osutil.MountProfile, error) {
	profile, err := osutil.LoadMountProfileText(p.Text)
	if err != nil {
		return nil, fmt.Errorf("cannot parse mount profile %q: %v", p.Name, err)
	}
	return profile, nil
}

// Result is what Generate wrote, and the connections it was written for.
type Result struct {
	Profiles  []Profile
	Connected []system.Connected
}

// GenerateProfiles is Generate with our registry, returning the profiles.
func GenerateProfiles(snaps []system.Snap, conns []system.Connection) ([]Profile, error) {
	result, err := Generate(system.Setup{Snaps: snaps, Connections: conns})
	if err != nil {
		return nil, err
	}
	return result.Profiles, nil
}

// Generate returns the mount profiles that snapd's mount backend writes for
// the snaps of setup, sorted by Name. A snap with no mount entries has no
// profile.
func Generate(setup system.Setup) (*Result, error) {
	backend := &snapdmount.Backend{}
	result := &Result{}
	err := system.Run(setup, backend, func(sys *system.System) error {
		for _, appSet := range sys.AppSets {
			if err := backend.Setup(appSet, interfaces.ConfinementOptions{}, sys.Repository, timings.New(nil)); err != nil {
				return err
			}
		}
		files, err := sys.ReadProfiles(dirs.SnapMountPolicyDir)
		for _, file := range files {
			result.Profiles = append(result.Profiles, Profile(file))
		}
		result.Connected = sys.Connected
		return err
	})
	if err != nil {
		return nil, err
	}
	return result, nil
}
