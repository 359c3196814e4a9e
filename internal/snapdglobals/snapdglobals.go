// Package snapdglobals lends snapd's process-wide globals to one caller at
// a time: its root directory (dirs), the release it reads, the sanitizer
// hook of snap, the probes and parser search path of sandbox/apparmor,
// osutil's host checks, and the builtin base declaration of asserts. A
// borrower changes what it needs and restores it before it returns.
package snapdglobals

import "sync"

var mu sync.Mutex

// Borrow calls fn while no other Borrow runs. fn must restore every global
// it changes before it returns, and must not call Borrow.
func Borrow(fn func()) {
	mu.Lock()
	defer mu.Unlock()
	fn()
}
