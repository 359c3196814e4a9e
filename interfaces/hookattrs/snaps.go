package hookattrs

import (
	"fmt"

	"gopkg.in/yaml.v2"

	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// The snaps of every audit: the consumer plugs, the provider slots.
const (
	consumer = "consumer"
	provider = "provider"
	plugName = "p"
	slotName = "s"
	// snapdSnap is the system snap that system.Run adds.
	snapdSnap = "snapd"
)

// baselines are the attributes that a plug or slot of an interface needs
// in a snap.yaml to be accepted at all; the other interfaces need none.
var baselines = map[string]struct{ plug, slot yaml.MapSlice }{
	"bool-file":           {slot: attrs("path", "/sys/class/gpio/gpio13/value")},
	"content":             {plug: attrs("content", "c", "target", "$SNAP/import"), slot: attrs("content", "c", "read", []string{"$SNAP/export"})},
	"custom-device":       {slot: attrs("devices", []string{"/dev/probe0"})},
	"dbus":                {plug: attrs("bus", "session", "name", "org.example.Probe"), slot: attrs("bus", "session", "name", "org.example.Probe")},
	"gpio":                {slot: attrs("number", 13)},
	"hidraw":              {slot: attrs("path", "/dev/hidraw0")},
	"i2c":                 {slot: attrs("path", "/dev/i2c-1")},
	"iio":                 {slot: attrs("path", "/dev/iio:device0")},
	"netlink-driver":      {plug: attrs("family-name", "probe"), slot: attrs("family", 100, "family-name", "probe")},
	"personal-files":      {plug: attrs("read", []string{"$HOME/.probe"})},
	"pkcs11":              {slot: attrs("pkcs11-socket", "/run/p11-kit/pkcs11-probe")},
	"polkit":              {plug: attrs("action-prefix", "org.example.probe")},
	"posix-mq":            {plug: attrs("posix-mq", "mq"), slot: attrs("posix-mq", "mq", "path", "/probe")},
	"pwm":                 {slot: attrs("channel", 0, "chip-number", 0)},
	"qualcomm-ipc-router": {slot: attrs("qcipc", "probe", "address", "probe")},
	"raw-volume":          {slot: attrs("path", "/dev/sda1")},
	"registry":            {plug: attrs("account", "canonical", "view", "network/setup", "role", "observer")},
	"serial-port":         {slot: attrs("path", "/dev/ttyS0")},
	"shared-memory":       {slot: attrs("shared-memory", plugName, "write", []string{"probe"})},
	"spi":                 {slot: attrs("path", "/dev/spidev0.0")},
	"system-files":        {plug: attrs("read", []string{"/etc/probe"})},
	"uio":                 {slot: attrs("path", "/dev/uio0")},
}

// attrs returns the attributes given as key, value, key, value...
func attrs(kv ...interface{}) yaml.MapSlice {
	var m yaml.MapSlice
	for i := 0; i+1 < len(kv); i += 2 {
		m = append(m, yaml.MapItem{Key: kv[i], Value: kv[i+1]})
	}
	return m
}

// snapTypes are the types a provider is tried with, in order, until its
// slot is accepted.
var snapTypes = []string{"app", "gadget"}

// snapYAML returns the snap.yaml of a consumer with plug p, or of a
// provider of type typ with slot s, of the interface.
func snapYAML(iface string, isSlot bool, typ string) []byte {
	name, kind, endpoint, attrs := consumer, "plugs", plugName, baselines[iface].plug
	if isSlot {
		name, kind, endpoint, attrs = provider, "slots", slotName, baselines[iface].slot
	}
	doc := yaml.MapSlice{{Key: "name", Value: name}, {Key: "version", Value: "1"}}
	if typ != "app" {
		doc = append(doc, yaml.MapItem{Key: "type", Value: typ})
	}
	decl := append(yaml.MapSlice{{Key: "interface", Value: iface}}, attrs...)
	doc = append(doc,
		yaml.MapItem{Key: "apps", Value: yaml.MapSlice{{Key: "app", Value: yaml.MapSlice{{Key: "command", Value: "bin/app"}}}}},
		yaml.MapItem{Key: kind, Value: yaml.MapSlice{{Key: endpoint, Value: decl}}})
	data, err := yaml.Marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("internal error: cannot marshal a snap.yaml: %v", err))
	}
	return data
}

// accepted reads a snap.yaml as snapd installs it, and returns why the
// registry's sanitizer rejects its plug or slot, or "" if it accepts it.
func accepted(registry registry.Registry, data []byte) (string, error) {
	info, err := system.ReadSnap(system.Snap{YAML: data}, registry)
	if err != nil {
		return "", err
	}
	for name, why := range info.BadInterfaces {
		return fmt.Sprintf("%s: %s", name, why), nil
	}
	return "", nil
}

// setup returns the system of a side's audit: the consumer, with the
// provider when its slot is accepted; the provider is required for the
// slot side.
func (a *auditor) setup(isSlot bool) (system.Setup, error) {
	name := a.iface.Name()
	plugYAML := snapYAML(name, false, "app")
	why, err := accepted(a.registry, plugYAML)
	if err != nil {
		return system.Setup{}, err
	}
	if why != "" {
		return system.Setup{}, fmt.Errorf("the consumer's plug is rejected: %s", why)
	}
	setup := system.Setup{Snaps: []system.Snap{{YAML: plugYAML}}, Registry: a.registry}
	var rejected []string
	for _, typ := range snapTypes {
		data := snapYAML(name, true, typ)
		why, err := accepted(a.registry, data)
		if err != nil {
			return system.Setup{}, err
		}
		if why == "" {
			setup.Snaps = append(setup.Snaps, system.Snap{YAML: data})
			return setup, nil
		}
		rejected = append(rejected, fmt.Sprintf("as %s: %s", typ, why))
	}
	if isSlot {
		return system.Setup{}, fmt.Errorf("the provider's slot is rejected %v", rejected)
	}
	return setup, nil
}
