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
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/snapcore/snapd/interfaces"
	snapdapparmor "github.com/snapcore/snapd/interfaces/apparmor"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

const providerConsumers = 100

// providerSnippet connects n consumers to one provider of the realistic
// slot with impl and returns the provider's AppArmor snippet.
func providerSnippet(tb testing.TB, impl implementation, n int) string {
	tb.Helper()
	provider := snapInfo(tb, providerYaml(realisticNames))
	slotInfo := provider.Slots["shmem"]
	if err := interfaces.BeforePrepareSlot(impl.iface, slotInfo); err != nil {
		tb.Fatalf("%s: %v", impl.name, err)
	}
	providerSet := appSet(tb, provider)
	slot := interfaces.NewConnectedSlot(slotInfo, providerSet, nil, nil)
	spec := snapdapparmor.NewSpecification(providerSet)
	for i := 0; i < n; i++ {
		consumer := snapInfo(tb, consumerYaml(fmt.Sprintf("consumer%d", i)))
		plugInfo := consumer.Plugs["shm"]
		if err := interfaces.BeforePreparePlug(impl.iface, plugInfo); err != nil {
			tb.Fatalf("%s: %v", impl.name, err)
		}
		plug := interfaces.NewConnectedPlug(plugInfo, appSet(tb, consumer), nil, nil)
		if err := spec.AddConnectedSlot(impl.iface, plug, slot); err != nil {
			tb.Fatalf("%s: %v", impl.name, err)
		}
	}
	return spec.SnippetForTag("snap.provider.server")
}

// BenchmarkParserProvider measures apparmor_parser compiling the full
// profile of a provider connected to 100 consumers. snapd's shared-memory
// repeats the slot's rules once per connection; ours writes them once. Both
// compile to the same policy, which the setup checks.
func BenchmarkParserProvider(b *testing.B) {
	parser, err := apparmor.ParserPath()
	if err != nil {
		b.Fatalf("cannot measure the AppArmor policy: %v", err)
	}
	impls := implementations()[:2]
	single := providerSnippet(b, impls[1], 1)
	result, err := apparmor.Generate(system.Setup{
		Snaps:       []system.Snap{{YAML: []byte(providerYaml(realisticNames))}, {YAML: []byte(consumerYaml("consumer"))}},
		Connections: []system.Connection{{PlugSnap: "consumer", Plug: "shm", SlotSnap: "provider", Slot: "shmem"}},
	}, apparmor.Options{})
	if err != nil {
		b.Fatalf("cannot generate profiles: %v", err)
	}
	var connected string
	for _, profile := range result.Files {
		if profile.Name == "snap.provider.server" {
			connected = profile.Text
		}
	}
	if strings.Count(connected, single) != 1 {
		b.Fatalf("the provider's profile does not hold its rules once")
	}
	var policies [][]byte
	for _, impl := range impls {
		profile := strings.Replace(connected, single, providerSnippet(b, impl, providerConsumers), 1)
		policy, _, err := compile(parser, profile)
		if err != nil {
			b.Fatalf("%s: %v", impl.name, err)
		}
		policies = append(policies, policy)
		b.Run(fmt.Sprintf("consumers=%d/impl=%s", providerConsumers, impl.name), func(b *testing.B) {
			var cpu time.Duration
			for i := 0; i < b.N; i++ {
				_, used, err := compile(parser, profile)
				if err != nil {
					b.Fatalf("%s: %v", impl.name, err)
				}
				cpu += used
			}
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "parser-cpu-ns/op")
			b.ReportMetric(float64(len(profile)), "profile-B")
			b.ReportMetric(float64(len(policy)), "policy-B")
		})
	}
	if !bytes.Equal(policies[0], policies[1]) {
		b.Fatalf("snapd's rules and ours compile to different policies")
	}
}
