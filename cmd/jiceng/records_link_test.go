package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordsLink: "records link" links the imported people and prints the
// figures; an organisation has no linkage model.
func TestRecordsLink(t *testing.T) {
	db := filepath.Join(t.TempDir(), "l.db")
	runExpect(t, []string{"records", "import", "-db", db, "-kind", "person", "-source", "民政科", "testdata/records_persons.csv"}, 0, "")
	runExpect(t, []string{"records", "link", "-db", db, "-kind", "person"}, 0, "")
	out, _ := runExpect(t, []string{"records", "link", "-db", db, "-kind", "person"}, 0, "")
	for _, want := range []string{"类别 person：记录 4", "待核对", "用时"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	runExpect(t, []string{"records", "link", "-db", db, "-kind", "organisation"}, 1, "一人一档链接的类别")
}
