// Command audit-hook-attrs audits every interface of snapd-shm's registry
// against attributes set at connection time, and writes the results as
// JSON and as a table.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/snapd-shm/snapd-shm/interfaces/hookattrs"
	"github.com/snapd-shm/snapd-shm/interfaces/registry"
)

func main() {
	source := flag.String("snapd-source", "", "snapd's interfaces/builtin directory, whose sources name the candidate attributes")
	snapd := flag.String("snapd", "", "the snapd audited, as the results name it")
	out := flag.String("out", "", "the directory to write results.json and table.md in; none when empty")
	only := flag.String("only", "", "comma-separated interfaces to audit; all when empty")
	noHoles := flag.Bool("no-holes", false, "fail when the audit finds a hole")
	flag.Parse()
	if err := run(*source, *snapd, *out, *only, *noHoles); err != nil {
		fmt.Fprintf(os.Stderr, "audit-hook-attrs: %v\n", err)
		os.Exit(1)
	}
}

func run(source, snapd, out, only string, noHoles bool) error {
	start := time.Now()
	keys, err := hookattrs.Keys(source)
	if err != nil {
		return err
	}
	parsed := time.Since(start)
	opts := hookattrs.Options{Registry: registry.Ours(), Snapd: snapd, Keys: keys}
	if only != "" {
		opts.Only = strings.Split(only, ",")
	}
	results, timings, err := hookattrs.Audit(opts)
	if err != nil {
		return err
	}
	holes := results.Holes()
	fmt.Printf("%d interfaces, %d candidate attributes: %d holes\n", len(results.Interfaces), len(keys), len(holes))
	for _, hole := range holes {
		fmt.Printf("  hole: %s\n", hole)
	}
	fmt.Printf("time: %v in all; snapd's sources parsed %v; %v\n", time.Since(start).Round(time.Millisecond), parsed.Round(time.Millisecond), timings)
	if out != "" {
		if err := write(results, out); err != nil {
			return err
		}
	}
	if noHoles && len(holes) > 0 {
		return fmt.Errorf("%d holes in %s", len(holes), snapd)
	}
	return nil
}

// write writes results.json and table.md in dir.
func write(results *hookattrs.Results, dir string) error {
	if err := os.MkdirAll(dir, 0755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(data, '\n'), 0644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "table.md"), []byte(hookattrs.Table(results)), 0644)
}
