// Package policy builds the assertions that snapd's policy engine
// (github.com/snapcore/snapd/interfaces/policy) checks candidates against:
// the base declaration of a set of interfaces, and snap declarations that
// name a publisher. Install applies the engine's verdicts on a
// shared-memory connection as snapd does for an install (local, or from
// the store by given publishers) and explains each denial in plain words.
// It sets up no policy of its own.
package policy

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/snapcore/snapd/asserts"
	"github.com/snapcore/snapd/interfaces"

	"github.com/snapd-shm/snapd-shm/internal/snapdglobals"
)

const baseDeclarationHeader = `type: base-declaration
authority-id: canonical
series: 16
revision: 0`

// BaseDeclaration composes the base-declaration assertion from the
// StaticInfo of ifaces, the way snapd composes its builtin one. snapd's
// own builtin base declaration is left as it was.
func BaseDeclaration(ifaces []interfaces.Interface) (*asserts.BaseDeclaration, error) {
	var plugs, slots strings.Builder
	for _, iface := range ifaces {
		info := interfaces.StaticInfoOf(iface)
		plugs.WriteString(strings.TrimRight(info.BaseDeclarationPlugs, "\n"))
		slots.WriteString(strings.TrimRight(info.BaseDeclarationSlots, "\n"))
	}
	var buf bytes.Buffer
	buf.WriteString(baseDeclarationHeader)
	// A section with no rules is left out: the assertion format has no
	// empty map.
	if plugs.Len() > 0 {
		buf.WriteString("\nplugs:" + plugs.String())
	}
	if slots.Len() > 0 {
		buf.WriteString("\nslots:" + slots.String())
	}
	buf.WriteString("\n")

	// snapd keeps its builtin base declaration in a global of the asserts
	// package: it is borrowed for a moment.
	var decl *asserts.BaseDeclaration
	var err error
	snapdglobals.Borrow(func() {
		previous := asserts.BuiltinBaseDeclaration()
		defer restoreBuiltinBaseDeclaration(previous)
		if err = asserts.InitBuiltinBaseDeclaration(buf.Bytes()); err != nil {
			err = fmt.Errorf("cannot compose base declaration: %v", err)
			return
		}
		decl = asserts.BuiltinBaseDeclaration()
	})
	return decl, err
}

func restoreBuiltinBaseDeclaration(previous *asserts.BaseDeclaration) {
	var content []byte
	if previous != nil {
		content, _ = previous.Signature()
	}
	if err := asserts.InitBuiltinBaseDeclaration(content); err != nil {
		panic(fmt.Sprintf("cannot restore the builtin base declaration: %v", err))
	}
}

var validDeclarationName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]*$`)

// SnapDeclaration returns an unsigned snap declaration that gives snapName
// the publisher publisherID and no plug or slot rules. The policy engine
// reads declarations; it does not check their signatures.
func SnapDeclaration(snapName, publisherID string) (*asserts.SnapDeclaration, error) {
	return snapDeclaration(snapName, publisherID, "")
}

// sharedMemorySlotGrant is what a store writes in a slot snap's declaration
// to grant its shared-memory slots, which the base declaration leaves to
// it: the slots may be installed, and plugs that are not private and whose
// identifier is the slot's may connect and auto-connect, from any
// publisher. The rule replaces the base declaration's for this snap's
// slots, so it repeats the identifier match.
const sharedMemorySlotGrant = `slots:
  shared-memory:
    allow-installation: true
    allow-connection:
      plug-attributes:
        private: false
        shared-memory: $SLOT(shared-memory)
    allow-auto-connection:
      plug-attributes:
        private: false
        shared-memory: $SLOT(shared-memory)
`

// SnapDeclarationGrantingSharedMemory returns an unsigned snap declaration
// of snapName by publisherID that grants the snap's shared-memory slots, as
// a store or brand store grants a super-privileged slot.
func SnapDeclarationGrantingSharedMemory(snapName, publisherID string) (*asserts.SnapDeclaration, error) {
	return snapDeclaration(snapName, publisherID, sharedMemorySlotGrant)
}

func snapDeclaration(snapName, publisherID, rules string) (*asserts.SnapDeclaration, error) {
	for _, name := range []string{snapName, publisherID} {
		if !validDeclarationName.MatchString(name) {
			return nil, fmt.Errorf("cannot make snap declaration: invalid name %q", name)
		}
	}
	encoded := fmt.Sprintf(`type: snap-declaration
authority-id: canonical
series: 16
snap-name: %s
snap-id: %s-id
publisher-id: %s
%stimestamp: 2016-09-30T12:00:00Z
sign-key-sha3-384: Jv8_JiHiIzJVcO9M55pPdqSDWUvuhfDIBJUS-3VW7F_idjix7Ffn5qMxB21ZQuij

AXNpZw==`, snapName, snapName, publisherID, rules)
	a, err := asserts.Decode([]byte(encoded))
	if err != nil {
		return nil, fmt.Errorf("cannot make snap declaration for %q by %q: %v", snapName, publisherID, err)
	}
	return a.(*asserts.SnapDeclaration), nil
}
