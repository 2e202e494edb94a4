package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"jiceng/internal/core"
)

// fullPrediction returns a prediction of ticket id with every field set.
func fullPrediction(id int64) core.Prediction {
	return core.Prediction{
		TicketID:  id,
		Category1: "城乡建设", Category2: "市政设施", Category3: "路灯",
		CategoryScore: 0.8125,
		CategoryTerms: []string{"路灯", "不亮"},
		Intent:        "投诉", IntentScore: 0.625,
		IntentCues:     []string{"反映", "要求尽快"},
		Urgency:        "加急",
		TimeLimit:      72 * time.Hour,
		UrgencyReasons: []string{"存在安全隐患"},
		Places: []core.Mention{
			{Type: "community", Text: "幸福社区", Value: "110105001001", Start: 3, End: 7, Score: 1},
			{Type: "road", Text: "建设路", Start: 10, End: 13, Score: 0.5},
		},
		Model: "category-v1",
		At:    start.Add(90 * time.Minute),
	}
}

// equalPrediction reports whether got and want are the same prediction;
// times are compared as instants, because stores return them in the local
// time zone.
func equalPrediction(got, want core.Prediction) bool {
	if !got.At.Equal(want.At) {
		return false
	}
	got.At, want.At = time.Time{}, time.Time{}
	return reflect.DeepEqual(got, want)
}

