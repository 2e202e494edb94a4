package casework

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/hot"
)

var testTags = []hot.Tag{
	{Name: "电梯故障", Category1: "城乡建设", Aliases: []string{"电梯坏了", "电梯停运"}},
	{Name: "楼道堆物", Aliases: []string{"楼道杂物"}},
	{Name: "电梯", Category1: "城乡建设"}, // a prefix of another tag's name
	{Name: "噪声扰民", Category1: "环境保护", Aliases: []string{"噪音扰民"}},
}

// TestTagMatcher: the one-pass matcher finds what hot.MatchTags finds, in
// library order, with the tags' categories.
func TestTagMatcher(t *testing.T) {
	tests := []struct {
		name, category1, text string
		want                  []string
	}{
		{"a name", "城乡建设", "小区电梯故障三天了", []string{"电梯故障", "电梯"}},
		{"an alias", "城乡建设", "3号楼电梯坏了没人修", []string{"电梯故障", "电梯"}},
		{"a tag of any category", "环境保护", "楼道杂物堆满", []string{"楼道堆物"}},
		{"another category's tag", "环境保护", "电梯停运", nil},
		{"a ticket without a category", "", "电梯停运，噪音扰民", []string{"电梯故障", "电梯", "噪声扰民"}},
		{"two tags, library order", "城乡建设", "楼道堆物挡住电梯", []string{"楼道堆物", "电梯"}},
		{"none", "城乡建设", "路灯不亮", nil},
		{"empty", "城乡建设", "", nil},
		{"at the end", "环境保护", "夜里噪声扰民", []string{"噪声扰民"}},
	}
	m := newTagMatcher(testTags)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.match(tt.category1, tt.text)
			if !slices.Equal(got, tt.want) {
				t.Errorf("match = %v, want %v", got, tt.want)
			}
			if ref := hot.MatchTags(testTags, tt.category1, tt.text); !slices.Equal(got, ref) {
				t.Errorf("match = %v, hot.MatchTags %v", got, ref)
			}
		})
	}
}

// tagStreet stores the tag library and 120 days of tickets before now's
// day: 望春园社区 one 电梯 ticket a day (its text alternating between the
// tag's name and an alias) and 9 on now's day, 柳荫里社区 two 楼道杂物
// tickets a day; none of them is counted as another's tag.
func tagStreet(t *testing.T, s *Service) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Store.(core.SettingStore).PutSetting(ctx, core.SettingTags, hot.WriteTags(testTags), "tags.csv", "staff", now); err != nil {
		t.Fatal(err)
	}
	var ts []core.Ticket
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	for i := 1; i <= 120; i++ {
		day := day0.AddDate(0, 0, -i)
		text := []string{"电梯故障", "电梯坏了"}[i%2]
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("TW%03d", i), ReceivedAt: day.Add(9 * time.Hour), Community: "望春园社区",
			Category1: "城乡建设", Title: "报修", Content: "3号楼" + text, Status: core.StatusClosed})
		for k := range 2 {
			ts = append(ts, core.Ticket{Number: fmt.Sprintf("TL%03d-%d", i, k), ReceivedAt: day.Add(14 * time.Hour), Community: "柳荫里社区",
				Category1: "环境保护", Title: "楼道杂物", Status: core.StatusClosed})
		}
	}
	for k := range 9 {
		ts = append(ts, core.Ticket{Number: fmt.Sprintf("TX%d", k), ReceivedAt: day0.Add(8*time.Hour + time.Duration(k)*time.Minute),
			Community: "望春园社区", Category1: "城乡建设", Title: "电梯停运", Content: "有老人上不了楼", Status: core.StatusReceived})
	}
	if _, err := s.Store.UpsertTickets(ctx, ts, "import"); err != nil {
		t.Fatal(err)
	}
}

// TestTagSeries: each tag's series counts the tickets whose text names it,
// by community and day, and over the street on the street's board.
func TestTagSeries(t *testing.T) {
	s, _, _ := newService(t)
	tagStreet(t, s)
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	toDay := core.StreetDay(day0) + 1
	alertFrom := toDay - alertHistory
	f := core.TicketFilter{From: core.DayStart(alertFrom), To: core.DayStart(toDay)}
	series, err := s.tagSeries(context.Background(), f, newTagMatcher(testTags), alertFrom, true)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(k seriesKey) (total, last float64) {
		for _, n := range series[k] {
			total += n
		}
		if sr := series[k]; sr != nil {
			last = sr[len(sr)-1]
		}
		return total, last
	}
	// The fixture's own tickets (newService) name no tag but 楼道堆物: GD-0002.
	tests := []struct {
		key         seriesKey
		total, last float64
	}{
		{seriesKey{"望春园社区", "电梯故障"}, 120 + 9, 9},
		{seriesKey{"望春园社区", "电梯"}, 120 + 9, 9},
		{seriesKey{"", "电梯故障"}, 120 + 9, 9},
		{seriesKey{"柳荫里社区", "楼道堆物"}, 2*120 + 1, 1},
		{seriesKey{"柳荫里社区", "电梯故障"}, 0, 0},
		{seriesKey{"望春园社区", "噪声扰民"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.key.Community+"|"+tt.key.Category1, func(t *testing.T) {
			if total, last := sum(tt.key); total != tt.total || last != tt.last {
				t.Errorf("total %v, last day %v; want %v, %v", total, last, tt.total, tt.last)
			}
		})
	}
}

// TestTagAlerts: the tag's rise is an alert of the tag on the boards that
// see its community; a community worker's board has only their community's;
// a dismissal removes it.
func TestTagAlerts(t *testing.T) {
	s, _, _ := newService(t)
	tagStreet(t, s)
	ctx := context.Background()
	day0 := time.Date(2025, 3, 3, 0, 0, 0, 0, core.StreetTime)
	to := day0.AddDate(0, 0, 1)
	tests := []struct {
		user string
		code string
		want []string // community|tag
	}{
		{"staff", "", []string{"望春园社区|电梯", "望春园社区|电梯故障", "|电梯", "|电梯故障"}},
		{"cw01", "", []string{"望春园社区|电梯", "望春园社区|电梯故障"}},
		{"cw02", "", nil},
		{"hd01", core.EFORBIDDEN, nil},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			got, err := s.TagAlerts(ctx, users[tt.user], to)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want %q", err, tt.code)
			}
			var keys []string
			for _, a := range got {
				keys = append(keys, a.Community+"|"+a.Tag)
				if a.Category1 != "" || a.Granularity != Daily || !a.Day.Equal(day0) || a.Observed != 9 {
					t.Errorf("alert %+v, want the tag's 9 tickets of 03-03", a)
				}
			}
			slices.Sort(keys)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(keys, want) {
				t.Errorf("tag alerts %v, want %v", keys, want)
			}
		})
	}
	st := core.AlertState{Community: "望春园社区", Tag: "电梯故障", Day: day0, State: core.AlertDismissed}
	if err := s.SetAlertState(ctx, users["cw01"], st); err != nil {
		t.Fatal(err)
	}
	got, err := s.TagAlerts(ctx, users["cw01"], to)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Tag != "电梯" {
		t.Errorf("after dismissing 电梯故障: %+v, want 电梯 alone", got)
	}
	// The daily category alerts do not see the tag's decision.
	d, err := s.Dashboard(ctx, users["cw01"], day0.AddDate(0, 0, -6), to)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range d.Alerts {
		if a.Tag != "" || a.State != "" {
			t.Errorf("board alert %+v", a)
		}
	}
}
