package shell_test

import (
	"os/exec"
	"testing"

	"github.com/snapd-shm/snapd-shm/internal/shell"
)

// The shell reads each quoted word back as it was.
func TestQuote(t *testing.T) {
	for _, s := range []string{"", "a b", "it's", "'", `\`, "$HOME", "a\nb", "`x`", "*"} {
		out, err := exec.Command("/bin/sh", "-c", "printf %s "+shell.Quote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh read %q back as %q (%v)", s, out, err)
		}
	}
}
