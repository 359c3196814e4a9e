package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/policy"
	"github.com/snapd-shm/snapd-shm/interfaces/preview"
	"github.com/snapd-shm/snapd-shm/internal/quote"
)

// connectCommand is "snap-iface connect" and its help.
var connectCommand = command{
	name:     "connect",
	synopsis: "snap-iface connect [FLAGS] PLUG_SNAP[:PLUG] SLOT_SNAP[:SLOT]",
	about: `Shows what snapd would do with one shared-memory connection: whether each
declaration passes the sanitizer, whether each snap installs and the snaps
connect in the modelled install (and why not), then the AppArmor rules,
snap-update-ns rules and mount profile of each side.

A snap is a snap.yaml, a snapcraft.yaml, or a directory holding
snap/snapcraft.yaml, snapcraft.yaml, .snapcraft.yaml, meta/snap.yaml or
snap.yaml (files of at most 1 MiB). SLOT_SNAP "system" is snapd's implicit
system slot on a classic system. The plug or slot name may be left out when
the snap has one.

The install modelled is local (snap install --dangerous) unless publishers
are given: then the snaps come from the store with snap declarations.`,
	exits: `0  the connection happens in the modelled install (automatically or by
   snap connect), and with --check the profiles compile
1  it does not (a snap does not install, or the connection is denied), the
   plug or the slot is invalid, or apparmor_parser rejects a profile; other
   shared-memory plugs and slots that snapd rejects and leaves out are
   listed, and lint reports them
2  the command could not run: unreadable or invalid input, no such plug or
   slot, a bad flag`,
	example: `snap-iface connect testdata/ros2/listener testdata/ros2/talker
snap-iface connect --check testdata/electron system
snap-iface connect --plug-publisher acme --slot-publisher acme --slot-granted \
    testdata/brand-store/dashboard.yaml testdata/brand-store/gateway.yaml`,
	flags: func() *flag.FlagSet { return connectFlags(&connectOptions{}) },
	run:   runConnect,
}

type connectOptions struct {
	json, check, enforce             bool
	install                          policy.Install
	plugInstanceKey, slotInstanceKey string
}

func connectFlags(opts *connectOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	fs.BoolVar(&opts.json, "json", false, "print a JSON document")
	fs.BoolVar(&opts.check, "check", false, "write the full profiles of both snaps with snapd's backend and compile them with apparmor_parser")
	fs.BoolVar(&opts.enforce, "enforce", false, "run probes under the full profiles in a User-mode Linux kernel with AppArmor and print the access it grants")
	fs.StringVar(&opts.install.PlugPublisher, "plug-publisher", "", "the plug snap comes from the store with a snap declaration by publisher `ID`")
	fs.StringVar(&opts.install.SlotPublisher, "slot-publisher", "", "the slot snap comes from the store with a snap declaration by publisher `ID`")
	fs.BoolVar(&opts.install.SlotGranted, "slot-granted", false, "the slot snap's declaration grants its shared-memory slot, as a store or brand store does (needs --slot-publisher)")
	fs.StringVar(&opts.plugInstanceKey, "plug-instance-key", "", "preview the plug snap parallel-installed as NAME_`KEY`")
	fs.StringVar(&opts.slotInstanceKey, "slot-instance-key", "", "preview the slot snap parallel-installed as NAME_`KEY`")
	return fs
}

func runConnect(args []string, stdout io.Writer) (int, error) {
	var opts connectOptions
	args, err := parseFlags(connectFlags(&opts), args)
	if err != nil {
		return 0, err
	}
	if len(args) != 2 {
		return 0, fmt.Errorf("connect: want 2 arguments, PLUG_SNAP[:PLUG] SLOT_SNAP[:SLOT], got %d", len(args))
	}
	if opts.install.SlotGranted && opts.install.SlotPublisher == "" {
		return 0, fmt.Errorf("connect: --slot-granted needs --slot-publisher: only a snap declaration grants a slot")
	}
	plugPath, plugName := splitEndpoint(args[0])
	slotPath, slotName := splitEndpoint(args[1])
	plugSnap, err := loadSnap(plugPath)
	if err != nil {
		return 0, err
	}
	if err := plugSnap.SetInstanceKey(opts.plugInstanceKey); err != nil {
		return 0, fmt.Errorf("--plug-instance-key: %v", err)
	}
	slotSnap := preview.SnapdSnap()
	if slotPath != systemArgument {
		if slotSnap, err = loadSnap(slotPath); err != nil {
			return 0, err
		}
	}
	if err := slotSnap.SetInstanceKey(opts.slotInstanceKey); err != nil {
		return 0, fmt.Errorf("--slot-instance-key: %v", err)
	}
	report, err := preview.Connect(plugSnap, plugName, slotSnap, slotName, preview.Options{Install: opts.install, Check: opts.check})
	if err != nil {
		return 0, flagError(err)
	}
	if opts.enforce {
		if report.Enforce, err = enforceTable(report); err != nil {
			return 0, err
		}
	}
	if opts.json {
		if err := writeJSON(stdout, report); err != nil {
			return 0, err
		}
	} else {
		writeConnectText(stdout, report)
	}
	if !report.OK() {
		return exitFindings, nil
	}
	return exitOK, nil
}

