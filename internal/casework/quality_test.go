package casework

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/quality"
)

// TestQualityRuns: who runs and reads the data-quality checks; a run over
// the registry is stored with masked samples, the next one compares with
// it, and the owners' reports carry figures only.
func TestQualityRuns(t *testing.T) {
	s, _ := recordService(t)
	ctx := context.Background()
	// P3's ID number has a wrong check character.
	badID := p1ID[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", p1ID[17])+1)%11])
	res, err := s.Store.(core.RecordStore).UpsertRecords(ctx, []core.RecordUpsert{{Kind: "person", Source: "民政科", Key: "赵六|1950-05-05",
		Values: map[string]string{"name": "赵六", "id_number": badID, "birth_date": "1950-05-05", "community": "望春园社区"},
		Flags:  map[string]string{"id_number": "身份证号校验位不正确"}}}, "import:民政科", now)
	if err != nil {
		t.Fatal(err)
	}
	p3 := strconv.FormatInt(res[0].ID, 10)
	for _, tc := range []struct {
		user        string
		runs, reads bool
	}{
		{"admin", true, true}, {"staff", true, true}, {"leader", false, true},
		{"cw01", false, false}, {"hd01", false, false}, {"resident", false, false},
	} {
		t.Run(tc.user, func(t *testing.T) {
			if _, err := s.RunQuality(ctx, users[tc.user], nil); (err == nil) != tc.runs {
				t.Errorf("RunQuality: %v, want allowed %v", err, tc.runs)
			} else if err != nil && core.ErrorCode(err) != core.EFORBIDDEN {
				t.Errorf("RunQuality: %v, want forbidden", err)
			}
			if _, err := s.QualityRuns(ctx, users[tc.user], 10); (err == nil) != tc.reads {
				t.Errorf("QualityRuns: %v, want allowed %v", err, tc.reads)
			}
		})
	}
	runs, err := s.QualityRuns(ctx, users["leader"], 10)
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs = %v, %v; want the admin's and the staff's", runs, err)
	}
	v, err := s.QualityRun(ctx, users["leader"], 0)
	if err != nil {
		t.Fatal(err)
	}
	if v.ID != runs[0].ID || v.Run == nil || v.Run.Rows["person"] != 3 || v.Run.Rows["house"] != 1 {
		t.Fatalf("newest run = %+v", v)
	}
	// The tickets' areas and units are checked too.
	ticketChecks := 0
	for _, r := range v.Run.Results {
		if r.RecordKind == "ticket" {
			ticketChecks++
			if r.Status == quality.StatusSkip || r.Checked == 0 {
				t.Errorf("ticket check %s: %s, %d checked", r.Name, r.Status, r.Checked)
			}
		}
	}
	if ticketChecks == 0 {
		t.Error("no ticket check ran")
	}
	// The second run compares with the first.
	trends := 0
	for _, r := range v.Run.Results {
		if r.Trend != quality.TrendNew {
			trends++
		}
	}
	if trends == 0 {
		t.Error("the second run has no trend against the first")
	}
	// P3's ID number is invalid: a failing sample names the record, with
	// its value masked as a leader sees it.
	b, _ := json.Marshal(v.Run)
	for _, raw := range []string{"13900001111", "13812345678", "张三丰", "赵六", p1ID, p2ID, badID} {
		if strings.Contains(string(b), raw) {
			t.Errorf("stored run holds %q", raw)
		}
	}
	found := false
	for _, r := range v.Run.Results {
		for _, smp := range r.Samples {
			if smp.Field == "id_number" && smp.Record == p3 {
				found = true
				if smp.Value == "" || smp.Value == badID {
					t.Errorf("sample value %q, want masked", smp.Value)
				}
			}
		}
	}
	if !found {
		t.Error("no sample of P3's invalid ID number")
	}
	reports := QualityReports(v, "http://jiceng.local/quality")
	if len(reports) == 0 {
		t.Fatal("no owner reports")
	}
	rb, _ := json.Marshal(reports)
	for _, raw := range []string{"13900001111", "张三丰", p2ID, "王五", badID, "赵六"} {
		if strings.Contains(string(rb), raw) {
			t.Errorf("report holds %q", raw)
		}
	}
	owners := map[string]bool{}
	for _, r := range reports {
		owners[r.Owner] = true
	}
	if !owners["民政科"] || !owners["住建科"] {
		t.Errorf("owners = %v", owners)
	}
	if _, err := s.QualityRun(ctx, users["staff"], v.ID+100); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("unknown run: %v", err)
	}
}
