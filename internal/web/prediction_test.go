package web

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/understand"
)

func TestTicketPrediction(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	// Ticket 1 has a stored prediction that differs from its human
	// category; ticket 3 has none stored and is predicted on the fly.
	stored := core.Prediction{TicketID: 1, Category1: "环境保护", Category2: "噪声污染", Category3: "建筑施工噪声",
		CategoryScore: 0.61, CategoryTerms: []string{"楼道", "灯"},
		Intent: "求助", IntentScore: 0.7, IntentCues: []string{"不安全"},
		Urgency: "一般", TimeLimit: 7 * 24 * time.Hour,
		Places: []core.Mention{{Type: "BUILDING", Field: "content", Text: "5号楼2单元", Start: 0, End: 6, Score: 0.9}},
		Model:  "street.model@0011aabb", At: fixedClock()}
	if err := f.store.PutPredictions(ctx, []core.Prediction{stored}); err != nil {
		t.Fatal(err)
	}
	areas, err := f.store.Areas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.server.Understand = understand.New(understand.Options{Areas: areas, Now: fixedClock})

	tests := []struct {
		name       string
		role, path string
		wantNil    bool
		check      func(t *testing.T, p *predictionJSON)
		pageHas    []string
		pageHasNot []string
	}{
		{name: "stored, differs from the human category", role: "staff", path: "/1",
			check: func(t *testing.T, p *predictionJSON) {
				if !p.Stored || p.Category1 != "环境保护" || p.TimeLimitHours != 168 || p.Model != stored.Model {
					t.Errorf("prediction %+v", p)
				}
				if !slices.Equal(p.Differs, []string{"category"}) {
					t.Errorf("differs = %v, want [category]", p.Differs)
				}
				if len(p.Places) != 1 || p.Places[0].Text != "5号楼2单元" {
					t.Errorf("places %+v", p.Places)
				}
			},
			pageHas: []string{"智能研判", "环境保护 / 噪声污染 / 建筑施工噪声", "置信度 61%", "以人工分类为准", "5号楼2单元", "建议时限 7 天"}},
		{name: "a leader does not see the building", role: "leader", path: "/1",
			check: func(t *testing.T, p *predictionJSON) {
				for _, m := range p.Places {
					if m.Text == "5号楼2单元" {
						t.Errorf("leader sees the building: %+v", p.Places)
					}
				}
			},
			pageHasNot: []string{"5号楼2单元"}},
		{name: "predicted on the fly when none is stored", role: "staff", path: "/3",
			check: func(t *testing.T, p *predictionJSON) {
				if p.Stored || p.Intent != "咨询" || p.Urgency != "一般" || p.Category1 != "" || p.Model != "" {
					t.Errorf("prediction %+v", p)
				}
				if p.CategoryTerms == nil || p.Places == nil || p.Differs == nil {
					t.Errorf("empty lists must be [], not null: %+v", p)
				}
			},
			pageHas: []string{"未配置分类模型", "尚未入库"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.login(t, tt.role)
			d := decode[ticketDetailJSON](t, f.get(t, c, "/api/v1/tickets"+tt.path))
			if d.Prediction == nil {
				t.Fatalf("no prediction")
			}
			tt.check(t, d.Prediction)
			page := f.get(t, c, "/tickets"+tt.path).body
			for _, s := range tt.pageHas {
				if !bytes.Contains(page, []byte(s)) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tt.pageHasNot {
				if bytes.Contains(page, []byte(s)) {
					t.Errorf("page shows %q", s)
				}
			}
		})
	}

	// Without an Understander and nothing stored: null, and the page says so.
	f.server.Understand = nil
	c := f.login(t, "staff")
	if d := decode[ticketDetailJSON](t, f.get(t, c, "/api/v1/tickets/3")); d.Prediction != nil {
		t.Errorf("prediction = %+v, want null", d.Prediction)
	}
	if page := f.get(t, c, "/tickets/3").body; !bytes.Contains(page, []byte("暂无智能研判")) {
		t.Errorf("page lacks 暂无智能研判")
	}
}

// TestPanelListsAPlaceOnce: a building named in the title and in the
// content is one row of the panel.
func TestPanelListsAPlaceOnce(t *testing.T) {
	s := &Server{}
	p := core.Prediction{Places: []core.Mention{
		{Type: "building", Field: "title", Text: "5号楼", Score: 0.9},
		{Type: "building", Field: "content", Text: "5号楼", Score: 0.8},
		{Type: "road", Field: "content", Text: "柳荫街", Score: 0.7},
	}}
	got := s.toPredictionPanel(core.Ticket{}, p, true).Places
	if len(got) != 2 || got[0].Text != "5号楼" || got[1].Text != "柳荫街" {
		t.Errorf("places %+v, want 5号楼 once and 柳荫街", got)
	}
}