func writeConnectText(w io.Writer, r *preview.Report) {
	writeEndpointText(w, "Plug", r.Plug)
	writeEndpointText(w, "Slot", r.Slot)
	if r.Policy == nil {
		printf(w, "\nNo preview: the plug or the slot is rejected.\n")
		return
	}
	p := r.Policy
	printf(w, "\nPolicy, %s:\n", p.Install)
	printf(w, "  install %s: %s\n", r.Plug.Snap, verdictText(p.InstallPlug))
	if r.Slot.Snap != r.Plug.Snap {
		printf(w, "  install %s: %s\n", r.Slot.Snap, verdictText(p.InstallSlot))
	}
	printf(w, "  snap connect: %s\n", verdictText(p.Connect))
	printf(w, "  auto-connect: %s\n", verdictText(p.AutoConnect))
	switch p.Connected {
	case policy.ConnectedAuto:
		printf(w, "  result: connected automatically\n")
		printf(w, "\nRules granted once connected:\n")
	case policy.ConnectedManual:
		printf(w, "  result: connected by snap connect %s\n", r.SnapConnect())
		printf(w, "\nRules granted once connected:\n")
	default:
		printf(w, "  result: not connected in this install\n")
		printf(w, "\nRules a connection would grant (NOT granted in this install):\n")
	}
	writeRulesText(w, "plug", r.Plug.Snap, r.PlugRules)
	writeRulesText(w, "slot", r.Slot.Snap, r.SlotRules)
	if c := r.Check; c != nil {
		printf(w, "\napparmor_parser:\n")
		if c.OK {
			printf(w, "  connections made:\n")
			for _, conn := range c.Connected {
				printf(w, "    %s\n", conn)
			}
			if len(c.Unconnected) > 0 {
				printf(w, "  plugs left unconnected:\n")
			}
			for _, plug := range c.Unconnected {
				printf(w, "    %s\n", plug)
			}
			printf(w, "  compiled %d profiles: %s\n", len(c.Profiles), strings.Join(c.Profiles, ", "))
		} else {
			printf(w, "  rejected: %s\n", c.Error)
		}
	}
	writeEnforceText(w, r.Enforce)
}

func writeEndpointText(w io.Writer, kind string, e preview.Endpoint) {
	printf(w, "%s %s:%s (%s, type %s)\n", kind, e.Snap, e.Name, e.File, e.SnapType)
	if e.Valid {
		printf(w, "  declaration: valid\n")
	} else {
		printf(w, "  declaration: invalid\n")
	}
	for _, bad := range e.Errors {
		if bad.Name == e.Name {
			printf(w, "    %s: %s\n", bad.Name, bad.Error)
		}
	}
	switch {
	case e.Attributes == nil:
		printf(w, "  %s %q: rejected\n", strings.ToLower(kind), e.Name)
	case e.Implicit:
		printf(w, "  implicit system slot: not sanitized, no attributes\n")
	default:
		printf(w, "  attributes: %s\n", attributesText(e.Attributes))
	}
	for _, warning := range e.Warnings {
		printf(w, "  warning: %s\n", warning)
	}
	for _, bad := range e.Errors {
		if bad.Name != e.Name {
			printf(w, "  also in snap %s, rejected and left out by snapd: %s %q: %s\n", e.Snap, bad.Kind, bad.Name, bad.Error)
		}
	}
}

func verdictText(v policy.Verdict) string {
	switch {
	case v.Allowed && v.Reason != "":
		return "allowed: " + v.Reason
	case v.Allowed:
		return "allowed"
	default:
		return "denied: " + v.Reason
	}
}

// attributesText renders attributes in name order, values as JSON.
func attributesText(attrs map[string]interface{}) string {
	if len(attrs) == 0 {
		return "(none)"
	}
	return quote.JSON(attrs)
}

func writeRulesText(w io.Writer, side, snapName string, r *preview.Rules) {
	printf(w, "\nAppArmor rules, %s side (%s):\n", side, snapName)
	if len(r.AppArmor) == 0 {
		printf(w, "  (none)\n")
	}
	for _, s := range r.AppArmor {
		printf(w, "  %s:\n", s.Tag)
		writeIndented(w, s.Snippet, "    ")
	}
	if len(r.Permissions) > 0 {
		printf(w, "  permissions: %s\n", permissionsText(r.Permissions))
	}
	if r.TemporarySemaphores {
		printf(w, "  note: the owner \"sem.XXXXXX\" rule, for glibc's temporary semaphore names, reaches every object in /dev/shm named sem. and 6 letters or digits that the app's user owns, whoever created it; every snap with the rule, connected here or not, reaches the same objects\n")
	}
	printf(w, "snap-update-ns rules, %s side:\n", side)
	if len(r.UpdateNS) == 0 {
		printf(w, "  (none)\n")
	}
	for _, s := range r.UpdateNS {
		writeIndented(w, s, "  ")
	}
	printf(w, "Mount profile, %s side:\n", side)
	if r.MountProfile == "" {
		printf(w, "  (none)\n")
	}
	writeIndented(w, r.MountProfile, "  ")
}

// writeIndented writes each non-blank line of text with the prefix, so that
// leading and trailing newlines of snippets leave no gaps.
func writeIndented(w io.Writer, text, prefix string) {
	for _, line := range strings.Split(text, "\n") {
		if strings.TrimSpace(line) != "" {
			printf(w, "%s%s\n", prefix, line)
		}
	}
}
