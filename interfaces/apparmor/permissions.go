package apparmor

import (
	"regexp"
	"strings"
)

// permissionNames spells out AppArmor's file permissions. "ix" comes before
// "x" so that it is read as one permission.
var permissionNames = []struct{ letters, name string }{
	{"m", "map executable (mmap with PROT_EXEC)"},
	{"r", "read"},
	{"w", "write"},
	{"a", "append"},
	{"l", "link"},
	{"k", "lock"},
	{"ix", "execute in the same profile"},
	{"x", "execute"},
}

// fileRule matches an AppArmor file rule: a path, quoted or not, then its
// permissions.
var fileRule = regexp.MustCompile(`^(?:owner\s+)?"?/\S*\s+([mrwalkix]+),$`)

// PermissionsIn returns each permission set of the file rules in
// snippets, spelled out.
func PermissionsIn(snippets []string) map[string]string {
	perms := map[string]string{}
	for _, snippet := range snippets {
		for _, line := range strings.Split(snippet, "\n") {
			if m := fileRule.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
				perms[m[1]] = permissionMeaning(m[1])
			}
		}
	}
	return perms
}

// permissionMeaning spells out one permission set: "mrwlk" is "map
// executable (mmap with PROT_EXEC), read, write, link, lock".
func permissionMeaning(letters string) string {
	var names []string
	for letters != "" {
		name, size := letters[:1], 1
		for _, p := range permissionNames {
			if strings.HasPrefix(letters, p.letters) {
				name, size = p.name, len(p.letters)
				break
			}
		}
		names = append(names, name)
		letters = letters[size:]
	}
	return strings.Join(names, ", ")
}
