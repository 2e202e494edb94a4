package areas

import (
	"encoding/csv"
	"strings"
	"testing"
)

// records reads a CSV text as the registry command's file reader does (rows
// of any length).
func records(in string) ([][]string, error) {
	cr := csv.NewReader(strings.NewReader(in))
	cr.FieldsPerRecord = -1
	return cr.ReadAll()
}

// mustRecords is records for a well-formed test input.
func mustRecords(t *testing.T, in string) [][]string {
	t.Helper()
	rows, err := records(in)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestAreasFromRows(t *testing.T) {
	tests := []struct {
		name                  string
		in                    string
		streets, comms, grids int
		wantErr               string
	}{
		{"names only", "街道,社区,网格\n清河湾街道,南苑社区,南苑一网格\n清河湾街道,南苑社区,南苑二网格\n清河湾街道,北苑社区,\n", 1, 2, 2, ""},
		{"with codes and BOM", "\ufeff街道编码,街道,社区编码,社区,网格编码,网格\nS1,甲街道,C1,甲社区,G1,一网格\n", 1, 1, 1, ""},
		{"english headers", "street,community,grid\nS,C,G\n", 1, 1, 1, ""},
		{"missing community column", "街道,网格\nS,G\n", 0, 0, 0, "缺少列 社区"},
		{"empty community", "街道,社区\nS,\n", 0, 0, 0, "不能为空"},
		{"community in two streets", "街道,社区\nS1,C\nS2,C\n", 0, 0, 0, "属于两个街道"},
		{"duplicate grid", "街道,社区,网格\nS,C,G\nS,C,G\n", 0, 0, 0, "重复"},
		{"no rows", "街道,社区\n", 0, 0, 0, "没有数据行"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := FromRows(mustRecords(t, tt.in))
			if endsWithError(t, err, tt.wantErr) {
				return
			}
			if len(a.Streets) != tt.streets || len(a.Communities) != tt.comms || len(a.Grids) != tt.grids {
				t.Fatalf("got %d/%d/%d streets/communities/grids, want %d/%d/%d",
					len(a.Streets), len(a.Communities), len(a.Grids), tt.streets, tt.comms, tt.grids)
			}
		})
	}
}

func TestUnitsFromRows(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr string
	}{
		{"minimal", "名称\n城市管理办公室\n自来水公司\n", 2, ""},
		{"full", "编码,名称,类型,所属社区,电话\nU01,南苑社区居委会,社区,南苑社区,010-62345678\nU02,供电公司,外部单位,,95598\n", 2, ""},
		{"bad kind", "名称,类型\nX,科室\n", 0, "类型应为"},
		{"duplicate code", "编码,名称\nU1,A\nU1,B\n", 0, "重复"},
		{"empty name", "编码,名称\nU1,\n", 0, "不能为空"},
		{"no name column", "编码\nU1\n", 0, "缺少列 名称"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, err := UnitsFromRows(mustRecords(t, tt.in))
			if endsWithError(t, err, tt.wantErr) {
				return
			}
			if len(units) != tt.want {
				t.Fatalf("got %d units, want %d", len(units), tt.want)
			}
		})
	}
}

func FuzzAreasFromRows(f *testing.F) {
	f.Add("街道,社区,网格\n清河湾街道,南苑社区,南苑一网格\n")
	f.Add("street,community\n\"x\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := records(in)
		if err != nil {
			return
		}
		a, err := FromRows(rows)
		if err != nil {
			return
		}
		comms := map[string]bool{}
		for _, c := range a.Communities {
			comms[c.Code] = true
		}
		for _, g := range a.Grids {
			if !comms[g.Community] {
				t.Fatalf("grid %q refers to unknown community %q", g.Code, g.Community)
			}
		}
	})
}

func FuzzUnitsFromRows(f *testing.F) {
	f.Add("编码,名称,类型\nU1,A,社区\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := records(in)
		if err != nil {
			return
		}
		units, err := UnitsFromRows(rows)
		if err != nil {
			return
		}
		for _, u := range units {
			if u.Name == "" || u.Code == "" {
				t.Fatalf("accepted a unit without name or code: %+v", u)
			}
		}
	})
}

// endsWithError checks err against want, a part of the expected message
// ("" for none), and reports whether the case ends with an error.
func endsWithError(t *testing.T, err error, want string) bool {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatal(err)
		}
		return false
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err: got %v, want containing %q", err, want)
	}
	return true
}
