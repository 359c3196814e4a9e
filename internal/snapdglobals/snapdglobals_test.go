package snapdglobals_test

import (
	"sync"
	"testing"

	"github.com/snapd-shm/snapd-shm/internal/snapdglobals"
)

// Borrowers take turns: none sees another's change.
func TestBorrowTakesTurns(t *testing.T) {
	var global, overlaps int
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			snapdglobals.Borrow(func() {
				global++
				if global != 1 {
					overlaps++
				}
				global--
			})
		}()
	}
	wg.Wait()
	if overlaps != 0 {
		t.Errorf("%d borrowers saw another's change", overlaps)
	}
}
