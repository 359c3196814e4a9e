package suggest

import (
	"fmt"
	"strings"
)

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
