// Package suggest reads the AppArmor denials of snap applications in
// /dev/shm from kernel log text, and suggests the shared-memory plugs and
// slots that allow what was denied: for each snap, the plugs and slots as
// snap.yaml and snapcraft.yaml hold them, and the snap connect commands.
// Each suggestion passes the interface's sanitizer and review's lint with no
// error before it is returned.
package suggest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"
	"github.com/snapcore/snapd/snap/naming"
	"gopkg.in/yaml.v2"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/preview"
	"github.com/snapd-shm/snapd-shm/interfaces/review"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/keys"
	"github.com/snapd-shm/snapd-shm/sandbox/denial"
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

// The most a log may name, past which Suggest refuses it: they bound its
// time and memory, whatever the log.
const (
	// MaxSnaps is the most snaps the log's denials may name.
	MaxSnaps = 64
	// MaxApps is the most apps and hooks the log's denials may name, of
	// all snaps.
	MaxApps = 256
	// MaxNames is the most names in /dev/shm the log's denials may name:
	// four times what the interface declares in a slot, for patterns.
	MaxNames = 4096
)

// read collects the denials of snap applications directly in /dev/shm.
func read(log string) (*denied, error) {
	d := &denied{access: map[string]map[string]*access{}, temporary: map[string]map[string]bool{}, apps: map[string]map[string]bool{}, semaphores: map[string]bool{}, skipped: map[string]int{}, undeclared: []Undeclarable{}}
	l := limits{names: map[string]bool{}}
	refused := map[string]bool{}
	var err error
	d.skipped[NotRecord] = denial.Each(log, func(r denial.Record) {
		instance, app, ok := snapProfile(r.Profile)
		name, inShm := shmName(r.Name)
		mask, maskErr := r.Mask()
		switch {
		case err != nil:
			return
		case r.Malformed != "":
			d.skipped[Malformed]++
			return
		case !r.Denied() && r.Verdict != "ALLOWED":
			d.skipped[NotDenied]++
			return
		case !r.File():
			d.skipped[NotFile]++
			return
		case maskErr != nil:
			d.skipped[Malformed]++
			return
		case r.Namespace != "":
			d.skipped[Namespace]++
			return
		case !ok:
			d.skipped[NotSnap]++
			return
		case !inShm:
			d.skipped[NotInShm]++
			return
		}
		if !r.Denied() {
			d.allowed++
		}
		names := []string{name}
		if target, ok := shmName(r.Target); ok && r.Operation == "link" {
			names = append(names, target)
		}
		if err = l.keep(d, instance, app, names); err != nil {
			return
		}
		news := false
		if !d.apps[instance][app] {
			d.apps[instance][app] = true
			news = true
		}
		for i, name := range names {
			if semTemporary.MatchString(name) {
				if d.temporary[instance] == nil {
					d.temporary[instance] = map[string]bool{}
				}
				news = news || !d.temporary[instance][name]
				d.temporary[instance][name] = true
				continue
			}
			if reason := refusal(name); reason != "" {
				if !refused[instance+"\x00"+name] {
					refused[instance+"\x00"+name] = true
					news = true
					d.undeclared = append(d.undeclared, Undeclarable{instance, name, reason})
				}
				continue
			}
			if d.access[name] == nil {
				d.access[name] = map[string]*access{}
			}
			a := d.access[name][instance]
			if a == nil {
				a = &access{}
				d.access[name][instance] = a
				news = true
			}
			if strings.Contains(mask, "x") {
				if !refused[instance+"\x00"+name] {
					refused[instance+"\x00"+name] = true
					news = true
					d.undeclared = append(d.undeclared, Undeclarable{instance, name, Exec})
				}
				continue
			}
			// A link creates its name; its target already exists.
			creates := i == 0 && (strings.Contains(mask, "c") || r.Operation == "mknod" || r.Operation == "link")
			// Beside reading (r), every permission of a file in /dev/shm
			// comes with "write": w, a, c, d, l, k, and m.
			writes := creates || strings.Trim(mask, "r") != ""
			maps := strings.Contains(mask, "m")
			news = news || creates && !a.create || writes && !a.write || maps && !a.maps
			a.create = a.create || creates
			a.write = a.write || writes
			a.maps = a.maps || maps
		}
		if !news {
			d.skipped[Repeated]++
		}
	})
	return d, err
}

// limits counts what a log names, up to MaxSnaps, MaxApps and MaxNames.
type limits struct {
	apps  int
	names map[string]bool
}

