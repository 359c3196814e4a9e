package suggest

// partition sorts snaps into groups, which joins merge: a union-find over
// instance names. A snap never joined is a group of its own.
type partition map[string]string

// find returns the snap that stands for the group of s.
func (p partition) find(s string) string {
	if p[s] == "" || p[s] == s {
		return s
	}
	p[s] = p.find(p[s])
	return p[s]
}

// join merges the groups of a and b, and reports whether they were apart.
func (p partition) join(a, b string) bool {
	ra, rb := p.find(a), p.find(b)
	if ra == rb {
		return false
	}
	p[rb] = ra
	return true
}
