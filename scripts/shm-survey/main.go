// Command shm-survey lists the plugs and slots of published snaps that a
// sanitizer refuses: what a stricter check would drop on refresh.
//
//	shm-survey [-registry snapd|ours] [-baseline FILE] PATH...
//
// PATH is a snap.yaml or snapcraft.yaml, or a directory searched for them
// (a directory holding a snapcraft project or meta/snap.yaml is one snap).
// Each plug or slot that the registry's sanitizer refuses is one line:
//
//	PATH: plug|slot "NAME" (INTERFACE): ERROR
//
// and a last line says how many snaps, plugs and slots were read.
//
// "snapd" is the registry of the snapd this command is built against: build
// it against a patched snapd (go build -modfile with a replace directive)
// to survey a patch. "ours" is snapd-shm's. With -baseline, the output of
// a run against the released snapd, only the lines the baseline lacks are
// printed, as "dropped", followed by their count per check: the error with
// its quoted values left out.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/snapd-shm/snapd-shm/interfaces/preview"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/internal/keys"
	"github.com/snapd-shm/snapd-shm/snap/snapyaml"
)

func main() {
	registryName := flag.String("registry", "snapd", `the sanitizer: "snapd" (the snapd built against) or "ours"`)
	baseline := flag.String("baseline", "", "a previous run's output: print only the lines it lacks, and their count per check")
	flag.Parse()
	registries := map[string]registry.Registry{"snapd": registry.Upstream(), "ours": registry.Ours()}
	registry, ok := registries[*registryName]
	if !ok || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: shm-survey [-registry snapd|ours] [-baseline FILE] PATH...")
		os.Exit(2)
	}
	var lines []string
	var total tally
	for _, path := range flag.Args() {
		found, err := survey(path, registry, &total)
		if err != nil {
			fmt.Fprintf(os.Stderr, "shm-survey: %v\n", err)
			os.Exit(1)
		}
		lines = append(lines, found...)
	}
	summary := fmt.Sprintf("# surveyed %d snaps, %d plugs and slots", total.snaps, total.plugsSlots)
	if *baseline == "" {
		for _, line := range lines {
			fmt.Println(line)
		}
		fmt.Println(summary)
		return
	}
	known, err := readLines(*baseline)
	if err != nil {
		fmt.Fprintf(os.Stderr, "shm-survey: %v\n", err)
		os.Exit(1)
	}
	fmt.Print(dropped(lines, known))
	fmt.Println(summary)
}

// tally counts what a survey read.
type tally struct{ snaps, plugsSlots int }

// survey returns the refused plugs and slots of the snaps under path.
func survey(path string, registry registry.Registry, total *tally) ([]string, error) {
	var lines []string
	err := filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if !isSnapDir(p) {
				return nil
			}
		} else if p != path && (!strings.HasSuffix(p, ".yaml") || isSnapDir(filepath.Dir(p)) || inSnapDir(p)) {
			return nil
		}
		s, err := preview.Load(p)
		if err != nil {
			return err
		}
		info, err := system.ReadSnap(system.Snap{YAML: s.YAML}, registry)
		if err != nil {
			return fmt.Errorf("%s: %v", p, err)
		}
		total.snaps++
		total.plugsSlots += len(s.Declared.Plugs) + len(s.Declared.Slots)
		for _, name := range keys.Sorted(info.BadInterfaces) {
			kind, iface := "slot", ""
			if plug, ok := s.Declared.Plugs[name]; ok {
				kind, iface = "plug", plug.Interface
			} else if slot, ok := s.Declared.Slots[name]; ok {
				iface = slot.Interface
			}
			lines = append(lines, fmt.Sprintf("%s: %s %q (%s): %s", p, kind, name, iface, info.BadInterfaces[name]))
		}
		if d.IsDir() {
			return filepath.SkipDir
		}
		return nil
	})
	return lines, err
}

// isSnapDir reports whether a directory is one snap: it holds one of the
// files snapyaml looks for.
func isSnapDir(dir string) bool {
	for _, name := range snapyaml.DirFiles {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// inSnapDir reports whether a file lies in a snap's directory, below it.
func inSnapDir(path string) bool {
	for dir := filepath.Dir(path); dir != "." && dir != "/"; dir = filepath.Dir(dir) {
		if isSnapDir(dir) {
			return true
		}
	}
	return false
}

var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// dropped returns the lines that known lacks, then their count per check.
func dropped(lines, known []string) string {
	seen := map[string]bool{}
	for _, line := range known {
		seen[line] = true
	}
	var b strings.Builder
	counts := map[string]int{}
	for _, line := range lines {
		if seen[line] {
			continue
		}
		fmt.Fprintf(&b, "dropped: %s\n", line)
		_, refusal, _ := strings.Cut(line, "): ")
		check, _, _ := strings.Cut(quoted.ReplaceAllString(refusal, "…"), " from ")
		counts[check]++
	}
	total := 0
	for _, check := range keys.Sorted(counts) {
		fmt.Fprintf(&b, "%d dropped: %s\n", counts[check], check)
		total += counts[check]
	}
	fmt.Fprintf(&b, "%d dropped in all\n", total)
	return b.String()
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		lines = append(lines, scanner.Text())
	}
	return lines, scanner.Err()
}
