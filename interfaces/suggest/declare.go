package suggest

import (
	"fmt"
	"sort"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/review"
	"github.com/snapd-shm/snapd-shm/internal/keys"
)

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
	groups := partition{}
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
			groups.join(creators[0], instance)
		}
	}
	instances := d.instances()
	for _, pair := range opts.Pairs {
		for _, instance := range pair {
			if !contains(instances, instance) {
				return fmt.Errorf("cannot connect %s and %s: the log shows no denial of snap %q in /dev/shm", pair[0], pair[1], instance)
			}
		}
		if groups.join(pair[0], pair[1]) {
			for _, instance := range pair {
				if why[instance] == "" {
					why[instance] = fmt.Sprintf("%s and %s are paired as asked", pair[0], pair[1])
				}
			}
		}
	}
	members := map[string][]string{}
	for _, instance := range instances {
		root := groups.find(instance)
		members[root] = append(members[root], instance)
	}
	touched := map[string][]string{}
	for _, name := range names {
		for instance := range d.access[name] {
			root := groups.find(instance)
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
