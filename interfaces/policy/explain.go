package policy

import (
	"fmt"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
)

// explainInstall puts the policy engine's denial of a snap's installation
// in plain words. The engine names only the rule that failed; the reasons
// follow from the shared-memory base declaration.
func explainInstall(info *snap.Info, err error) string {
	for _, slot := range info.Slots {
		if slot.Interface != builtin.SharedMemory || !strings.Contains(err.Error(), fmt.Sprintf("%q slot rule", slot.Name)) {
			continue
		}
		switch info.Type() {
		case snap.TypeApp, snap.TypeGadget:
			return fmt.Sprintf("slot %q is super-privileged: the store must grant it in the snap declaration of %s (preview that with --slot-granted)", slot.Name, info.InstanceName())
		default:
			return fmt.Sprintf("a snap of type %s cannot have a shared-memory slot: only app, gadget, os and snapd snaps can", info.Type())
		}
	}
	return err.Error()
}

// explainer puts the policy engine's denials of a shared-memory connection
// in plain words.
type explainer struct {
	plug    *interfaces.ConnectedPlug
	slot    *interfaces.ConnectedSlot
	install Install
}

func (e explainer) connect(err error) string {
	if reason := e.mismatch(); reason != "" {
		return reason
	}
	return err.Error()
}

func (e explainer) autoConnect(err error) string {
	if reason := e.mismatch(); reason != "" {
		return reason
	}
	plugPub, slotPub := e.install.PlugPublisher, e.install.SlotPublisher
	switch {
	case plugPub == "" || slotPub == "":
		return "a plug auto-connects only to a slot of its own publisher, and a locally installed snap has none: use snap connect"
	case plugPub != slotPub:
		return fmt.Sprintf("a plug auto-connects only to a slot of its own publisher, and the plug snap is by %s, the slot snap by %s: use snap connect", plugPub, slotPub)
	}
	return err.Error()
}

// mismatch says why the plug cannot connect to the slot at all, or "".
func (e explainer) mismatch() string {
	private := e.private()
	systemSlot := builtin.IsSystemSnap(e.slot.Snap())
	switch {
	case private && !systemSlot:
		return "private plugs connect only to the system slot"
	case !private && systemSlot:
		return "the system slot takes only private plugs: this plug connects to an application slot with the same identifier"
	case !private:
		plugID, slotID := sharedMemoryID(e.plug), sharedMemoryID(e.slot)
		if plugID != slotID {
			return fmt.Sprintf("plug identifier %s does not match slot identifier %s", plugID, slotID)
		}
	}
	return ""
}

func (e explainer) private() bool {
	value, _ := e.plug.Lookup("private")
	private, _ := value.(bool)
	return private
}

// sharedMemoryID returns the shared-memory identifier of a plug or slot.
func sharedMemoryID(attrs interfaces.Attrer) string {
	value, _ := attrs.Lookup("shared-memory")
	id, _ := value.(string)
	return id
}
