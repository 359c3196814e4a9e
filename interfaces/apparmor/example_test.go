package apparmor_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/mount"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

// A provider offers two shared memory objects to a consumer, and a third
// snap keeps a /dev/shm of its own. Generate writes the AppArmor profiles
// and the mount profiles that snapd writes for them on a classic system.
func Example() {
	provider := `name: provider
version: "1.0"
apps:
  server:
    command: bin/server
slots:
  shmem:
    interface: shared-memory
    shared-memory: my-ipc
    write: [students]
    read: [teachers]
`
	consumer := `name: consumer
version: "1.0"
apps:
  client:
    command: bin/client
plugs:
  my-ipc:
    interface: shared-memory
`
	scratchpad := `name: scratchpad
version: "1.0"
apps:
  worker:
    command: bin/worker
plugs:
  shared-memory:
    private: true
`
	setup := system.Setup{
		Snaps: []system.Snap{{YAML: []byte(provider)}, {YAML: []byte(consumer)}, {YAML: []byte(scratchpad)}},
		// Installed locally, the consumer is connected by hand; the
		// private plug auto-connects to the system slot.
		Connections: []system.Connection{{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "shmem"}},
	}

	profiles, err := apparmor.Generate(setup, apparmor.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, conn := range profiles.Connected {
		how := "requested"
		if conn.Auto {
			how = "auto-connected"
		}
		fmt.Printf("%s:%s -> %s:%s (%s)\n", conn.PlugSnap, conn.Plug, conn.SlotSnap, conn.Slot, how)
	}
	for _, profile := range profiles.Files {
		for _, line := range strings.Split(profile.Text, "\n") {
			if strings.HasPrefix(line, `"/{dev,run}/shm/`) || strings.HasPrefix(line, `"/dev/shm/`) {
				fmt.Printf("%s: %s\n", profile.Name, line)
			}
		}
	}

	mounts, err := mount.Generate(setup)
	if err != nil {
		log.Fatal(err)
	}
	for _, profile := range mounts.Files {
		fmt.Printf("%s: %s", profile.Name, profile.Text)
	}
	// Output:
	// scratchpad:shared-memory -> snapd:shared-memory (auto-connected)
	// consumer:my-ipc -> provider:shmem (requested)
	// snap.consumer.client: "/{dev,run}/shm/students" mrwlk,
	// snap.consumer.client: "/{dev,run}/shm/teachers" r,
	// snap.provider.server: "/{dev,run}/shm/students" mrwlk,
	// snap.provider.server: "/{dev,run}/shm/teachers" mrwlk,
	// snap.scratchpad.worker: "/dev/shm/**" mrwlkix,
	// snap.scratchpad.fstab: /dev/shm/snap.scratchpad /dev/shm none bind,rw 0 0
}
