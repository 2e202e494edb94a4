package casework

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

func TestHotIssues(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	var ts []core.Ticket
	for k := 0; k < 6; k++ {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("EL-%d", k), ReceivedAt: day0.Add(-time.Duration(k) * 5 * time.Hour),
			Community: "望春园社区", Category1: "城乡建设", Category2: "物业管理", CallerPhone: fmt.Sprintf("1381234%04d", k),
			Title: "望春园3号楼电梯故障", Content: fmt.Sprintf("望春园小区3号楼电梯又坏了第%d天，老人上下楼困难，物业不修。", k+1)})
	}
	for k := 0; k < 3; k++ {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("NO-%d", k), ReceivedAt: day0.Add(-time.Duration(k) * 7 * time.Hour),
			Community: "柳荫里社区", Category1: "环境保护", Category2: "噪声污染", CallerPhone: "13900000000",
			Title: "柳荫街工地夜间施工噪音", Content: "柳荫街工地夜里十一点还在施工，噪音扰民，影响休息。"})
	}
	if _, err := s.Store.UpsertTickets(ctx, ts, "import"); err != nil {
		t.Fatal(err)
	}
	from, to := day0.AddDate(0, 0, -6), day0.AddDate(0, 0, 1)
	tests := []struct {
		user   string
		code   string
		labels []string // substrings of the issues' labels, hottest first
	}{
		{"staff", "", []string{"电梯", "噪音"}},
		{"leader", "", []string{"电梯", "噪音"}},
		{"cw01", "", []string{"电梯"}},
		{"cw02", "", []string{"噪音"}},
		{"hd01", core.EFORBIDDEN, nil},
		{"resident", core.EFORBIDDEN, nil},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got, err := s.HotIssues(ctx, users[tt.user], from, to, 5)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want code %q", err, tt.code)
			}
			if len(got) != len(tt.labels) {
				t.Fatalf("%d issues %+v, want %d", len(got), got, len(tt.labels))
			}
			for i, h := range got {
				if !strings.Contains(h.Label, tt.labels[i]) {
					t.Errorf("issue %d: label %q, want it to name %q", i, h.Label, tt.labels[i])
				}
				for _, r := range h.Tickets {
					if r.ID == 0 || r.Number == "" {
						t.Errorf("member %+v without its id and number", r)
					}
				}
			}
			if len(got) > 0 && (got[0].Category1 == "" || got[0].Community == "") {
				t.Errorf("issue %+v without its category and community", got[0])
			}
			if len(got) == 2 && (got[0].Parts.Callers != 6 || got[1].Parts.Callers != 1) {
				t.Errorf("callers %d and %d, want 6 and 1 (the noise is one caller three times)", got[0].Parts.Callers, got[1].Parts.Callers)
			}
		})
	}
}

func TestDuplicates(t *testing.T) {
	s, ids, _ := newService(t)
	ctx := context.Background()
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	ts := []core.Ticket{
		{Number: "DU-1", ReceivedAt: day0.Add(-48 * time.Hour), Community: "望春园社区", Category2: "物业管理", CallerPhone: "13812340001",
			Title: "望春园3号楼电梯故障", Content: "望春园小区3号楼电梯坏了三天，老人上下楼困难，我是张三丰，电话13812340001。"},
		{Number: "DU-2", ReceivedAt: day0.Add(-24 * time.Hour), Community: "望春园社区", Category2: "物业管理", CallerPhone: "13812340002",
			Title: "3号楼电梯坏了没人修", Content: "望春园小区3号楼电梯坏了好几天，物业不修，老人上下楼困难。"},
		{Number: "DU-3", ReceivedAt: day0.Add(-24 * time.Hour), Community: "柳荫里社区", Category2: "物业管理", CallerPhone: "13812340003",
			Title: "3号楼电梯坏了没人修", Content: "柳荫里小区3号楼电梯坏了好几天，物业不修，老人上下楼困难。"},
	}
	if _, err := s.Store.UpsertTickets(ctx, ts, "import"); err != nil {
		t.Fatal(err)
	}
	ix, err := s.IndexRecent(ctx, day0.AddDate(0, 0, -30))
	if err != nil {
		t.Fatal(err)
	}
	id := func(n string) int64 {
		tk, err := s.Store.TicketByNumber(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		return tk.ID
	}
	tests := []struct {
		user, of string
		want     []string // numbers offered
		code     string
	}{
		{"staff", "DU-2", []string{"DU-1"}, ""}, // DU-3 is the same text at another compound
		{"cw01", "DU-2", []string{"DU-1"}, ""},
		{"cw02", "DU-3", nil, ""},             // its only look-alikes are 望春园's
		{"cw02", "DU-2", nil, core.ENOTFOUND}, // not in 柳荫里's scope
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.of, func(t *testing.T) {
			got, err := s.Duplicates(ctx, users[tt.user], ix, id(tt.of), 3)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want %q", err, tt.code)
			}
			var nums []string
			for _, d := range got {
				nums = append(nums, d.Number)
				if !d.SamePlace || len(d.Shared) == 0 {
					t.Errorf("%s: evidence %+v, want the same place and shared phrases", d.Number, d)
				}
				for _, sh := range d.Shared {
					if strings.Contains(sh, "1381234") || strings.Contains(sh, "张三丰") {
						t.Errorf("shared phrase %q shows personal data", sh)
					}
				}
			}
			if strings.Join(nums, " ") != strings.Join(tt.want, " ") {
				t.Errorf("offered %v, want %v", nums, tt.want)
			}
		})
	}
	_ = ids
}

// TestMaskHotIssue: a hot issue's label and titles show personal data only
// as the role's dictionary allows.
func TestMaskHotIssue(t *testing.T) {
	s, _, _ := newService(t)
	h := HotIssue{Label: "望春园 · 张三丰电话13812345678", Tickets: []TicketRef{{ID: 1, Number: "N1", Title: "找13812345678的张三丰"}}}
	got := s.MaskHotIssue(core.RoleLeader, h)
	for _, v := range []string{got.Label, got.Tickets[0].Title} {
		if strings.Contains(v, "13812345678") {
			t.Errorf("leader sees %q", v)
		}
	}
	if h.Tickets[0].Title != "找13812345678的张三丰" {
		t.Error("MaskHotIssue changed its input")
	}
}
