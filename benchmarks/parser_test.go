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
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/snapcore/snapd/snap"

	"github.com/snapd-shm/snapd-shm/interfaces/apparmor"
	"github.com/snapd-shm/snapd-shm/interfaces/system"
)

func readTestdata(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("cannot read test data: %v", err)
	}
	return data
}

// compile compiles profile with apparmor_parser, loading nothing, and
// returns the binary policy and the CPU time the parser used.
func compile(parser, profile string) ([]byte, time.Duration, error) {
	cmd := exec.Command(parser, "--skip-kernel-load", "--skip-cache", "--quiet", "--stdout")
	cmd.Stdin = strings.NewReader(profile)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, 0, fmt.Errorf("apparmor_parser rejected the profile: %v: %s", err, stderr.String())
	}
	return stdout.Bytes(), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
}

// consumerProfile returns the profile that snapd's AppArmor backend writes
// for the consumer of c, with or without its connection.
func consumerProfile(tb testing.TB, plugYaml, slotYaml []byte, c *connection, connected bool) string {
	tb.Helper()
	snaps := []system.Snap{{YAML: plugYaml}, {YAML: slotYaml}}
	var conns []system.Connection
	if connected {
		conns = []system.Connection{{
			PlugSnap: c.plug.Snap.InstanceName(), Plug: c.plug.Name,
			SlotSnap: c.slot.Snap.InstanceName(), Slot: c.slot.Name,
		}}
	}
	result, err := apparmor.Generate(system.Setup{Snaps: snaps, Connections: conns}, apparmor.Options{})
	if err != nil {
		tb.Fatalf("cannot generate profiles: %v", err)
	}
	for _, profile := range result.Files {
		if profile.Name == c.plugTag {
			return profile.Text
		}
	}
	tb.Fatalf("no profile %s", c.plugTag)
	return ""
}

// mergedRules emits the consumer's rules for a sanitized slot as one rule
// per permission set, its names in one alternation: the form that
// BenchmarkParser compares with one rule per name.
func mergedRules(tb testing.TB, slot *snap.SlotInfo) string {
	tb.Helper()
	var buf strings.Builder
	for _, list := range []struct{ attr, perms string }{{"write", "mrwlk"}, {"read", "r"}} {
		var names []string
		if err := slot.Attr(list.attr, &names); err != nil && !errors.Is(err, snap.AttributeNotFoundError{}) {
			tb.Fatalf("cannot read %q: %v", list.attr, err)
		}
		for _, name := range names {
			if strings.Contains(name, ",") {
				tb.Fatalf("name %q needs its comma escaped in an alternation", name)
			}
		}
		switch len(names) {
		case 0:
		case 1:
			fmt.Fprintf(&buf, "\"/{dev,run}/shm/%s\" %s,\n", names[0], list.perms)
		default:
			fmt.Fprintf(&buf, "\"/{dev,run}/shm/{%s}\" %s,\n", strings.Join(names, ","), list.perms)
		}
	}
	return buf.String()
}

// parserCase holds a consumer's full profile in each variant measured.
type parserCase struct {
	name     string
	profiles map[string]string
}

// parserCases are built once: generating profiles compiles them too.
var parserCases []parserCase

// loadParserCases builds, for each case, the consumer's profile as snapd's
// AppArmor backend writes it without the connection (base) and with it
// (ours), and the latter with our rules replaced by snapd's and, for
// application slots, by the merged rules.
func loadParserCases(tb testing.TB, parser string) []parserCase {
	tb.Helper()
	if parserCases != nil {
		return parserCases
	}
	for _, tc := range []struct {
		name               string
		plugYaml, slotYaml []byte
	}{
		{"reference", readTestdata(tb, "../testdata/reference/consumer.yaml"), readTestdata(tb, "../testdata/reference/provider.yaml")},
		{"wildcard", readTestdata(tb, "../testdata/wildcard/consumer.yaml"), readTestdata(tb, "../testdata/wildcard/provider.yaml")},
		{"private-plug", readTestdata(tb, "../testdata/private/consumer.yaml"), readTestdata(tb, "../testdata/private/core.yaml")},
		{"slot-100-names", []byte(consumerYaml("consumer")), []byte(providerYaml(scaledNames(100)))},
		// What Fast DDS declares: ours adds the rule for glibc's temporary
		// semaphore name to snapd's rules.
		{"semaphores", []byte(consumerYaml("consumer")), []byte(slotProviderYaml([]string{"fastrtps_*", "sem.fastrtps_*"}, nil))},
	} {
		c := newConnection(tb, string(tc.plugYaml), string(tc.slotYaml))
		snippets := make(map[string]string)
		for _, impl := range implementations() {
			if impl.name != "noop" {
				snippets[impl.name] = c.plugSnippet(tb, impl)
			}
		}
		ours := consumerProfile(tb, tc.plugYaml, tc.slotYaml, c, true)
		if strings.Count(ours, snippets["ours"]) != 1 {
			tb.Fatalf("%s: the generated profile does not hold our rules once", tc.name)
		}
		profiles := map[string]string{
			"base":  consumerProfile(tb, tc.plugYaml, tc.slotYaml, c, false),
			"ours":  ours,
			"snapd": strings.Replace(ours, snippets["ours"], snippets["snapd"], 1),
		}
		if c.sanitizeSlot {
			// Ours may add the rule for semaphores after snapd's rules.
			semaphores, ok := strings.CutPrefix(snippets["ours"], snippets["snapd"])
			if !ok {
				tb.Fatalf("%s: our rules do not start with snapd's", tc.name)
			}
			profiles["merged"] = strings.Replace(ours, snippets["ours"], mergedRules(tb, c.slot)+semaphores, 1)
			policies := make(map[string][]byte)
			for _, name := range []string{"ours", "merged"} {
				policy, _, err := compile(parser, profiles[name])
				if err != nil {
					tb.Fatalf("%s: %s: %v", tc.name, name, err)
				}
				policies[name] = policy
			}
			if !bytes.Equal(policies["ours"], policies["merged"]) {
				tb.Fatalf("%s: the merged rules compile to another policy than ours", tc.name)
			}
		}
		parserCases = append(parserCases, parserCase{tc.name, profiles})
	}
	return parserCases
}

// BenchmarkParser measures apparmor_parser compiling a consumer's full
// profile, and reports the parser's CPU time, which other load on the
// machine disturbs less than wall time, and the size of the binary policy.
// The profile is compiled without the shared-memory rules (impl=base),
// with snapd's rules, with ours, and with ours merged into one alternation
// per permission set (impl=merged), which compiles to the same policy. For
// case=semaphores, ours against snapd's is the cost of the rule for
// glibc's temporary semaphore name.
func BenchmarkParser(b *testing.B) {
	parser, err := apparmor.ParserPath()
	if err != nil {
		b.Fatalf("cannot measure the AppArmor policy: %v", err)
	}
	for _, tc := range loadParserCases(b, parser) {
		for _, name := range []string{"base", "snapd", "ours", "merged"} {
			profile, ok := tc.profiles[name]
			if !ok {
				continue
			}
			b.Run(fmt.Sprintf("case=%s/impl=%s", tc.name, name), func(b *testing.B) {
				var policy []byte
				var cpu time.Duration
				for i := 0; i < b.N; i++ {
					compiled, used, err := compile(parser, profile)
					if err != nil {
						b.Fatalf("%s: %v", name, err)
					}
					policy, cpu = compiled, cpu+used
				}
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "parser-cpu-ns/op")
				b.ReportMetric(float64(len(policy)), "policy-B")
			})
		}
	}
}
