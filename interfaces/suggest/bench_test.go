package suggest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/snapd-shm/snapd-shm/interfaces/suggest"
)

// The bounds of one run of suggest on any log it accepts.
const (
	maxTime   = 30 * time.Second
	maxMemory = 512 << 20
)

// word is the n-th name of no shared family: letters only, base 26.
func word(n int) string {
	w := []byte{'q'}
	for ; n > 0; n /= 26 {
		w = append(w, byte('a'+n%26))
	}
	return string(w)
}

// craftedLogs are logs of MaxLogSize bytes made to cost suggest the most:
// every snap and app it keeps and the most names a slot declares; the
// shortest records; one line; most fields; lines that are not records.
func craftedLogs() map[string]string {
	fill := func(line func(i int) string) string {
		var b strings.Builder
		for i := 0; b.Len() < suggest.MaxLogSize; i++ {
			l := line(i)
			if b.Len()+len(l)+1 > suggest.MaxLogSize {
				break
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
		return b.String()
	}
	appsPerSnap := suggest.MaxApps / suggest.MaxSnaps
	// The most names one slot declares.
	const names = 1024
	return map[string]string{
		// Snap k creates its names and opens those of snap k-1: one
		// connected group of every snap and app, and the names of one
		// slot.
		"bounds": fill(func(i int) string {
			name, round := i%names, i/names
			snap := name * suggest.MaxSnaps / names
			profile := fmt.Sprintf("snap.s%d.a%d", snap, round%appsPerSnap)
			if round%2 == 1 {
				profile = fmt.Sprintf("snap.s%d.a%d", (snap+1)%suggest.MaxSnaps, round%appsPerSnap)
				return denied(profile, "open", "/dev/shm/"+word(name), []string{"r", "w", "rw", "wk"}[round/2%4])
			}
			return denied(profile, "mknod", "/dev/shm/"+word(name), "c")
		}),
		"short":  fill(func(i int) string { return `apparmor="DENIED"` }),
		"line":   `apparmor="DENIED" profile="snap.a.b" name="/dev/shm/` + strings.Repeat("x", suggest.MaxLogSize-100) + `"`,
		"noise":  fill(func(i int) string { return "[   12.345678] usb 1-1: new high-speed USB device number 3" }),
		"fields": `apparmor="DENIED" ` + strings.Repeat(`a="b" `, (suggest.MaxLogSize-100)/6),
	}
}

// BenchmarkBounds reads each crafted log from a file and suggests for it,
// as the command does, and reports the time and the peak memory of the
// process as ratios to maxTime and maxMemory: both must stay below 1.
func BenchmarkBounds(b *testing.B) {
	dir := b.TempDir()
	for name, log := range craftedLogs() {
		path := filepath.Join(dir, name+".log")
		if err := os.WriteFile(path, []byte(log), 0644); err != nil {
			b.Fatal(err)
		}
	}
	for _, name := range []string{"bounds", "short", "line", "noise", "fields"} {
		path := filepath.Join(dir, name+".log")
		b.Run(name, func(b *testing.B) {
			var peak uint64
			start := time.Now()
			for i := 0; i < b.N; i++ {
				peak = max(peak, peakMemory(func() {
					log, err := suggest.ReadLogs([]string{path})
					if err != nil {
						b.Fatal(err)
					}
					if _, err := suggest.Suggest(log, suggest.Options{}); err != nil && name == "bounds" {
						b.Fatal(err)
					}
				}))
			}
			perOp := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(float64(perOp)/float64(maxTime), "time/30s")
			b.ReportMetric(float64(peak)/maxMemory, "peak/512MB")
		})
	}
}

// peakMemory runs f and returns the most memory the Go runtime held from
// the system meanwhile, sampled every millisecond: what it mapped, less
// what it gave back.
func peakMemory(f func()) uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	held := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() - samples[1].Value.Uint64()
	}
	done, result := make(chan bool), make(chan uint64)
	go func() {
		peak := held()
		for {
			select {
			case <-done:
				result <- max(peak, held())
				return
			case <-time.After(time.Millisecond):
				peak = max(peak, held())
			}
		}
	}()
	f()
	done <- true
	return <-result
}
