package review

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Names that snapd accepts but that grant other than what a reader sees.
const (
	// NoObject: the name ".", which is /dev/shm itself and grants no
	// object.
	NoObject Check = "no-object"
	// InvisibleCharacter: a name holding a character that draws as
	// nothing or as a space, so that it reads as another name.
	InvisibleCharacter Check = "invisible-character"
)

// misreadName returns the check and message for a name that reads other
// than what it grants, or "" when it reads as it is.
func misreadName(name string) (Check, string) {
	if name == "." {
		return NoObject, "names /dev/shm itself: it grants no object"
	}
	for _, r := range name {
		if invisible(r) {
			return InvisibleCharacter, fmt.Sprintf("contains the invisible character %U: it reads as another name", r)
		}
	}
	return "", ""
}

// invisible reports whether a character beyond ASCII is a space, a line or
// paragraph separator, or one that Unicode says to draw as nothing (format
// characters such as bidi overrides and zero-width joiners, variation
// selectors, fillers).
func invisible(r rune) bool {
	return r >= utf8.RuneSelf && unicode.In(r, unicode.Zs, unicode.Zl, unicode.Zp, unicode.Cf,
		unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}
