// Package review checks shared-memory plugs and slots as a store reviewer
// would: on the attributes as written in snap.yaml, before the sanitizer
// adds its defaults, together with the sanitizer's verdicts. It returns
// typed findings, each of which prints as one line:
//
//	LABEL: error|warning: plug|slot "NAME": attribute "ATTR" value VALUE message
package review

import (
	"fmt"
	"sort"
	"strings"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/internal/keys"
	"github.com/snapd-shm/snapd-shm/internal/quote"
)

// Snap is one snap under review.
type Snap struct {
	// Label names the snap in findings, such as the path of its snap.yaml.
	Label string
	// Info holds the plugs and slots as written: attributes without the
	// defaults the sanitizer adds.
	Info *snap.Info
	// BadInterfaces holds the sanitizer's verdicts, as the sanitized
	// snap.Info's BadInterfaces: the error of each rejected plug or slot.
	BadInterfaces map[string]string
	// YAML is the snap.yaml as written, if at hand, for what Info cannot
	// show: keys given twice.
	YAML []byte
}

// Check names what a finding is about.
type Check string

const (
	// Rejected: the sanitizer rejects the plug or slot.
	Rejected Check = "rejected"
	// NoDeclaration: the snap has no shared-memory plug or slot.
	NoDeclaration Check = "no-declaration"
	// OtherSideAttribute: a slot attribute on a plug, or the reverse.
	OtherSideAttribute Check = "other-side-attribute"
	// UnknownAttribute: an attribute the interface does not read.
	UnknownAttribute Check = "unknown-attribute"
	// SystemSlotAttribute: an attribute on the system slot of an os or
	// snapd snap, which has none.
	SystemSlotAttribute Check = "system-slot-attribute"
	// PathName: a "read" or "write" name written as a path.
	PathName Check = "path-name"
	// EmptyList: a "read" or "write" list without names.
	EmptyList Check = "empty-list"
	// DuplicateName: a name listed twice in one list.
	DuplicateName Check = "duplicate-name"
	// EveryObject: a bare "*", which exposes all of /dev/shm.
	EveryObject Check = "every-object"
	// OtherSnaps: a name or glob that reaches other snaps' objects.
	OtherSnaps Check = "other-snaps"
	// PrivateDevShm: a "write" name or glob that covers snap.<instance>,
	// where snap-update-ns makes a snap's private /dev/shm.
	PrivateDevShm Check = "private-dev-shm"
	// NotReadOnly: a "read" name that a "write" name also grants.
	NotReadOnly Check = "not-read-only"
	// ReadOnlySemaphore: a semaphore under "read", which sem_open cannot
	// open: it opens semaphores read-write.
	ReadOnlySemaphore Check = "read-only-semaphore"
	// TemporarySemaphoreName: a semaphore whose file, "sem." and 6
	// letters or digits, is also a name of glibc's temporary semaphores,
	// which every snap with the rule for them reaches.
	TemporarySemaphoreName Check = "temporary-semaphore-name"
	// EverySemaphore: a glob but a bare "*" that covers every semaphore.
	EverySemaphore Check = "every-semaphore"
	// UnmatchedPlug: a plug whose identifier no slot under review has.
	UnmatchedPlug Check = "unmatched-plug"
)

// Severity is "error" for what snapd refuses, "warning" for the rest.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one thing a reviewer objects to.
type Finding struct {
	Label string
	Check Check
	// Kind is "plug" or "slot", or empty when the finding is about the
	// whole snap.
	Kind string
	Name string
	// Attr is the attribute the finding is about, if any, and Value its
	// value or the list entry at fault when HasValue is set.
	Attr     string
	Value    interface{}
	HasValue bool
	Message  string
}

// Severity tells whether snapd refuses what the finding is about.
func (f Finding) Severity() Severity {
	if f.Check == Rejected {
		return Error
	}
	return Warning
}

// String is the finding as one line.
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s: %s", f.Label, f.Severity(), f.Detail())
}

// Detail is the finding without its label and severity: the plug or slot,
// the attribute and value, and the message.
func (f Finding) Detail() string {
	var b strings.Builder
	if f.Kind != "" {
		fmt.Fprintf(&b, "%s %q: ", f.Kind, f.Name)
	}
	if f.Attr != "" {
		fmt.Fprintf(&b, "attribute %q ", f.Attr)
		if f.HasValue {
			fmt.Fprintf(&b, "value %s ", quote.JSON(f.Value))
		}
	}
	b.WriteString(f.Message)
	return b.String()
}

