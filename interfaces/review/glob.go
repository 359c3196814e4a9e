package review

// globsOverlap reports whether some name matches both patterns, where "*"
// matches any run of characters without "/". It walks both patterns at
// once: a "*" may end, or swallow the next literal of the other pattern.
func globsOverlap(a, b string) bool {
	type state struct{ i, j int }
	seen := map[state]bool{}
	var walk func(i, j int) bool
	walk = func(i, j int) bool {
		if seen[state{i, j}] {
			return false
		}
		seen[state{i, j}] = true
		if i == len(a) && j == len(b) {
			return true
		}
		aStar := i < len(a) && a[i] == '*'
		bStar := j < len(b) && b[j] == '*'
		switch {
		case aStar && walk(i+1, j):
			return true
		case bStar && walk(i, j+1):
			return true
		case aStar && j < len(b) && !bStar && b[j] != '/' && walk(i, j+1):
			return true
		case bStar && i < len(a) && !aStar && a[i] != '/' && walk(i+1, j):
			return true
		}
		return i < len(a) && j < len(b) && !aStar && !bStar && a[i] == b[j] && walk(i+1, j+1)
	}
	return walk(0, 0)
}
