package snapyaml_test

import (
	"fmt"
	"log"

	"github.com/snapd-shm/snapd-shm/snap/snapyaml"
)

// A snapcraft project directory: Load reads snap/snapcraft.yaml and writes
// the snap.yaml snapcraft would.
func ExampleLoad() {
	s, err := snapyaml.Load("../../testdata/ros2/listener")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("read:", s.Path)
	fmt.Print(string(s.YAML))
	for _, w := range s.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// read: ../../testdata/ros2/listener/snap/snapcraft.yaml
	// name: ros2-listener
	// summary: ROS 2 listener
	// description: Subscribes to chatter over Fast DDS, through shared memory on one host.
	// base: core22
	// confinement: strict
	// grade: stable
	// apps:
	//   listener:
	//     command: opt/ros/humble/bin/listener
	//     plugs:
	//     - network
	//     - network-bind
	//     - fastdds-shm
	// plugs:
	//   fastdds-shm:
	//     interface: shared-memory
	//     shared-memory: fastdds
	// version: "0"
	// warning: extension "ros2-humble" (apps listener) is not expanded: the plugs and slots it adds are left out
}
