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

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
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

// GenerateProfiles returns the mount profiles that snapd's mount backend
// writes for the snaps, connected as conns, sorted by Name. A snap with no
// mount entries has no profile.
func GenerateProfiles(snaps []apparmor.Snap, conns []apparmor.Connection) ([]Profile, error) {
	backend := &snapdmount.Backend{}
	var profiles []Profile
	err := apparmor.RunOnSystem(snaps, conns, backend, func(system *apparmor.System) error {
		for _, appSet := range system.AppSets {
			if err := backend.Setup(appSet, interfaces.ConfinementOptions{}, system.Repository, timings.New(nil)); err != nil {
				return err
			}
		}
		files, err := system.ReadProfiles(dirs.SnapMountPolicyDir)
		for _, file := range files {
			profiles = append(profiles, Profile(file))
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return profiles, nil
}
