package main

import (
	"fmt"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// checkProfiles writes the full profiles of both snaps, as snapd installs
// them in the modelled install with the requested connection made, and
// compiles them with apparmor_parser.
func checkProfiles(plugFile *snapFile, plugName string, slotFile *snapFile, slotName string, model policyModel) *checkReport {
	report := &checkReport{Profiles: []string{}, Connected: []string{}}
	setup, err := installSetup(plugFile, plugName, slotFile, slotName, model)
	if err != nil {
		report.Error = err.Error()
		return report
	}
	result, err := apparmor.Generate(setup, apparmor.Options{Compile: true})
	if err != nil {
		report.Error = err.Error()
		return report
	}
	report.OK = true
	for _, p := range result.Files {
		report.Profiles = append(report.Profiles, p.Name)
	}
	for _, c := range result.Connected {
		how := []string{c.Interface}
		if c.Auto {
			how = append(how, "auto-connected")
		}
		if c.Requested {
			how = append(how, "requested")
		}
		report.Connected = append(report.Connected, fmt.Sprintf("%s:%s %s:%s (%s)", c.PlugSnap, c.Plug, c.SlotSnap, c.Slot, strings.Join(how, ", ")))
	}
	return report
}

// installSetup is the modelled install of both snaps, with the requested
// connection.
func installSetup(plugFile *snapFile, plugName string, slotFile *snapFile, slotName string, model policyModel) (system.Setup, error) {
	plugDecl, slotDecl, err := model.declarations(plugFile.sanitized, slotFile.sanitized)
	if err != nil {
		return system.Setup{}, err
	}
	setup := system.Setup{
		Snaps: []system.Snap{{YAML: plugFile.yaml, InstanceKey: plugFile.raw.InstanceKey}},
		Connections: []system.Connection{{
			PlugSnap: plugFile.raw.InstanceName(), Plug: plugName,
			SlotSnap: slotFile.raw.InstanceName(), Slot: slotName,
		}},
	}
	if slotFile != plugFile {
		setup.Snaps = append(setup.Snaps, system.Snap{YAML: slotFile.yaml, InstanceKey: slotFile.raw.InstanceKey})
	}
	if plugDecl != nil {
		setup.Declarations = append(setup.Declarations, plugDecl)
	}
	if slotDecl != nil && slotDecl != plugDecl {
		setup.Declarations = append(setup.Declarations, slotDecl)
	}
	return setup, nil
}