// keep counts a denial's snap, app and names, or says which bound it
// passes.
func (l *limits) keep(d *denied, instance, app string, names []string) error {
	const more = "cannot suggest: the log names more than %d %s denied in /dev/shm, such as %q: give the part with the snaps to declare"
	if d.apps[instance] == nil {
		if len(d.apps) == MaxSnaps {
			return fmt.Errorf(more, MaxSnaps, "snaps", instance)
		}
		d.apps[instance] = map[string]bool{}
	}
	if !d.apps[instance][app] {
		if l.apps == MaxApps {
			return fmt.Errorf(more, MaxApps, "apps and hooks", instance+"."+app)
		}
		l.apps++
	}
	for _, name := range names {
		if !l.names[name] {
			if len(l.names) == MaxNames {
				return fmt.Errorf(more, MaxNames, "names", name)
			}
			l.names[name] = true
		}
	}
	return nil
}

// snapProfile returns the instance and the app ("app" or "hook.NAME") of
// a snap's profile, snap.INSTANCE.APP or snap.INSTANCE.hook.HOOK, or of
// one of its child profiles.
func snapProfile(profile string) (instance, app string, ok bool) {
	// A child profile (snap.x.app//null-…, a hat) is its parent's, as
	// aa-logprof counts it.
	profile, _, _ = strings.Cut(profile, "//")
	tag, err := naming.ParseSecurityTag(profile)
	if err != nil {
		return "", "", false
	}
	_, app, _ = strings.Cut(strings.TrimPrefix(profile, "snap."), ".")
	return tag.InstanceName(), app, true
}

// shmName returns the name of an object directly in /dev/shm or /run/shm.
func shmName(p string) (string, bool) {
	name, ok := review.ObjectName(p)
	return name, ok && !strings.Contains(name, "/")
}

// refusal says why a name seen cannot be declared as it is, if it cannot:
// the interface refuses it, as it checks a slot's names, it holds "*",
// which the interface reads as a pattern of more names, or it is a snap's
// own object.
func refusal(name string) string {
	iface, err := builtin.ByName(builtin.SharedMemory)
	if err != nil {
		return err.Error()
	}
	slot := &snap.SlotInfo{Snap: &snap.Info{SuggestedName: "suggest"}, Name: builtin.SharedMemory, Interface: builtin.SharedMemory,
		Attrs: map[string]interface{}{"write": []interface{}{name}}}
	if err := interfaces.BeforePrepareSlot(iface, slot); err != nil {
		return err.Error()
	}
	if strings.Contains(name, "*") {
		return Glob
	}
	if review.ReachesOtherSnaps(name) {
		owner, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(name, "sem."), "snap."), ".")
		return fmt.Sprintf("it is in snap %q's own namespace (snap.%s.* and sem.snap.%s.*), which no other snap may be given", owner, owner, owner)
	}
	return ""
}

