package quote_test

import (
	"math"
	"os/exec"
	"testing"

	"github.com/snapd-shm/snapd-shm/internal/quote"
)

// The shell reads each quoted word back as it was.
func TestShell(t *testing.T) {
	for _, s := range []string{"", "a b", "it's", "'", `\`, "$HOME", "a\nb", "`x`", "*"} {
		out, err := exec.Command("/bin/sh", "-c", "printf %s "+quote.Shell(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("sh read %q back as %q (%v)", s, out, err)
		}
	}
}

func TestJSON(t *testing.T) {
	for _, c := range []struct {
		v    interface{}
		want string
	}{
		{"a\"b", `"a\"b"`},
		{map[string]interface{}{"write": []string{"x"}}, `{"write":["x"]}`},
		{math.NaN(), "NaN"},
	} {
		if got := quote.JSON(c.v); got != c.want {
			t.Errorf("JSON(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}