// Attributes the interface reads; "interface" and "label" never reach Attrs.
var (
	knownPlugAttrs = map[string]bool{"shared-memory": true, "private": true}
	knownSlotAttrs = map[string]bool{"shared-memory": true, "read": true, "write": true}
)

// privateOnSlot says what a slot's "private" attribute does, and how to get
// a private /dev/shm instead.
const privateOnSlot = `is a plug attribute: a slot ignores it; for a /dev/shm of its own, a snap plugs shared-memory with "private: true", and then has no shared-memory slot`

// Snaps reviews each snap, then pairs the plugs of all of them with the
// slots of all of them. Findings come per snap in the order given, then the
// pairing's.
func Snaps(snaps []Snap) ([]Finding, error) {
	for i, s := range snaps {
		if s.Info == nil {
			return nil, fmt.Errorf("cannot review snap #%d (label %q): its Info is nil", i+1, s.Label)
		}
	}
	var findings []Finding
	for _, s := range snaps {
		findings = append(findings, reviewSnap(s)...)
	}
	return append(findings, reviewPairs(snaps)...), nil
}

func reviewSnap(s Snap) []Finding {
	var findings []Finding
	add := func(check Check, kind, name, attr string, value interface{}, hasValue bool, message string) {
		findings = append(findings, Finding{s.Label, check, kind, name, attr, value, hasValue, message})
	}
	plugs, slots := sharedMemoryNames(s.Info)
	typos := interfaceTypos(s.Info)
	if len(plugs) == 0 && len(slots) == 0 && len(typos) == 0 && !builtin.IsSystemSnap(s.Info) {
		add(NoDeclaration, "", "", "", nil, false, "declares no shared-memory plug or slot")
	}
	for _, f := range append(typos, duplicateKeys(s.YAML)...) {
		f.Label = s.Label
		findings = append(findings, f)
	}
	for _, name := range plugs {
		attrs := s.Info.Plugs[name].Attrs
		if msg, ok := s.BadInterfaces[name]; ok {
			add(Rejected, "plug", name, "", nil, false, msg+RejectionHint(attrs))
		}
		for _, attr := range keys.Sorted(attrs) {
			switch {
			case attr == "read" || attr == "write":
				add(OtherSideAttribute, "plug", name, attr, attrs[attr], true, "is a slot attribute: a plug ignores it")
			case !knownPlugAttrs[attr]:
				add(UnknownAttribute, "plug", name, attr, attrs[attr], true, unknownAttribute("plug", name, attr, knownPlugAttrs))
			}
		}
	}
	for _, name := range slots {
		attrs := s.Info.Slots[name].Attrs
		if builtin.IsSystemSnap(s.Info) {
			for _, attr := range keys.Sorted(attrs) {
				add(SystemSlotAttribute, "slot", name, attr, attrs[attr], true, "is ignored: the system slot of an os or snapd snap has no attributes")
			}
			continue
		}
		msg, rejected := s.BadInterfaces[name]
		if rejected {
			add(Rejected, "slot", name, "", nil, false, msg+RejectionHint(attrs))
		}
		for _, attr := range keys.Sorted(attrs) {
			switch {
			case attr == "private":
				add(OtherSideAttribute, "slot", name, attr, attrs[attr], true, privateOnSlot)
			case !knownSlotAttrs[attr]:
				add(UnknownAttribute, "slot", name, attr, attrs[attr], true, unknownAttribute("slot", name, attr, knownSlotAttrs))
			}
		}
		for _, w := range reviewNames(attrs, !rejected) {
			add(w.check, "slot", name, w.attr, w.value, true, w.message)
		}
	}
	return findings
}

// identifier returns the "shared-memory" attribute as written, or the
// default, the plug or slot name; false when it is not a string.
func identifier(attrs map[string]interface{}, name string) (string, bool) {
	value, ok := attrs["shared-memory"]
	if !ok {
		return name, true
	}
	id, ok := value.(string)
	if id == "" {
		return name, ok
	}
	return id, ok
}

// sharedMemoryNames returns the names of the snap's shared-memory plugs and
// slots, sorted.
func sharedMemoryNames(info *snap.Info) (plugs, slots []string) {
	for name, plug := range info.Plugs {
		if plug.Interface == builtin.SharedMemory {
			plugs = append(plugs, name)
		}
	}
	for name, slot := range info.Slots {
		if slot.Interface == builtin.SharedMemory {
			slots = append(slots, name)
		}
	}
	sort.Strings(plugs)
	sort.Strings(slots)
	return plugs, slots
}
