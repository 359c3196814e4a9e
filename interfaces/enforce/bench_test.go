package enforce_test

import (
	"io"
	"testing"
	"time"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/enforce"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
	"github.com/snapd-shm/snapd-shm/sandbox/uml"
)

// referencePair is the reference example of docs/reference.md: a consumer plugging a
// provider's slot.
var referencePair = system.Setup{
	Snaps: []system.Snap{
		{YAML: []byte("name: consumer\nversion: 1\napps:\n  client:\n    command: bin/client\nplugs:\n  my-ipc:\n    interface: shared-memory\n")},
		{YAML: []byte("name: provider\nversion: 1\napps:\n  server:\n    command: bin/server\nslots:\n  my-ipc:\n    interface: shared-memory\n    write: [students]\n    read: [teachers]\n")},
	},
	Connections: []system.Connection{{PlugSnap: "consumer", Plug: "my-ipc", SlotSnap: "provider", Slot: "my-ipc"}},
}

// BenchmarkEnforcePhases measures where connect --enforce spends its time
// on one pair, phase by phase: gcc building the probe, uncached and
// cached; apparmor_parser compiling the pair's profiles on the host; the
// kernel's boot, with an empty profile loaded and one step run; and the
// whole access table. Each reports its time
// as a ratio to the 5 s that one pair should take ("of-5s").
func BenchmarkEnforcePhases(b *testing.B) {
	report := func(b *testing.B, start time.Time) {
		b.ReportMetric(time.Since(start).Seconds()/float64(b.N)/5, "of-5s")
	}
	b.Run("gcc-probe", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			b.Setenv("XDG_CACHE_HOME", b.TempDir())
			if _, err := enforce.BuildProbe(b.TempDir()); err != nil {
				b.Fatal(err)
			}
		}
		report(b, start)
	})
	b.Run("gcc-probe-cached", func(b *testing.B) {
		if _, err := enforce.BuildProbe(b.TempDir()); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if _, err := enforce.BuildProbe(b.TempDir()); err != nil {
				b.Fatal(err)
			}
		}
		report(b, start)
	})
	b.Run("parser", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if _, err := apparmor.Generate(referencePair, apparmor.Options{Compile: true}); err != nil {
				b.Fatal(err)
			}
		}
		report(b, start)
	})
	// The boot, with one profile of no rules to load and one step.
	empty := uml.Profile{Name: "empty", Text: "profile empty {\n}\n"}
	b.Run("kernel-boot", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if _, err := uml.Run([]uml.Batch{{Profiles: []uml.Profile{empty}, Steps: []uml.Step{{Argv: []string{"/bin/true"}}}}}); err != nil {
				b.Fatal(err)
			}
		}
		report(b, start)
	})
	b.Run("access-table", func(b *testing.B) {
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if _, err := enforce.AccessTable(referencePair, referencePair.Connections[0], io.Discard); err != nil {
				b.Fatal(err)
			}
		}
		report(b, start)
	})
}
