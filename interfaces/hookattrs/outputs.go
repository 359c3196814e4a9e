package hookattrs

import (
	"fmt"
	"strings"

	"github.com/snapcore/snapd/interfaces"
	snapdapparmor "github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/interfaces/dbus"
	"github.com/snapcore/snapd/interfaces/kmod"
	"github.com/snapcore/snapd/interfaces/mount"
	"github.com/snapcore/snapd/interfaces/polkit"
	"github.com/snapcore/snapd/interfaces/seccomp"
	"github.com/snapcore/snapd/interfaces/systemd"
	"github.com/snapcore/snapd/interfaces/udev"
	"github.com/snapcore/snapd/osutil"

	"github.com/snapd-shm/snapd-shm/internal/keys"
)

// Output is what snapd's backends generate for both sides of one
// connection, one text per backend ("apparmor", "update-ns", "seccomp",
// "udev", "mount", "dbus", "kmod", "systemd", "polkit"); a backend that
// generates nothing is left out.
type Output map[string]string

// specification is one backend's Specification as snapd's backends fill it
// for a connection, and the text of what it holds.
type specification struct {
	name string
	interfaces.Specification
	text func() string
}

// generated is what generate returns: the output, and the bodies of the
// AppArmor profiles (each tag's snippets, and the snap-update-ns rules) for
// apparmor_parser.
type generated struct {
	out      Output
	profiles []string
}

// generate fills a fresh Specification of every backend of snapd with the
// connection's plug side (for the plug's snap) and slot side (for the
// slot's), as the backends do when they set up each snap. root, the
// system's temporary root, is cut out of the texts.
func generate(iface interfaces.Interface, conn *interfaces.Connection, root string) (*generated, error) {
	g := &generated{out: make(Output)}
	sides := []struct {
		appSet *interfaces.SnapAppSet
		add    func(interfaces.Specification) error
	}{
		{conn.Plug.AppSet(), func(s interfaces.Specification) error { return s.AddConnectedPlug(iface, conn.Plug, conn.Slot) }},
		{conn.Slot.AppSet(), func(s interfaces.Specification) error { return s.AddConnectedSlot(iface, conn.Plug, conn.Slot) }},
	}
	for i, side := range sides {
		specs := specifications(side.appSet)
		for _, spec := range specs {
			if err := side.add(spec); err != nil {
				return nil, fmt.Errorf("%s: %v", spec.name, err)
			}
		}
		for _, spec := range specs {
			if text := spec.text(); text != "" {
				g.out[spec.name] += fmt.Sprintf("[%s side]\n%s", [2]string{"plug", "slot"}[i], strings.ReplaceAll(text, root, ""))
			}
		}
		aa := specs[0].Specification.(*snapdapparmor.Specification)
		for _, tag := range aa.SecurityTags() {
			g.profiles = append(g.profiles, aa.SnippetForTag(tag))
		}
		if updateNS := aa.UpdateNS(); len(updateNS) > 0 {
			g.profiles = append(g.profiles, strings.Join(updateNS, "\n"))
		}
	}
	return g, nil
}

func specifications(appSet *interfaces.SnapAppSet) []specification {
	aa := snapdapparmor.NewSpecification(appSet)
	sc := seccomp.NewSpecification(appSet)
	ud := udev.NewSpecification(appSet)
	db := dbus.NewSpecification(appSet)
	var mnt mount.Specification
	var km kmod.Specification
	var sd systemd.Specification
	var pk polkit.Specification
	return []specification{
		{"apparmor", aa, func() string { return tagged(aa.SecurityTags(), aa.SnippetForTag) }},
		{"update-ns", updateNS{aa}, func() string { return lines(aa.UpdateNS()) }},
		{"seccomp", sc, func() string { return tagged(sc.SecurityTags(), sc.SnippetForTag) }},
		{"udev", ud, func() string { return lines(ud.Snippets()) }},
		{"dbus", db, func() string { return tagged(db.SecurityTags(), db.SnippetForTag) }},
		{"mount", &mnt, func() string {
			return fstab(mnt.MountEntries()) + fstab(mnt.UserMountEntries())
		}},
		{"kmod", &km, func() string {
			return lines(keys.Sorted(km.Modules())) + fmt.Sprint(km.ModuleOptions()) + lines(km.DisallowedModules())
		}},
		{"systemd", &sd, func() string {
			var b strings.Builder
			services := sd.Services()
			for _, name := range keys.Sorted(services) {
				fmt.Fprintf(&b, "%s:\n%s", name, services[name])
			}
			return b.String()
		}},
		{"polkit", &pk, func() string {
			var b strings.Builder
			policies := pk.Policies()
			for _, name := range keys.Sorted(policies) {
				fmt.Fprintf(&b, "%s:\n%s\n", name, policies[name])
			}
			return b.String()
		}},
	}
}

// updateNS adds nothing itself: the AppArmor Specification fills both its
// snippets and its snap-update-ns rules, and is filled once.
type updateNS struct{ *snapdapparmor.Specification }

func (updateNS) AddConnectedPlug(interfaces.Interface, *interfaces.ConnectedPlug, *interfaces.ConnectedSlot) error {
	return nil
}

func (updateNS) AddConnectedSlot(interfaces.Interface, *interfaces.ConnectedPlug, *interfaces.ConnectedSlot) error {
	return nil
}

func tagged(tags []string, snippet func(string) string) string {
	var b strings.Builder
	for _, tag := range tags {
		if s := snippet(tag); s != "" {
			fmt.Fprintf(&b, "%s:\n%s\n", tag, s)
		}
	}
	return b.String()
}

func lines(items []string) string {
	if len(items) == 0 {
		return ""
	}
	return strings.Join(items, "\n") + "\n"
}

func fstab(entries []osutil.MountEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintln(&b, e)
	}
	return b.String()
}
