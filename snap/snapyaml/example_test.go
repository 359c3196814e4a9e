package snapyaml_test

import (
	"fmt"
	"log"

	"github.com/snapd-shm/snapd-shm/snap/snapyaml"
)

// A snapcraft project directory: Load reads snap/snapcraft.yaml, writes the
// snap.yaml snapcraft would, and gives the snap as written and as snapd
// installs it, with the sanitizer's defaults.
func ExampleLoad() {
	s, err := snapyaml.Load("../../testdata/ros2/listener")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("read:", s.Path)
	plug := "fastdds-shm"
	fmt.Println("as written:", s.Declared.Plugs[plug].Attrs)
	fmt.Println("as installed:", s.Installed.Plugs[plug].Attrs)
	for _, w := range s.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// read: ../../testdata/ros2/listener/snap/snapcraft.yaml
	// as written: map[shared-memory:fastdds]
	// as installed: map[private:false shared-memory:fastdds]
	// warning: extension "ros2-humble" (apps listener) is not expanded: the plugs and slots it adds are left out
}
