package rules

import "testing"

// A clone propagates on its own: the original keeps its rules and
// relations, and the clone has what it had.
func TestCloneIsIndependent(t *testing.T) {
	s, err := Parse("t", []byte("tables:\n  users: {email: email}\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	c.Propagate([]Relation{{Table: "orders", Columns: []string{"email"}, RefTable: "users", RefColumns: []string{"email"}}})
	if r := c.Rule("orders", "email"); r == nil || r.Kind.Name != "email" {
		t.Fatalf("clone: orders.email = %v, want the propagated email rule", r)
	}
	if r := s.Rule("orders", "email"); r != nil || len(s.Relations) != 0 {
		t.Fatalf("original changed: orders.email = %v, %d relations", r, len(s.Relations))
	}
	s.Add(Rule{Table: "users", Column: "name", Kind: Kind{Name: "string"}})
	if c.Rule("users", "name") != nil {
		t.Fatal("a rule added to the original shows in the clone")
	}
	if r := c.Rule("users", "email"); r == nil || r.Kind.Name != "email" {
		t.Fatalf("clone lost users.email: %v", r)
	}
}
