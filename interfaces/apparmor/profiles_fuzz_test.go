package apparmor_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// FuzzSlotName checks that every name the sanitizer accepts in a slot's
// "write" list yields profiles that apparmor_parser compiles.
func FuzzSlotName(f *testing.F) {
	for _, seed := range []string{"students", "frame-*", "stats.*", "a b", `x"y`, "../up", "sub/dir", "**"} {
		f.Add(seed)
	}
	consumer := []byte(`name: consumer
version: "1.0"
apps:
  client:
    command: bin/client
    plugs: [my-ipc]
plugs:
  my-ipc:
    interface: shared-memory
`)
	f.Fuzz(func(t *testing.T, name string) {
		// A JSON string is a YAML double-quoted scalar.
		quoted, err := json.Marshal(name)
		if err != nil {
			t.Fatal(err)
		}
		provider := []byte(`name: provider
version: "1.0"
apps:
  server:
    command: bin/server
slots:
  my-ipc:
    interface: shared-memory
    write: [` + string(quoted) + `]
`)
		_, err = apparmor.Generate(system.Setup{
			Snaps:       []system.Snap{{YAML: provider}, {YAML: consumer}},
			Connections: []system.Connection{{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "my-ipc"}},
		}, apparmor.Options{Compile: true})
		if err != nil && !strings.HasPrefix(err.Error(), `cannot use snap #1: snap "provider" has bad plugs or slots: slot "my-ipc": `) {
			t.Fatalf("name %q: %v", name, err)
		}
	})
}
