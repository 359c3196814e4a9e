package suggest

import (
	"fmt"
	"strings"

	"github.com/snapcore/snapd/snap/naming"

	"github.com/snapd-shm/snapd-shm/interfaces/review"
	"github.com/snapd-shm/snapd-shm/sandbox/denial"
)

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
