package suggest

import "testing"

func TestPartition(t *testing.T) {
	p := partition{}
	if p.find("a") != "a" {
		t.Errorf("a snap never joined is not its own group")
	}
	if !p.join("a", "b") || !p.join("c", "b") || p.join("a", "c") {
		t.Errorf("join: a-b and c-b merge apart groups, a-c is then one group: %v", p)
	}
	if p.find("a") != p.find("c") || p.find("d") == p.find("a") {
		t.Errorf("groups %v: a and c together, d apart", p)
	}
}
