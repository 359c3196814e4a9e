package main

import (
	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// checkProfiles writes the full profiles of both snaps with the connection
// made and compiles them with apparmor_parser.
func checkProfiles(plugFile *snapFile, plugName string, slotFile *snapFile, slotName string) *checkReport {
	snaps := []system.Snap{{YAML: plugFile.yaml}}
	if slotFile.raw.InstanceName() != plugFile.raw.InstanceName() {
		snaps = append(snaps, system.Snap{YAML: slotFile.yaml})
	}
	conns := []system.Connection{{
		PlugSnap: plugFile.raw.InstanceName(), Plug: plugName,
		SlotSnap: slotFile.raw.InstanceName(), Slot: slotName,
	}}
	profiles, err := apparmor.GenerateProfiles(snaps, conns)
	if err != nil {
		return &checkReport{Profiles: []string{}, Error: err.Error()}
	}
	report := &checkReport{OK: true, Profiles: []string{}}
	for _, p := range profiles {
		report.Profiles = append(report.Profiles, p.Name)
	}
	return report
}
