package deid

import "testing"

func TestClassesMatchesKAnonymity(t *testing.T) {
	recs := []map[string]string{
		{"community": "幸福", "category1": "噪音"},
		{"community": "幸福", "category1": "噪音"},
		{"community": "幸福", "category1": "停车"},
		{"community": "和平", "category1": "噪音"},
		{"community": "和平", "category1": "噪音"},
		{"community": "和平|", "category1": "噪音"},
	}
	qis := []string{"community", "category1"}
	c := NewClasses()
	for _, r := range recs {
		c.Add(r["community"], r["category1"])
	}
	k, n := KAnonymity(recs, qis)
	if c.K() != k || c.Len() != n || c.Records() != len(recs) {
		t.Errorf("Classes: k %d, classes %d, records %d; KAnonymity: k %d, classes %d", c.K(), c.Len(), c.Records(), k, n)
	}
	if got := c.Small(2); got != 2 {
		t.Errorf("Small(2) = %d, want 2", got)
	}
	if NewClasses().K() != 0 {
		t.Error("empty Classes: K != 0")
	}
}
