package policy_test

import (
	"fmt"
	"log"

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/builtin"
	"github.com/snapd-shm/snapd-shm/interfaces/policy"
)

// A consumer and a provider of the same store publisher: the provider's
// slot is super-privileged, so the store must grant it before the snaps
// connect.
func ExampleInstall_Check() {
	iface := mustFind(builtin.Interfaces(), "shared-memory")
	base, err := policy.BaseDeclaration(builtin.Interfaces())
	if err != nil {
		log.Fatal(err)
	}
	connected := func(yaml string) (*snap.Info, *interfaces.SnapAppSet) {
		info, err := snap.InfoFromSnapYaml([]byte(yaml))
		if err != nil {
			log.Fatal(err)
		}
		set, err := interfaces.NewSnapAppSet(info, nil)
		if err != nil {
			log.Fatal(err)
		}
		return info, set
	}
	consumer, consumerSet := connected(consumerYaml)
	provider, providerSet := connected(providerYaml)
	if err := interfaces.BeforePreparePlug(iface, consumer.Plugs["my-ipc"]); err != nil {
		log.Fatal(err)
	}
	if err := interfaces.BeforePrepareSlot(iface, provider.Slots["shmem"]); err != nil {
		log.Fatal(err)
	}
	plug := interfaces.NewConnectedPlug(consumer.Plugs["my-ipc"], consumerSet, nil, nil)
	slot := interfaces.NewConnectedSlot(provider.Slots["shmem"], providerSet, nil, nil)

	for _, install := range []policy.Install{
		{PlugPublisher: "acme", SlotPublisher: "acme"},
		{PlugPublisher: "acme", SlotPublisher: "acme", SlotGranted: true},
	} {
		v, err := install.Check(plug, slot, base)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(v.Description)
		if v.InstallSlot.Allowed {
			fmt.Println("  install provider: allowed")
		} else {
			fmt.Println("  install provider: denied:", v.InstallSlot.Reason)
		}
		fmt.Printf("  connected: %q\n", v.Connected)
	}
	// Output:
	// store (plug snap by acme, slot snap by acme)
	//   install provider: denied: slot "shmem" is super-privileged: the store must grant it in the snap declaration of provider (preview that with --slot-granted)
	//   connected: ""
	// store (plug snap by acme, slot snap by acme, whose snap declaration grants the slot)
	//   install provider: allowed
	//   connected: "auto"
}
