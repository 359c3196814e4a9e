package snapyaml

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v2"
)

// snapYAMLKeys are the top-level keys of a snapcraft.yaml that snapcraft
// copies into snap.yaml. The others (parts, adopt-info, build settings)
// describe the build.
var snapYAMLKeys = map[string]bool{
	"name": true, "version": true, "summary": true, "description": true,
	"title": true, "license": true, "type": true, "base": true,
	"confinement": true, "grade": true, "epoch": true, "assumes": true,
	"apps": true, "plugs": true, "slots": true, "hooks": true,
	"layout": true, "environment": true, "system-usernames": true,
}

// adoptedVersion stands for a version that a part sets at build time.
const adoptedVersion = "0"

// isSnapcraft reports whether a file is a snapcraft.yaml: by its name,
// or because its document describes parts, which a snap.yaml never does.
func isSnapcraft(path string, doc yaml.MapSlice) bool {
	if base := filepath.Base(path); base == "snapcraft.yaml" || base == ".snapcraft.yaml" {
		return true
	}
	for _, item := range doc {
		if item.Key == "parts" && item.Value != nil {
			return true
		}
	}
	return false
}

// FromSnapcraft returns the plugs, slots, apps and hooks of a
// snapcraft.yaml as snapcraft writes them into snap.yaml. Parts are
// ignored; a version adopted from a part becomes adoptedVersion. Extensions
// are not expanded: each is named in a warning, because extensions add
// plugs.
func FromSnapcraft(data []byte) ([]byte, []string, error) {
	var top yaml.MapSlice
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, nil, fmt.Errorf("cannot parse snapcraft.yaml: %v", err)
	}
	var out yaml.MapSlice
	hasVersion, adoptsInfo := false, false
	extensions := map[string][]string{}
	for _, item := range top {
		key, _ := item.Key.(string)
		switch {
		case key == "adopt-info":
			adoptsInfo = true
		case key == "apps":
			apps, err := snapApps(item.Value, extensions)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, yaml.MapItem{Key: key, Value: apps})
		case snapYAMLKeys[key]:
			hasVersion = hasVersion || key == "version"
			out = append(out, item)
		}
	}
	if !hasVersion && adoptsInfo {
		out = append(out, yaml.MapItem{Key: "version", Value: adoptedVersion})
	}
	converted, err := yaml.Marshal(out)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot convert snapcraft.yaml: %v", err)
	}
	return converted, extensionWarnings(extensions), nil
}

// snapApps returns the apps as snap.yaml holds them: without extensions,
// which it records by name with the apps using them.
func snapApps(value interface{}, extensions map[string][]string) (yaml.MapSlice, error) {
	apps, ok := value.(yaml.MapSlice)
	if !ok {
		return nil, fmt.Errorf(`cannot parse snapcraft.yaml: "apps" is not a map`)
	}
	out := make(yaml.MapSlice, 0, len(apps))
	for _, app := range apps {
		appName := fmt.Sprint(app.Key)
		fields, ok := app.Value.(yaml.MapSlice)
		if !ok {
			return nil, fmt.Errorf("cannot parse snapcraft.yaml: app %q is not a map", appName)
		}
		var kept yaml.MapSlice
		for _, field := range fields {
			switch field.Key {
			case "extensions":
				names, _ := field.Value.([]interface{})
				for _, name := range names {
					extensions[fmt.Sprint(name)] = append(extensions[fmt.Sprint(name)], appName)
				}
			default:
				kept = append(kept, field)
			}
		}
		out = append(out, yaml.MapItem{Key: app.Key, Value: kept})
	}
	return out, nil
}

func extensionWarnings(extensions map[string][]string) []string {
	var warnings []string
	for name, apps := range extensions {
		warnings = append(warnings, fmt.Sprintf("extension %q (apps %s) is not expanded: the plugs and slots it adds are left out", name, strings.Join(apps, ", ")))
	}
	sort.Strings(warnings)
	return warnings
}