// declare connects the snaps where the log shows one touching an object
// another created; the names each group touches become patterns, and the
// snap creating the most offers them in a slot that the others plug. A
// snap connected to none gets a private plug.
func (d *denied) declare(result *Result, opts Options) error {
	names := keys.Sorted(d.access)
	parent := map[string]string{}
	var find func(string) string
	find = func(s string) string {
		if parent[s] == "" || parent[s] == s {
			return s
		}
		parent[s] = find(parent[s])
		return parent[s]
	}
	// why holds, for each snap a connection joins, the first name that
	// joins it and the snap that created it.
	why := map[string]string{}
	for _, name := range names {
		var creators, others []string
		for _, instance := range keys.Sorted(d.access[name]) {
			if d.access[name][instance].create {
				creators = append(creators, instance)
			} else {
				others = append(others, instance)
			}
		}
		if len(creators) == 0 {
			continue
		}
		for _, instance := range append(creators[1:], others...) {
			if why[instance] == "" {
				verb := "opens"
				if d.access[name][instance].create {
					verb = "also creates"
				}
				why[instance] = fmt.Sprintf("%s %s %q, which %s creates", instance, verb, name, creators[0])
			}
			if a, b := find(creators[0]), find(instance); a != b {
				parent[b] = a
			}
		}
	}
	instances := d.instances()
	for _, pair := range opts.Pairs {
		for _, instance := range pair {
			if !contains(instances, instance) {
				return fmt.Errorf("cannot connect %s and %s: the log shows no denial of snap %q in /dev/shm", pair[0], pair[1], instance)
			}
		}
		if a, b := find(pair[0]), find(pair[1]); a != b {
			parent[b] = a
			for _, instance := range pair {
				if why[instance] == "" {
					why[instance] = fmt.Sprintf("%s and %s are paired as asked", pair[0], pair[1])
				}
			}
		}
	}
	members := map[string][]string{}
	for _, instance := range instances {
		root := find(instance)
		members[root] = append(members[root], instance)
	}
	touched := map[string][]string{}
	for _, name := range names {
		for instance := range d.access[name] {
			root := find(instance)
			if n := touched[root]; len(n) == 0 || n[len(n)-1] != name {
				touched[root] = append(touched[root], name)
			}
		}
	}
	component := map[string]string{}
	for root, names := range touched {
		for _, name := range names {
			component[name] = root
		}
	}
	snaps := map[string]*Snap{}
	for _, root := range keys.Sorted(touched) {
		// A pattern covers no name of another group of snaps.
		foreign := func(pattern string) bool {
			for _, name := range names {
				if component[name] != root && review.Overlap(pattern, name) {
					return true
				}
			}
			return false
		}
		c := &group{names: touched[root], instances: members[root], foreign: foreign}
		d.attributeSemaphores(c)
		var declared []pattern
		for _, g := range c.generalize(opts.Exact) {
			if d.created(g.names) {
				declared = append(declared, g)
				continue
			}
			for _, name := range g.names {
				for _, instance := range keys.Sorted(d.access[name]) {
					result.Undeclarable = append(result.Undeclarable, Undeclarable{instance, name, NoCreator})
				}
			}
		}
		if len(declared) > 0 {
			d.declareGroup(result, snaps, c, declared, why, opts.Exact)
		}
	}
	for _, instance := range keys.Sorted(d.temporary) {
		if d.semaphores[instance] {
			continue
		}
		for _, name := range keys.Sorted(d.temporary[instance]) {
			result.Undeclarable = append(result.Undeclarable, Undeclarable{instance, name, NoSemaphore})
		}
	}
	for _, instance := range keys.Sorted(snaps) {
		result.Snaps = append(result.Snaps, *snaps[instance])
	}
	sort.SliceStable(result.Undeclarable, func(i, j int) bool { return result.Undeclarable[i].Snap < result.Undeclarable[j].Snap })
	return nil
}

// noteMasks says what the log's records and masks change: complain-mode
// records taken, and mappings with PROT_EXEC, which only "write" grants.
func (d *denied) noteMasks(result *Result) {
	if d.allowed > 0 {
		result.Notes = append(result.Notes, fmt.Sprintf(`%d complain-mode records (apparmor="ALLOWED": a --devmode snap, or a profile in complain mode) are taken as denials, as aa-logprof takes them: they show what the snap needs`, d.allowed))
	}
	maps := map[string][]string{}
	for _, name := range keys.Sorted(d.access) {
		for instance, a := range d.access[name] {
			if a.maps {
				maps[instance] = append(maps[instance], fmt.Sprintf("%q", name))
			}
		}
	}
	for _, instance := range keys.Sorted(maps) {
		result.Notes = append(result.Notes, fmt.Sprintf(`%s maps %s with PROT_EXEC (m): only "write" grants m, with w, l and k; check that it needs to`, instance, strings.Join(maps[instance], ", ")))
	}
}

// instances returns the snaps denied names, sorted.
func (d *denied) instances() []string {
	seen := map[string]bool{}
	for _, byInstance := range d.access {
		for instance := range byInstance {
			seen[instance] = true
		}
	}
	return keys.Sorted(seen)
}

// created reports whether a snap in the log created one of the names.
func (d *denied) created(names []string) bool {
	for _, name := range names {
		for _, a := range d.access[name] {
			if a.create {
				return true
			}
		}
	}
	return false
}

// attributeSemaphores marks the semaphores that snaps of the group open
// and none creates as created by the group's snap that glibc's temporary
// names show creating semaphores, when there is one such snap and the log
// names none of its semaphores: the kernel refused its temporary file, so
// its semaphore's own name is not in the log.
func (d *denied) attributeSemaphores(c *group) {
	var creators []string
	for _, instance := range c.instances {
		if len(d.temporary[instance]) > 0 && !d.createsSemaphores(instance) {
			creators = append(creators, instance)
		}
	}
	if len(creators) != 1 {
		return
	}
	for _, name := range c.names {
		if strings.HasPrefix(name, "sem.") && !d.created([]string{name}) {
			a := d.access[name][creators[0]]
			if a == nil {
				a = &access{}
				d.access[name][creators[0]] = a
			}
			a.create, a.write = true, true
		}
	}
}

