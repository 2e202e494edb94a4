package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testAlertStates: a decision is kept by series and day, a later one
// replaces it, and the query's days and communities select them.
func testAlertStates(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, core.StreetTime) }
	for _, st := range []core.AlertState{
		{Community: "东风社区", Category1: "城乡建设", Day: day(2), State: core.AlertAcknowledged, By: "staff", At: c.Now(), Note: "已派人查看"},
		{Community: "东风社区", Category1: "城乡建设", Day: day(2), State: core.AlertDismissed, By: "leader", At: c.Now().Add(time.Hour), Note: "节前集中反映"},
		{Community: "红旗社区", Category1: "环境保护", Day: day(3), State: core.AlertAcknowledged, By: "staff", At: c.Now()},
		{Community: "", Category1: "环境保护", Day: day(5), State: core.AlertDismissed, By: "staff", At: c.Now()},
		// An hourly alert and a tag's alert of the same community and day
		// are decisions apart from the daily one.
		{Community: "东风社区", Category1: "城乡建设", Day: day(2), Hourly: true, Hour: 0, State: core.AlertAcknowledged, By: "staff", At: c.Now()},
		{Community: "东风社区", Category1: "城乡建设", Day: day(2), Hourly: true, Hour: 14, State: core.AlertDismissed, By: "staff", At: c.Now()},
		{Community: "东风社区", Tag: "电梯故障", Day: day(2), State: core.AlertAcknowledged, By: "leader", At: c.Now()},
	} {
		if err := s.SetAlertState(ctx, st); err != nil {
			t.Fatalf("SetAlertState: %v", err)
		}
	}
	tests := []struct {
		name string
		q    core.CountQuery
		want []string // community|category1|tag|day[ hour]|state|by
	}{
		{"all", core.CountQuery{From: day(1), To: day(10)}, []string{
			"东风社区||电梯故障|03-02|ack|leader", "东风社区|城乡建设||03-02|dismissed|leader", "东风社区|城乡建设||03-02 00h|ack|staff",
			"东风社区|城乡建设||03-02 14h|dismissed|staff", "红旗社区|环境保护||03-03|ack|staff", "|环境保护||03-05|dismissed|staff"}},
		{"days", core.CountQuery{From: day(3), To: day(5)}, []string{"红旗社区|环境保护||03-03|ack|staff"}},
		{"a community", core.CountQuery{From: day(1), To: day(10), Communities: []string{"东风社区"}}, []string{
			"东风社区||电梯故障|03-02|ack|leader", "东风社区|城乡建设||03-02|dismissed|leader", "东风社区|城乡建设||03-02 00h|ack|staff",
			"东风社区|城乡建设||03-02 14h|dismissed|staff"}},
		{"none", core.CountQuery{From: day(1), To: day(10), Communities: []string{}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.AlertStates(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, g := range got {
				when := g.Day.Format("01-02")
				if g.Hourly {
					when += fmt.Sprintf(" %02dh", g.Hour)
				}
				keys = append(keys, g.Community+"|"+g.Category1+"|"+g.Tag+"|"+when+"|"+g.State+"|"+g.By)
				if g.Day.Location() != core.StreetTime || g.At.IsZero() {
					t.Errorf("state %+v: want its day in street time and its time", g)
				}
			}
			if len(keys) != len(tt.want) {
				t.Fatalf("states %v, want %v", keys, tt.want)
			}
			for i := range keys {
				if keys[i] != tt.want[i] {
					t.Errorf("states %v, want %v", keys, tt.want)
					break
				}
			}
		})
	}
	got, _ := s.AlertStates(ctx, core.CountQuery{From: day(2), To: day(3), Communities: []string{"东风社区"}})
	got = slices.DeleteFunc(got, func(a core.AlertState) bool { return a.Hourly || a.Tag != "" })
	if len(got) != 1 || got[0].Note != "节前集中反映" || !got[0].At.Equal(c.Now().Add(time.Hour)) {
		t.Errorf("the later decision: %+v", got)
	}
}
