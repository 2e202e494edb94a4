package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"jiceng/internal/core"
)

// testTicketTexts: the texts of a filter are its tickets' (received time,
// community, category, title, content), in EachTicket's order.
func testTicketTexts(t *testing.T, s core.Store, c *Clock) {
	tr, ok := s.(core.TicketTextReader)
	if !ok {
		t.Skip("the store reads no texts apart")
	}
	ctx := context.Background()
	var ts []core.Ticket
	for i := range 6 {
		tk := ticket(fmt.Sprintf("X%d", i), i)
		tk.Community = []string{"东风社区", "红旗社区"}[i%2]
		tk.Category1, tk.Content = "城乡建设", fmt.Sprintf("电梯坏了 %d", i)
		ts = append(ts, tk)
	}
	upsert(t, s, "import", ts...)
	tests := []struct {
		name string
		f    core.TicketFilter
	}{
		{"all", core.TicketFilter{}},
		{"a period", core.TicketFilter{From: start.Add(time.Hour), To: start.Add(4 * time.Hour)}},
		{"a community", core.TicketFilter{Community: "红旗社区"}},
	}
	key := func(at string, community, c1, title, content string) string {
		return at + "|" + community + "|" + c1 + "|" + title + "|" + content
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want, got []string
			if err := s.EachTicket(ctx, tt.f, func(tk core.Ticket) error {
				want = append(want, key(tk.ReceivedAt.UTC().String(), tk.Community, tk.Category1, tk.Title, tk.Content))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if err := tr.EachTicketText(ctx, tt.f, func(tx core.TicketText) error {
				got = append(got, key(tx.ReceivedAt.UTC().String(), tx.Community, tx.Category1, tx.Title, tx.Content))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("texts\n%v\nwant\n%v", got, want)
			}
		})
	}
	if err := tr.EachTicketText(ctx, core.TicketFilter{Keyword: "电梯"}, func(core.TicketText) error { return nil }); err == nil {
		t.Error("a keyword filter: no error")
	}
}