// createsSemaphores reports whether the log shows the snap creating a
// semaphore by its own name.
func (d *denied) createsSemaphores(instance string) bool {
	for name, byInstance := range d.access {
		if a := byInstance[instance]; a != nil && a.create && strings.HasPrefix(name, "sem.") {
			return true
		}
	}
	return false
}

// declareGroup suggests the plugs and slot of snaps that share names, or
// the private plug of a snap alone.
func (d *denied) declareGroup(result *Result, snaps map[string]*Snap, c *group, patterns []pattern, why map[string]string, exact bool) {
	instances := c.instances
	snapOf := func(instance string) *Snap {
		if snaps[instance] == nil {
			s := &Snap{Instance: instance}
			for _, app := range keys.Sorted(d.apps[instance]) {
				if hook, ok := strings.CutPrefix(app, "hook."); ok {
					s.Hooks = append(s.Hooks, hook)
				} else {
					s.Apps = append(s.Apps, app)
				}
			}
			snaps[instance] = s
		}
		return snaps[instance]
	}
	if len(instances) == 1 {
		s := snapOf(instances[0])
		s.Plugs = map[string]map[string]interface{}{builtin.SharedMemory: {"private": true}}
		result.Connections = append(result.Connections, Connection{instances[0], builtin.SharedMemory, "", builtin.SharedMemory})
		result.Notes = append(result.Notes, fmt.Sprintf("%s: no other snap touches its objects, so a private /dev/shm serves it: its /dev/shm becomes its own, and other snaps no longer see its objects", instances[0]))
		// Its semaphores are in its own /dev/shm too.
		d.semaphores[instances[0]] = true
		return
	}
	// The slot goes to the snap that creates in the most patterns, then
	// the most names.
	creates, names := map[string]int{}, map[string]int{}
	for _, g := range patterns {
		for _, instance := range instances {
			created := 0
			for _, name := range g.names {
				if a := d.access[name][instance]; a != nil && a.create {
					created++
				}
			}
			names[instance] += created
			creates[instance] += min(created, 1)
		}
	}
	slotSnap := instances[0]
	for _, instance := range instances {
		if creates[instance] > creates[slotSnap] || creates[instance] == creates[slotSnap] && names[instance] > names[slotSnap] {
			slotSnap = instance
		}
	}
	var read, write, globs []string
	for _, g := range patterns {
		globs = append(globs, g.glob)
		// sem_open opens a semaphore read-write, and glibc's temporary
		// names are covered for "write" semaphores only.
		needsWrite := strings.HasPrefix(g.glob, "sem.")
		for _, name := range g.names {
			for instance, a := range d.access[name] {
				needsWrite = needsWrite || instance != slotSnap && a.write
			}
		}
		if needsWrite {
			write = append(write, g.glob)
			if strings.HasPrefix(g.glob, "sem.") {
				for _, instance := range instances {
					d.semaphores[instance] = true
				}
			}
		} else {
			read = append(read, g.glob)
		}
	}
	if !exact {
		write = append(write, d.inferSemaphores(result, c, globs)...)
	}
	id := identifier(globs, slotSnap)
	slot := map[string]interface{}{"interface": builtin.SharedMemory, builtin.SharedMemory: id}
	if len(read) > 0 {
		slot["read"] = read
	}
	if len(write) > 0 {
		slot["write"] = write
	}
	snapOf(slotSnap).Slots = map[string]map[string]interface{}{id: slot}
	var mutual []string
	for _, instance := range instances {
		if instance == slotSnap {
			continue
		}
		snapOf(instance).Plugs = map[string]map[string]interface{}{id: {"interface": builtin.SharedMemory, builtin.SharedMemory: id}}
		result.Connections = append(result.Connections, Connection{instance, id, slotSnap, id})
		result.Notes = append(result.Notes, fmt.Sprintf("%s plugs %s's slot %q: %s", instance, slotSnap, id, why[instance]))
		if creates[instance] > 0 {
			mutual = append(mutual, instance)
		}
	}
	if len(mutual) > 0 {
		result.Notes = append(result.Notes, fmt.Sprintf("%s and %s each create objects that the names cover: %s offers them all in one slot, %q, and its plugs may create them too",
			slotSnap, strings.Join(mutual, ", "), slotSnap, id))
	}
	// The names the slot covers are declared, created in the log or not.
	for i := 0; i < len(result.Undeclarable); i++ {
		u := result.Undeclarable[i]
		if u.Reason == NoCreator && contains(instances, u.Snap) && coveredBy(u.Name, write, read) {
			result.Undeclarable = append(result.Undeclarable[:i], result.Undeclarable[i+1:]...)
			i--
		}
	}
}