func testPredictions(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	// replaced is the prediction that replaces fullPrediction(id).
	replaced := func(id int64) core.Prediction {
		p := fullPrediction(id)
		p.Category3, p.CategoryScore = "井盖", 0.25
		p.Places = p.Places[:1]
		p.TimeLimit = 30 * time.Minute
		p.Model, p.At = "category-v2", p.At.Add(time.Hour)
		return p
	}
	// Each case has two tickets of its own, a and b (so that the cases share
	// one store: a fresh one per case would cost a database each on
	// PostgreSQL), and reads the prediction of a.
	tests := []struct {
		name string
		put  func(a, b int64) [][]core.Prediction // PutPredictions calls, in order
		want func(a int64) core.Prediction
		code string // of the failing PutPredictions, or of Prediction(a)
	}{
		{name: "round trip",
			put:  func(a, b int64) [][]core.Prediction { return [][]core.Prediction{{fullPrediction(a)}} },
			want: fullPrediction},
		{name: "rules only, nil lists",
			put: func(a, b int64) [][]core.Prediction {
				return [][]core.Prediction{{{TicketID: a, Urgency: "一般", TimeLimit: 5 * 24 * time.Hour}}}
			},
			want: func(a int64) core.Prediction {
				return core.Prediction{TicketID: a, Urgency: "一般", TimeLimit: 5 * 24 * time.Hour}
			}},
		{name: "empty lists read back nil",
			put: func(a, b int64) [][]core.Prediction {
				return [][]core.Prediction{{{TicketID: a, Intent: "咨询", CategoryTerms: []string{},
					IntentCues: []string{}, UrgencyReasons: []string{}, Places: []core.Mention{}}}}
			},
			want: func(a int64) core.Prediction { return core.Prediction{TicketID: a, Intent: "咨询"} }},
		{name: "replace",
			put: func(a, b int64) [][]core.Prediction {
				return [][]core.Prediction{{fullPrediction(a), fullPrediction(b)}, {replaced(a)}}
			},
			want: replaced},
		{name: "replace within a batch",
			put: func(a, b int64) [][]core.Prediction {
				return [][]core.Prediction{{fullPrediction(a), fullPrediction(b), replaced(a)}}
			},
			want: replaced},
		{name: "not found",
			put:  func(a, b int64) [][]core.Prediction { return [][]core.Prediction{{fullPrediction(b)}} },
			code: core.ENOTFOUND},
		{name: "unknown ticket stores nothing",
			put: func(a, b int64) [][]core.Prediction {
				return [][]core.Prediction{{fullPrediction(a), fullPrediction(b + 1_000_000)}}
			},
			code: core.ENOTFOUND},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := fmt.Sprintf("P%d-", i)
			upsert(t, s, "import", ticket(n+"a", i), ticket(n+"b", i))
			a, b := byNumber(t, s, n+"a").ID, byNumber(t, s, n+"b").ID
			for _, ps := range tt.put(a, b) {
				if err := s.PutPredictions(ctx, ps); err != nil {
					wantCode(t, err, tt.code)
					if core.ErrorMessage(err) == "" {
						t.Errorf("error %v has no user message", err)
					}
					break
				}
			}
			got, err := s.Prediction(ctx, a)
			if tt.code != "" {
				// After a failed PutPredictions, nothing of it is stored.
				wantCode(t, err, tt.code)
				return
			}
			if err != nil {
				t.Fatalf("Prediction: %v", err)
			}
			if want := tt.want(a); !equalPrediction(got, want) {
				t.Errorf("Prediction =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

func testPredictionsBatch(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	const n = 2000
	ts := make([]core.Ticket, n)
	for i := range ts {
		ts[i] = ticket(fmt.Sprintf("B%04d", i), i)
	}
	upsert(t, s, "import", ts...)
	ps := make([]core.Prediction, n)
	for i := range ps {
		ps[i] = fullPrediction(byNumber(t, s, ts[i].Number).ID)
		ps[i].CategoryScore = float64(i) / n
	}
	if err := s.PutPredictions(ctx, ps); err != nil {
		t.Fatalf("PutPredictions(%d): %v", n, err)
	}
	for _, i := range []int{0, 1, n / 2, n - 1} {
		got, err := s.Prediction(ctx, ps[i].TicketID)
		if err != nil {
			t.Fatalf("Prediction(%d): %v", ps[i].TicketID, err)
		}
		if !equalPrediction(got, ps[i]) {
			t.Errorf("Prediction(%d) =\n%+v\nwant\n%+v", ps[i].TicketID, got, ps[i])
		}
	}
	// The same batch again replaces every prediction.
	for i := range ps {
		ps[i].Model = "category-v2"
	}
	if err := s.PutPredictions(ctx, ps); err != nil {
		t.Fatalf("PutPredictions again: %v", err)
	}
	if got, err := s.Prediction(ctx, ps[n-1].TicketID); err != nil || got.Model != "category-v2" {
		t.Errorf("after replacing, Prediction = %+v, %v", got, err)
	}
}

func testUnpredicted(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	ts := make([]core.Ticket, 5)
	for i := range ts {
		ts[i] = ticket(fmt.Sprintf("U%d", i), i)
	}
	upsert(t, s, "import", ts...)
	id := make([]int64, len(ts))
	for i := range ts {
		id[i] = byNumber(t, s, ts[i].Number).ID
	}
	put := func(i int, model string) {
		t.Helper()
		if err := s.PutPredictions(ctx, []core.Prediction{{TicketID: id[i], Model: model, Intent: "咨询"}}); err != nil {
			t.Fatalf("PutPredictions: %v", err)
		}
	}
	put(1, "m1") // by the model asked for
	put(2, "m0") // by an older model
	put(3, "")   // rules only
	ids := func(model string, after int64, limit int) []int64 {
		t.Helper()
		list, err := s.Unpredicted(ctx, model, after, limit)
		if err != nil {
			t.Fatalf("Unpredicted(%q, %d, %d): %v", model, after, limit, err)
		}
		got := []int64{}
		for _, tk := range list {
			if tk.Number == "" {
				t.Errorf("Unpredicted returned a ticket without its fields: %+v", tk)
			}
			got = append(got, tk.ID)
		}
		return got
	}
	tests := []struct {
		name  string
		model string
		after int64
		limit int
		want  []int64
	}{
		{"all but the one by m1", "m1", 0, 100, []int64{id[0], id[2], id[3], id[4]}},
		{"rules only: all but the rules-only one", "", 0, 100, []int64{id[0], id[1], id[2], id[4]}},
		{"limit", "m1", 0, 2, []int64{id[0], id[2]}},
		{"after", "m1", id[2], 100, []int64{id[3], id[4]}},
		{"after the last", "m1", id[4], 100, []int64{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ids(tt.model, tt.after, tt.limit); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Unpredicted = %v, want %v", got, tt.want)
			}
		})
	}
}
