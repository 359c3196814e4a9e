package shmaudit_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/shmaudit"
)

// A host has one snap installed, notes-app, with a private shared-memory
// plug, whose private /dev/shm has been replaced by a symlink; a removed
// snap, old-app, left an object behind.
func Example() {
	root, err := os.MkdirTemp("", "shmaudit-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(root)
	for _, dir := range []string{"dev/shm", "snap/notes-app/x1/meta"} {
		if err := os.MkdirAll(filepath.Join(root, dir), 0755); err != nil {
			log.Fatal(err)
		}
	}
	for link, target := range map[string]string{"snap/notes-app/current": "x1", "dev/shm/snap.notes-app": "/tmp"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			log.Fatal(err)
		}
	}
	snapYAML := "name: notes-app\nversion: 1\nplugs:\n  shared-memory: {private: true}\n"
	if err := os.WriteFile(filepath.Join(root, "snap/notes-app/x1/meta/snap.yaml"), []byte(snapYAML), 0644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "dev/shm/snap.old-app.cache"), make([]byte, 4096), 0600); err != nil {
		log.Fatal(err)
	}

	r, err := shmaudit.Open(root)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	installed, err := r.InstalledSnaps()
	if err != nil {
		log.Fatal(err)
	}
	report, err := r.Audit(installed)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d installed, %d entries named like a snap's\n", len(installed), report.Entries)
	for _, f := range report.Findings {
		fmt.Println(strings.Replace(f.String(), root, "ROOT", 1))
	}
	// Output:
	// 1 installed, 2 entries named like a snap's
	// "ROOT/dev/shm/snap.notes-app": private directory is a symlink to "/tmp"; DANGER, the snap's private plug fails open: snapd 2.64's snap-update-ns cannot mount it, and the snap runs in the host's /dev/shm with every object open to it
	// "ROOT/dev/shm/snap.old-app.cache": left behind: no installed snap "old-app"; 4096 bytes allocated in 1 files
}