// coveredBy reports whether one of the globs matches the name.
func coveredBy(name string, lists ...[]string) bool {
	for _, list := range lists {
		for _, glob := range list {
			if review.Overlap(glob, name) {
				return true
			}
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// inferSemaphores returns "sem." and each pattern when snaps of the group
// were denied glibc's temporary semaphore names and the log names none of
// their semaphores: once the temporary file is refused, the semaphore's
// own name never reaches the log, so the snaps' other names stand in for
// it, and a note says so.
func (d *denied) inferSemaphores(result *Result, c *group, globs []string) []string {
	var creators []string
	for _, instance := range c.instances {
		if len(d.temporary[instance]) > 0 && !d.semaphores[instance] {
			creators = append(creators, instance)
		}
	}
	if len(creators) == 0 {
		return nil
	}
	var inferred []string
	seen := map[string]bool{}
	for _, p := range globs {
		name := "sem." + p
		if !strings.Contains(p, "*") {
			// A name seen once says nothing of the semaphore's: its
			// family does.
			key, _ := family(p)
			name = "sem." + key + "*"
		}
		if !strings.HasPrefix(p, "sem.") && !seen[name] && c.allowed(name) {
			seen[name] = true
			inferred = append(inferred, name)
		}
	}
	if len(inferred) == 0 {
		return nil
	}
	for _, instance := range c.instances {
		d.semaphores[instance] = true
	}
	result.Notes = append(result.Notes, fmt.Sprintf("glibc's temporary semaphore names (sem. and six characters) show that %s creates semaphores, whose own names the log cannot hold; %s stands for them, made from the names that %s share: check it against the sem_open calls of %s",
		strings.Join(creators, " and "), strings.Join(inferred, ", "), strings.Join(c.instances, " and "), strings.Join(creators, " and ")))
	return inferred
}

// identifier is the first word of the patterns' common prefix, when it
// makes a plug name, or the slot snap's name.
func identifier(patterns []string, slotSnap string) string {
	prefix := strings.TrimPrefix(patterns[0], "sem.")
	for _, p := range patterns[1:] {
		p = strings.TrimPrefix(p, "sem.")
		prefix = prefix[:commonPrefix(prefix, p)]
	}
	if key, ok := family(prefix); ok {
		id := strings.ToLower(key)
		if snap.ValidateSlotName(id) == nil && id != builtin.SharedMemory {
			return id
		}
	}
	return snap.InstanceSnap(slotSnap)
}

// OK reports whether the suggestions cover every denial without a
// warning of lint, and with Options.Check, whether the profiles compile.
func (r *Result) OK() bool {
	return len(r.Undeclarable) == 0 && len(r.Warnings) == 0 && (r.Check == nil || r.Check.Error == "")
}

// Lines is the result as text: each snap's plugs and slots as in
// snapcraft.yaml, the snap connect commands, notes, the names that cannot
// be declared, what was left out and the check.
func (r *Result) Lines() []string {
	var lines []string
	if len(r.Snaps) == 0 {
		lines = append(lines, "no denials of snaps in /dev/shm to declare")
	}
	for _, s := range r.Snaps {
		lines = append(lines, s.Instance+", in snapcraft.yaml:")
		for _, line := range strings.Split(strings.TrimSuffix(string(s.YAML()), "\n"), "\n") {
			lines = append(lines, "  "+line)
		}
	}
	for _, c := range r.Connections {
		lines = append(lines, c.String())
	}
	for _, note := range r.Notes {
		lines = append(lines, "note: "+note)
	}
	for _, warning := range r.Warnings {
		lines = append(lines, "lint: "+warning)
	}
	for _, u := range r.Undeclarable {
		lines = append(lines, fmt.Sprintf("cannot declare %q for %s: %s", u.Name, u.Snap, u.Reason))
	}
	for _, s := range r.Skipped {
		lines = append(lines, fmt.Sprintf("left out %d: %s", s.Count, s.Reason))
	}
	switch {
	case r.Check == nil:
	case r.Check.Error != "":
		lines = append(lines, "check: "+r.Check.Error)
	default:
		lines = append(lines, "check: "+strings.Join(r.Check.Profiles, ", ")+" compile")
	}
	return lines
}

// snapYAML is the snap.yaml of a snap with the suggestion: the apps and
// hooks of the log, and its plugs and slots.
func (s *Snap) snapYAML() []byte {
	apps := yaml.MapSlice{}
	for _, app := range s.Apps {
		apps = append(apps, yaml.MapItem{Key: app, Value: map[string]string{"command": "bin/" + app}})
	}
	hooks := yaml.MapSlice{}
	for _, hook := range s.Hooks {
		hooks = append(hooks, yaml.MapItem{Key: hook, Value: map[string]string{}})
	}
	doc := yaml.MapSlice{{Key: "name", Value: snap.InstanceSnap(s.Instance)}, {Key: "version", Value: "0"}}
	if len(apps) > 0 {
		doc = append(doc, yaml.MapItem{Key: "apps", Value: apps})
	}
	if len(hooks) > 0 {
		doc = append(doc, yaml.MapItem{Key: "hooks", Value: hooks})
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("internal error: cannot write a snap.yaml: %v", err))
	}
	return append(data, s.YAML()...)
}

// YAML is the snapcraft.yaml and snap.yaml text of the snap's plugs and
// slots.
func (s *Snap) YAML() []byte {
	doc := yaml.MapSlice{}
	if len(s.Plugs) > 0 {
		doc = append(doc, yaml.MapItem{Key: "plugs", Value: s.Plugs})
	}
	if len(s.Slots) > 0 {
		doc = append(doc, yaml.MapItem{Key: "slots", Value: s.Slots})
	}
	data, err := yaml.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("internal error: cannot write plugs and slots: %v", err))
	}
	return data
}

