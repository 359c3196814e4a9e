// Package suggest reads the AppArmor denials of snap applications in
// /dev/shm from kernel log text, and suggests the shared-memory plugs and
// slots that allow what was denied: for each snap, the plugs and slots as
// snap.yaml and snapcraft.yaml hold them, and the snap connect commands.
// Each suggestion passes the interface's sanitizer and review's lint with no
// error before it is returned.
package suggest

import (
	"fmt"
)

// Options change what Suggest returns.
type Options struct {
	// Exact lists the names as seen, rather than patterns.
	Exact bool
	// Check compiles the profiles of the snaps with the suggestions, and
	// their connections made, with apparmor_parser.
	Check bool
	// Pairs are snaps to connect though the log shows neither touching
	// an object the other created, each by instance name.
	Pairs [][2]string
}

// Result is what Suggest found in a log.
type Result struct {
	// Snaps holds the suggestion for each snap, by instance name.
	Snaps []Snap `json:"snaps"`
	// Connections are those to make with snap connect.
	Connections []Connection `json:"connections"`
	// Undeclarable lists the names that no suggestion covers, and why.
	Undeclarable []Undeclarable `json:"undeclarable"`
	// Skipped counts what was left out of the log, by reason.
	Skipped []Skipped `json:"skipped"`
	// Notes say what a suggestion changes beyond the names.
	Notes []string `json:"notes"`
	// Warnings are review's warnings on the suggestions.
	Warnings []string `json:"warnings"`
	// Check is the result of Options.Check; nil without it.
	Check *Check `json:"check,omitempty"`
}

// Snap is what to add to one snap.
type Snap struct {
	Instance string `json:"snap"`
	// Plugs and Slots are the attributes of each plug and slot as snap.yaml
	// holds them, with "interface" when the name is not the interface's.
	Plugs map[string]map[string]interface{} `json:"plugs,omitempty"`
	Slots map[string]map[string]interface{} `json:"slots,omitempty"`
	// Apps and Hooks are those the log shows denied.
	Apps  []string `json:"apps"`
	Hooks []string `json:"hooks,omitempty"`
}

// Connection is one snap connect command; an empty SlotSnap is the system.
type Connection struct {
	PlugSnap string `json:"plug-snap"`
	Plug     string `json:"plug"`
	SlotSnap string `json:"slot-snap"`
	Slot     string `json:"slot"`
}

// String is the command.
func (c Connection) String() string {
	return fmt.Sprintf("snap connect %s:%s %s:%s", c.PlugSnap, c.Plug, c.SlotSnap, c.Slot)
}

// Undeclarable is a name a snap was denied that no suggestion covers.
type Undeclarable struct {
	Snap   string `json:"snap"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// Skipped counts the records or lines left out for one reason.
type Skipped struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// Check is what apparmor_parser made of the snaps' profiles.
type Check struct {
	Profiles []string `json:"profiles"`
	Error    string   `json:"error,omitempty"`
}

// Reasons for leaving a line or record out.
const (
	NotRecord   = "not an AppArmor record"
	Malformed   = "an AppArmor record that does not parse whole: cut short or garbled"
	NotDenied   = "neither a denial nor a complain-mode record (ALLOWED)"
	NotFile     = "not file access"
	Namespace   = "from another AppArmor namespace (namespace=), such as a container's: not the host's snaps"
	NotSnap     = "not of a snap application's or hook's profile"
	NotInShm    = "not directly in /dev/shm or /run/shm"
	Repeated    = "repeated"
	Exec        = "it was denied execution (x), which the interface never grants"
	Glob        = `it holds "*", which the interface reads as a pattern: declared, it would match more names`
	NoCreator   = "no snap in the log created it: the snap that does must be in the log"
	NoSemaphore = "glibc's temporary name of a new semaphore, and the log names no semaphore of the snap: give the log of a run that names it, or declare sem.NAME"
)

// access is what one snap was denied on one name: maps is m, mapping
// with PROT_EXEC.
type access struct {
	create, write, maps bool
}

// denied is the log's denials in /dev/shm, by snap and name.
type denied struct {
	access     map[string]map[string]*access // name → instance → access
	temporary  map[string]map[string]bool    // instance → temporary semaphore names
	semaphores map[string]bool               // instances whose connection shares semaphores
	apps       map[string]map[string]bool    // instance → "app" or "hook.NAME"
	skipped    map[string]int
	undeclared []Undeclarable
	// allowed counts the complain-mode records taken.
	allowed int
}

// Suggest reads the denials in log and suggests the declarations that
// allow them.
func Suggest(log string, opts Options) (*Result, error) {
	d, err := read(log)
	if err != nil {
		return nil, err
	}
	result := &Result{Snaps: []Snap{}, Connections: []Connection{}, Undeclarable: d.undeclared, Notes: []string{}, Warnings: []string{}}
	for _, reason := range []string{NotRecord, Malformed, NotDenied, NotFile, Namespace, NotSnap, NotInShm, Repeated} {
		if n := d.skipped[reason]; n > 0 {
			result.Skipped = append(result.Skipped, Skipped{reason, n})
		}
	}
	if result.Skipped == nil {
		result.Skipped = []Skipped{}
	}
	if err := d.declare(result, opts); err != nil {
		return nil, err
	}
	d.noteMasks(result)
	if err := validate(result); err != nil {
		return nil, err
	}
	if opts.Check {
		result.Check = check(result)
	}
	return result, nil
}
