// Package mount renders the mount profiles that snapd's mount backend writes
// for snap-update-ns (fstab lines such as "/dev/shm/snap.x /dev/shm none
// bind,rw 0 0"). snapd's own snap-update-ns applies them in the kernel
// tests (interfaces/enforce).
package mount

import (
	"fmt"

	"github.com/snapcore/snapd/dirs"
	snapdmount "github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/osutil"

	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// ParseProfile parses a mount profile, such as "snap.scratchpad.fstab",
// with snapd's own fstab reader.
func ParseProfile(f system.File) (*osutil.MountProfile, error) {
	profile, err := osutil.LoadMountProfileText(f.Text)
	if err != nil {
		return nil, fmt.Errorf("cannot parse mount profile %q: %v", f.Name, err)
	}
	return profile, nil
}

// Generate returns the mount profiles that snapd's mount backend writes for
// the snaps of setup, sorted by Name. A snap with no mount entries has no
// profile.
func Generate(setup system.Setup) (*system.Profiles, error) {
	return system.WriteProfiles(setup, &snapdmount.Backend{}, func() string { return dirs.SnapMountPolicyDir }, nil)
}