// validate reads each snap with its suggestion as snapd installs it, and
// lints them all: a rejected plug or slot, or an error of review, is an
// error of Suggest.
func validate(result *Result) error {
	var snaps []review.Snap
	for i := range result.Snaps {
		s := &result.Snaps[i]
		read, err := preview.Parse(s.Instance+"/snap.yaml", s.snapYAML())
		if err != nil {
			return fmt.Errorf("cannot suggest plugs and slots for snap %q: %v", s.Instance, err)
		}
		for _, reason := range read.Installed.BadInterfaces {
			return fmt.Errorf("cannot suggest plugs and slots for snap %q: %s", s.Instance, reason)
		}
		snaps = append(snaps, review.Snap{Label: s.Instance, Info: read.Declared, BadInterfaces: read.Installed.BadInterfaces})
	}
	findings, err := review.Snaps(snaps)
	if err != nil {
		return err
	}
	for _, f := range findings {
		if f.Severity() == review.Error {
			return fmt.Errorf("cannot suggest plugs and slots: %s", f)
		}
		result.Warnings = append(result.Warnings, f.String())
	}
	return nil
}

// Setup is the install of the snaps with the suggestions, for
// apparmor.Generate, mount.Generate or enforce.GenerateScene: each snap
// with the apps and hooks of the log, the connections to snap connect
// asked for, private plugs auto-connected.
func (r *Result) Setup() system.Setup {
	var setup system.Setup
	for i := range r.Snaps {
		s := &r.Snaps[i]
		_, key := snap.SplitInstanceName(s.Instance)
		setup.Snaps = append(setup.Snaps, system.Snap{YAML: s.snapYAML(), InstanceKey: key})
	}
	for _, c := range r.Connections {
		if c.SlotSnap != "" {
			setup.Connections = append(setup.Connections, system.Connection{PlugSnap: c.PlugSnap, Plug: c.Plug, SlotSnap: c.SlotSnap, Slot: c.Slot})
		}
	}
	return setup
}

// check compiles the profiles of the snaps, connected as suggested.
func check(result *Result) *Check {
	generated, err := apparmor.Generate(result.Setup(), apparmor.Options{Compile: true})
	if err != nil {
		return &Check{Profiles: []string{}, Error: err.Error()}
	}
	c := &Check{Profiles: []string{}}
	for _, p := range generated.Files {
		c.Profiles = append(c.Profiles, p.Name)
	}
	return c
}
