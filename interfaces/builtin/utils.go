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

package builtin

// The helpers in this file carry the names and signatures that snapd's
// builtin package gives them, so interface files move between the trees
// unchanged.

import (
	"github.com/snapcore/snapd/interfaces"
	"github.com/snapcore/snapd/snap"
)

// IsSystemSnap reports whether the snap carries snapd's implicit slots: an
// os or snapd snap does.
func IsSystemSnap(info *snap.Info) bool {
	return info.Type() == snap.TypeOS || info.Type() == snap.TypeSnapd
}

// implicitSystemConnectedSlot reports whether the slot is the system's own,
// on the core or snapd snap.
func implicitSystemConnectedSlot(slot *interfaces.ConnectedSlot) bool {
	return IsSystemSnap(slot.Snap())
}
