// Package aare reads the expression trees that apparmor_parser prints for a
// profile's file rules (-D expr-tree) as Go regular expressions over bytes:
// each byte of a path is the rune of the same value (Latin1).
package aare

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
)

// permissions are the annotations "< 0x…>" that close each accepting
// alternative of a tree.
var permissions = regexp.MustCompile(`< 0x[0-9a-f]+>`)

// Matcher returns a regexp that matches, whole, the paths the tree matches,
// given through Latin1.
func Matcher(tree string) (*regexp.Regexp, error) {
	return regexp.Compile("^(?:" + goRegexp(permissions.ReplaceAllString(tree, "")) + ")$")
}

// Alternatives returns the top-level alternatives of a tree, without their
// permissions; a link rule's alternative, "path\x0target", is cut to its
// path.
func Alternatives(tree string) []string {
	var paths []string
	for _, alternative := range split(permissions.ReplaceAllString(tree, "")) {
		paths = append(paths, cutAtNul(alternative))
	}
	return paths
}

// Parse translates one alternative into Go's regexp syntax.
func Parse(expr string) (*syntax.Regexp, error) {
	return syntax.Parse(goRegexp(expr), syntax.Perl)
}

// Latin1 maps each byte of s to the rune of the same value, so that Go's
// regexps, which work on runes, see the bytes AppArmor sees.
func Latin1(s string) string {
	runes := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		runes[i] = rune(s[i])
	}
	return string(runes)
}

// AdmitsSlash reports whether any part of re can match "/".
func AdmitsSlash(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpLiteral:
		return strings.ContainsRune(string(re.Rune), '/')
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i] <= '/' && '/' <= re.Rune[i+1] {
				return true
			}
		}
		return false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	}
	for _, sub := range re.Sub {
		if AdmitsSlash(sub) {
			return true
		}
	}
	return false
}

// split splits an expression at its top-level "|", unwrapping groups that
// enclose a whole alternative.
func split(expr string) []string {
	var parts []string
	depth, start := 0, 0
	wrapped := strings.HasPrefix(expr, "(")
	for i := 0; i < len(expr); i++ {
		switch expr[i] {
		case '\\':
			i++
		case '[':
			i = classEnd(expr, i)
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 && i < len(expr)-1 {
				wrapped = false
			}
		case '|':
			if depth == 0 {
				parts = append(parts, expr[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, expr[start:])
	if len(parts) == 1 {
		if wrapped {
			return split(expr[1 : len(expr)-1])
		}
		return parts
	}
	var leaves []string
	for _, part := range parts {
		leaves = append(leaves, split(part)...)
	}
	return leaves
}

// cutAtNul returns the part of a link alternative before its "\x0".
func cutAtNul(expr string) string {
	for i := 0; i < len(expr); i++ {
		switch {
		case expr[i] == '[':
			i = classEnd(expr, i)
		case strings.HasPrefix(expr[i:], `\x0`) && (i+3 == len(expr) || !isHex(expr[i+3])):
			return expr[:i]
		case expr[i] == '\\':
			i++
		}
	}
	return expr
}

// classEnd returns the index of the "]" that closes the class opened at i.
func classEnd(expr string, i int) int {
	if j := strings.IndexByte(expr[i:], ']'); j > 0 {
		return i + j
	}
	return len(expr)
}

func isHex(b byte) bool {
	return strings.IndexByte("0123456789abcdefABCDEF", b) >= 0
}

// goRegexp translates the parser's notation into Go's, byte for rune: "\xNN"
// is the byte NN, other escapes are literals, a bare "$" is a literal and
// "[]" is the empty string.
func goRegexp(expr string) string {
	var b strings.Builder
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == '\\' && i+1 < len(expr) && expr[i+1] == 'x':
			j := i + 2
			for j < len(expr) && j < i+4 && isHex(expr[j]) {
				j++
			}
			fmt.Fprintf(&b, `\x{%s}`, expr[i+2:j])
			i = j - 1
		case c == '\\' && i+1 < len(expr):
			b.WriteString(regexp.QuoteMeta(Latin1(expr[i+1 : i+2])))
			i++
		case c == '$':
			b.WriteString(`\$`)
		case strings.HasPrefix(expr[i:], "[]"):
			b.WriteString("(?:)")
			i++
		default:
			b.WriteString(Latin1(expr[i : i+1]))
		}
	}
	return b.String()
}
