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

	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/interfaces/apparmor"
	"github.com/snapcore/snapd/interfaces/mount"
)

const consumerCount = 1000

// repository holds one provider and consumerCount consumers connected to
// it, in a snapd repository with the AppArmor and mount backends.
type repository struct {
	repo    *interfaces.Repository
	appSets []*interfaces.SnapAppSet
}

func newRepository(b *testing.B, impl implementation) *repository {
	b.Helper()
	r := &repository{repo: interfaces.NewRepository()}
	for _, err := range []error{
		r.repo.AddInterface(impl.iface),
		r.repo.AddBackend(&apparmor.Backend{}),
		r.repo.AddBackend(&mount.Backend{}),
	} {
		if err != nil {
			b.Fatalf("%s: cannot set up repository: %v", impl.name, err)
		}
	}
	r.add(b, impl, providerYaml(realisticNames))
	for i := 0; i < consumerCount; i++ {
		consumer := fmt.Sprintf("consumer-%04d", i)
		r.add(b, impl, consumerYaml(consumer))
		ref := &interfaces.ConnRef{
			PlugRef: interfaces.PlugRef{Snap: consumer, Name: "shm"},
			SlotRef: interfaces.SlotRef{Snap: "provider", Name: "shmem"},
		}
		if _, err := r.repo.Connect(ref, nil, nil, nil, nil, nil); err != nil {
			b.Fatalf("%s: cannot connect %s: %v", impl.name, consumer, err)
		}
	}
	return r
}

// add sanitizes the snap's plugs and slots with impl and adds the snap.
func (r *repository) add(b *testing.B, impl implementation, yaml string) {
	info := snapInfo(b, yaml)
	for _, plug := range info.Plugs {
		if err := interfaces.BeforePreparePlug(impl.iface, plug); err != nil {
			b.Fatalf("%s: %v", impl.name, err)
		}
	}
	for _, slot := range info.Slots {
		if err := interfaces.BeforePrepareSlot(impl.iface, slot); err != nil {
			b.Fatalf("%s: %v", impl.name, err)
		}
	}
	set := appSet(b, info)
	if err := r.repo.AddAppSet(set); err != nil {
		b.Fatalf("%s: cannot add %s: %v", impl.name, info.InstanceName(), err)
	}
	r.appSets = append(r.appSets, set)
}

// regenerate computes the AppArmor and mount specifications of every snap,
// as snapd does for all snaps when it starts.
func (r *repository) regenerate() error {
	for _, set := range r.appSets {
		for _, system := range []interfaces.SecuritySystem{interfaces.SecurityAppArmor, interfaces.SecurityMount} {
			if _, err := r.repo.SnapSpecification(system, set, interfaces.ConfinementOptions{}); err != nil {
				return err
			}
		}
	}
	return nil
}

// BenchmarkRegenerate measures regenerating the specifications of one
// provider and the 1000 consumers connected to it.
func BenchmarkRegenerate(b *testing.B) {
	for _, impl := range implementations() {
		b.Run(fmt.Sprintf("snaps=%d/impl=%s", consumerCount+1, impl.name), func(b *testing.B) {
			r := newRepository(b, impl)
			spec, err := r.repo.SnapSpecification(interfaces.SecurityAppArmor, r.appSets[0], interfaces.ConfinementOptions{})
			if err != nil {
				b.Fatalf("%s: %v", impl.name, err)
			}
			if impl.name != "noop" && len(spec.(*apparmor.Specification).SnippetForTag("snap.provider.server")) == 0 {
				b.Fatalf("%s: no AppArmor snippet for the provider", impl.name)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := r.regenerate(); err != nil {
					b.Fatalf("%s: %v", impl.name, err)
				}
			}
		})
	}
}
