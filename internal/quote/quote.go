// Package quote writes values as words of a POSIX shell, and as JSON text
// for messages.
package quote

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Shell returns s as one word of a POSIX shell: in single quotes, each
// single quote of s written '\”.
func Shell(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// JSON returns v as JSON text, or as Go prints it when it has no JSON form.
func JSON(v interface{}) string {
	out, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(out)
}
