package apparmor

import (
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"
)

// MockRegistry replaces our registry's interfaces and sanitizer.
func MockRegistry(ifaces func() []interfaces.Interface, sanitize func(*snap.Info)) (restore func()) {
	oldIfaces, oldSanitize := registryInterfaces, sanitizePlugsSlots
	registryInterfaces, sanitizePlugsSlots = ifaces, sanitize
	return func() {
		registryInterfaces, sanitizePlugsSlots = oldIfaces, oldSanitize
	}
}
