package main

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

// TestEligibilityFromDatabase: the lists of the person records loaded
// from the persons file are the lists of the file itself; the visits
// recorded in the database count like a visits file.
func TestEligibilityFromDatabase(t *testing.T) {
	const dir = "testdata/eligibility/"
	db := filepath.Join(t.TempDir(), "street.db")
	runExpect(t, []string{"records", "import", "-db", db, "-kind", "person", "-source", "民政科", dir + "persons.csv"}, 0, "")
	common := []string{"-asof", "2026-12-01", "-workers", dir + "grid_workers.csv"}
	for _, list := range []string{listService, listPolicy, listVisits, listNear, listSummary} {
		t.Run(list, func(t *testing.T) {
			fromFile, _ := runExpect(t, slices.Concat([]string{"eligibility", "-in", dir + "persons.csv", "-list", list}, common), 0, "")
			fromDB, _ := runExpect(t, slices.Concat([]string{"eligibility", "-db", db, "-list", list}, common), 0, "人员 15 人")
			if fromDB != fromFile {
				t.Errorf("-db differs from -in:\n%s\nwant\n%s", fromDB, fromFile)
			}
		})
	}
	// A visit stored for the first person record under its first rule: the
	// due visits show it as the last service.
	ctx := context.Background()
	st, err := openStore(ctx, db, func() time.Time { return time.Date(2026, 12, 1, 9, 0, 0, 0, core.StreetTime) })
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := st.Records(ctx, core.RecordFilter{Kind: "person"})
	if err != nil || len(recs) == 0 {
		t.Fatal(err)
	}
	var target core.Record
	for _, r := range recs {
		if r.Values["name"] == "孙桂英" {
			target = r
		}
	}
	if target.ID == 0 {
		t.Fatal("孙桂英 not loaded")
	}
	if _, err := st.AddVisit(ctx, core.Visit{PersonID: target.ID, Rule: "R04", Date: time.Date(2026, 11, 28, 0, 0, 0, 0, core.StreetTime), By: "test", Note: "上门"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	out, _ := runExpect(t, slices.Concat([]string{"eligibility", "-db", db, "-list", listVisits}, common), 0, "")
	if !strings.Contains(out, ",孙桂英,") || !strings.Contains(out, ",2026-11-28") {
		t.Errorf("the stored visit is not the last service:\n%s", out)
	}
}
