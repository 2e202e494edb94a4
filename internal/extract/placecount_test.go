package extract

import (
	"fmt"
	"strings"
	"testing"

	"jiceng/internal/core"
)

func TestCountPlaces(t *testing.T) {
	ms := []core.Mention{
		{Type: "COMMUNITY", Field: "title", Text: "南苑社区", Value: "C01", Score: 0.95},
		{Type: "COMMUNITY", Field: "content", Text: "南苑", Value: "C01", Score: 0.75},
		{Type: "ROAD", Field: "content", Text: "幸福路", Value: "幸福路", Score: 0.85},
		{Type: "BUILDING", Field: "content", Text: "3栋", Score: 0.8},
		{Type: "BUILDING", Field: "content", Text: "3栋", Score: 0.9},
		{Type: "ROAD", Field: "content", Text: "幸福路", Value: "幸福路", Score: 0.85},
	}
	var got []string
	for _, p := range CountPlaces(ms) {
		got = append(got, fmt.Sprintf("%s:%s×%d@%.2f", p.Type, p.Text, p.Count, p.Score))
	}
	want := "COMMUNITY:南苑社区×2@0.95 ROAD:幸福路×2@0.85 BUILDING:3栋×2@0.90"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got %q, want %q", g, want)
	}
}

func TestKnownPlaces(t *testing.T) {
	pf := NewPlaceFinder(testAreas,
		WithCompounds(KnownPlace{Name: "海洋半岛小区", Aliases: []string{"海洋半岛花园"}, Code: "P1"}),
		WithRoads(KnownPlace{Name: "润泽大街", Aliases: []string{"润泽街"}}))
	cases := []struct{ name, text, want string }{
		{"full", "海洋半岛小区1栋", "COMPOUND:海洋半岛小区=P1 BUILDING:1栋"},
		{"short", "住在海洋半岛的业主", "COMPOUND:海洋半岛=P1"},
		{"alias", "海洋半岛花园门口", "COMPOUND:海洋半岛花园=P1"},
		{"road_alias", "润泽街18号", "ROAD:润泽街=润泽大街 BUILDING:18号"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ents(pf.Find(c.text)); got != c.want {
				t.Errorf("Find(%q) = %q, want %q", c.text, got, c.want)
			}
		})
	}
}

func TestPropose(t *testing.T) {
	pf := NewPlaceFinder(testAreas, WithCompounds(KnownPlace{Name: "阳光花园"}))
	ts := []Confirmed{
		{Text: "金桂苑小区3栋漏水，金桂苑小区物业不管", Community: "C01"},
		{Text: "金桂苑小区门口的幸福路18号占道", Community: "C01"},
		{Text: "阳光花园停车难，幸福路堵", Community: "C01"},
		{Text: "金桂苑小区噪音", Community: "C02"},
	}
	var got []string
	for _, p := range pf.Propose(ts, 2) {
		got = append(got, fmt.Sprintf("%s:%s@%s×%d", p.Type, p.Name, p.Community, p.Tickets))
	}
	want := "COMPOUND:金桂苑小区@C01×2 ROAD:幸福路@C01×2"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("got %q, want %q", g, want)
	}
}
