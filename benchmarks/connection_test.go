// -*- Mode: Go; indent-tabs-mode: t -*-

/*
 * Copyright (C) 2026 The snapd-shm Authors
 *
 * This program is free software: you can redistribute it and/or modify
 * it under the terms of the GNU General Public License version 3 as
 * published by the Free Software Foundation.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program.  If not, see <http://www.gnu.org/licenses/>.
 *
 */

package benchmarks_test

import (
	"fmt"
	"testing"
	"time"
)

// benchmarkLifecycle measures connection.lifecycle for each implementation.
func benchmarkLifecycle(b *testing.B, prefix, plugYaml, slotYaml string) {
	for _, impl := range implementations() {
		b.Run(prefix+"/impl="+impl.name, func(b *testing.B) {
			c := newConnection(b, plugYaml, slotYaml)
			c.plugSnippet(b, impl)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := c.lifecycle(impl.iface); err != nil {
					b.Fatalf("%s: cannot connect: %v", impl.name, err)
				}
			}
		})
	}
}

// BenchmarkConnection measures one connection from sanitizing to the
// AppArmor and mount specifications, for an application slot of 8 names
// and for a private plug on the system slot.
func BenchmarkConnection(b *testing.B) {
	benchmarkLifecycle(b, "case=slot-8-names", consumerYaml("consumer"), providerYaml(realisticNames))
	benchmarkLifecycle(b, "case=private-plug", privateConsumerYaml, coreYaml)
}

// BenchmarkScaling measures the same lifecycle for slots of 1 to 1000
// names.
func BenchmarkScaling(b *testing.B) {
	for _, n := range []int{1, 10, 100, 1000} {
		benchmarkLifecycle(b, fmt.Sprintf("names=%d", n), consumerYaml("consumer"), providerYaml(scaledNames(n)))
	}
}

// BenchmarkAlternating runs the lifecycle of snapd's implementation, ours
// and the no-op one in turn in every iteration, so that all three see the
// same machine load, heap and caches, and reports each one's time per
// lifecycle and ours and the no-op's over snapd's. Allocations do not
// depend on the order: testing.AllocsPerRun counts them alone.
func BenchmarkAlternating(b *testing.B) {
	for _, n := range []int{8, 100, 1000} {
		names := realisticNames
		if n != len(realisticNames) {
			names = scaledNames(n)
		}
		b.Run(fmt.Sprintf("names=%d", n), func(b *testing.B) {
			impls := implementations()
			conns := make([]*connection, len(impls))
			allocs := make([]float64, len(impls))
			for i, impl := range impls {
				conns[i] = newConnection(b, consumerYaml("consumer"), providerYaml(names))
				conns[i].plugSnippet(b, impl)
				allocs[i] = testing.AllocsPerRun(100, func() {
					if err := conns[i].lifecycle(impl.iface); err != nil {
						b.Fatalf("%s: cannot connect: %v", impl.name, err)
					}
				})
			}
			spent := make([]time.Duration, len(impls))
			b.ResetTimer()
			for round := 0; round < b.N; round++ {
				for k := range impls {
					// Rotate the order, so that none always follows another.
					i := (round + k) % len(impls)
					start := time.Now()
					if err := conns[i].lifecycle(impls[i].iface); err != nil {
						b.Fatalf("%s: cannot connect: %v", impls[i].name, err)
					}
					spent[i] += time.Since(start)
				}
			}
			for i, impl := range impls {
				b.ReportMetric(float64(spent[i].Nanoseconds())/float64(b.N), impl.name+"-ns/op")
			}
			for i, impl := range impls[1:] {
				b.ReportMetric(float64(spent[i+1])/float64(spent[0]), impl.name+"/snapd-time")
				b.ReportMetric(allocs[i+1]/allocs[0], impl.name+"/snapd-allocs")
			}
		})
	}
}
