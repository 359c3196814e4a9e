// Package shell quotes words for a POSIX shell.
package shell

import "strings"

// Quote returns s as one word of a POSIX shell: in single quotes, each
// single quote of s written '\”.
func Quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
