package preview_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/preview"
)

// Two snapcraft projects, as a ROS 2 developer has them: the talker offers
// Fast DDS's shared memory in a slot, the listener plugs it. Connect shows
// what snapd decides for a local install and the rules each side gets.
func ExampleConnect() {
	listener, err := preview.Load("../../testdata/ros2/listener")
	if err != nil {
		log.Fatal(err)
	}
	talker, err := preview.Load("../../testdata/ros2/talker")
	if err != nil {
		log.Fatal(err)
	}
	report, err := preview.Connect(listener, "", talker, "", preview.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("read:", listener.Path)
	fmt.Println("auto-connect:", report.Policy.AutoConnect.Allowed)
	fmt.Println("connected:", report.Policy.Connected, "by snap connect", report.SnapConnect())
	for _, s := range report.PlugRules.AppArmor {
		for _, line := range strings.Split(s.Snippet, "\n") {
			if strings.HasPrefix(line, `"/`) || strings.HasPrefix(line, "owner") {
				fmt.Printf("%s: %s\n", s.Tag, line)
			}
		}
	}
	// Output:
	// read: ../../testdata/ros2/listener/snap/snapcraft.yaml
	// auto-connect: false
	// connected: manual by snap connect ros2-listener:fastdds-shm ros2-talker:ros2-fastdds
	// snap.ros2-listener.listener: "/{dev,run}/shm/fastrtps_*" mrwlk,
	// snap.ros2-listener.listener: "/{dev,run}/shm/sem.fastrtps_*" mrwlk,
	// snap.ros2-listener.listener: owner "/{dev,run}/shm/sem.[a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9][a-zA-Z0-9]" mrwk,
}
