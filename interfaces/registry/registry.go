// Package registry holds the interface registries a snapd system is set up
// with: ours, snapd 2.64's interfaces with snapd-shm's in place of snapd's
// of the same name, and snapd 2.64's own; each with its sanitizer and the
// base declaration composed from its interfaces.
package registry

import (
	"sync"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"
	snapdbuiltin "github.com/snapcore/snapd/interfaces/builtin"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
)

// Registry is a set of interfaces and the sanitizer that checks a snap's
// plugs and slots against them. A Registry without either function, the zero
// Registry included, stands for Ours().
type Registry struct {
	Interfaces         func() []interfaces.Interface
	SanitizePlugsSlots func(*snap.Info)
	// baseDeclaration, when set, returns the base declaration of the
	// interfaces, composed once.
	baseDeclaration func() (*asserts.BaseDeclaration, error)
}

var (
	ourBaseDeclaration = sync.OnceValues(func() (*asserts.BaseDeclaration, error) {
		return policy.BaseDeclaration(builtin.Interfaces())
	})
	upstreamBaseDeclaration = sync.OnceValues(func() (*asserts.BaseDeclaration, error) {
		return policy.BaseDeclaration(snapdbuiltin.Interfaces())
	})
)

// Ours is snapd-shm's registry: snapd 2.64's interfaces, with ours in place
// of snapd's of the same name.
func Ours() Registry {
	return Registry{Interfaces: builtin.Interfaces, SanitizePlugsSlots: builtin.SanitizePlugsSlots, baseDeclaration: ourBaseDeclaration}
}

// Upstream is snapd 2.64's own registry, unchanged.
func Upstream() Registry {
	return Registry{Interfaces: snapdbuiltin.Interfaces, SanitizePlugsSlots: snapdbuiltin.SanitizePlugsSlots, baseDeclaration: upstreamBaseDeclaration}
}

// BaseDeclaration returns the base declaration composed from the
// registry's interfaces, as snapd composes its own.
func (r Registry) BaseDeclaration() (*asserts.BaseDeclaration, error) {
	r = r.OrOurs()
	if r.baseDeclaration != nil {
		return r.baseDeclaration()
	}
	return policy.BaseDeclaration(r.Interfaces())
}

// OrOurs returns r, or Ours() when r lacks its interfaces or its
// sanitizer.
func (r Registry) OrOurs() Registry {
	if r.Interfaces == nil || r.SanitizePlugsSlots == nil {
		return Ours()
	}
	return r
}
