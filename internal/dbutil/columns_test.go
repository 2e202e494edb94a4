package dbutil

import (
	"reflect"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// plain is a codec that passes every value as it is: a row is the
// argument list, which Scan reads back.
var plain = Codec{
	Time:  Value[time.Time]{Arg: func(t time.Time) any { return t }, Dest: func() any { return new(time.Time) }, Read: func(d any) time.Time { return *d.(*time.Time) }},
	Float: Value[*float64]{Arg: func(f *float64) any { return f }, Dest: func() any { return new(*float64) }, Read: func(d any) *float64 { return *d.(**float64) }},
	Bool:  Value[*bool]{Arg: func(b *bool) any { return b }, Dest: func() any { return new(*bool) }, Read: func(d any) *bool { return *d.(**bool) }},
	Int:   Value[int]{Arg: func(i int) any { return i }, Dest: func() any { return new(int) }, Read: func(d any) int { return *d.(*int) }},
	Text:  Value[string]{Arg: func(s string) any { return s }, Dest: func() any { return new(string) }, Read: func(d any) string { return *d.(*string) }},
}

// TestCodecRoundTrip: every field of the column table goes into the
// argument list and comes back from a row, in TicketColumns order.
func TestCodecRoundTrip(t *testing.T) {
	if len(TicketColumns) != len(fieldset.Columns)+3 || TicketSelect[:4] != "id, " {
		t.Fatalf("TicketColumns %v", TicketColumns)
	}
	lng, lat, yes := 116.4, 39.9, true
	at := time.Date(2025, 3, 1, 9, 30, 0, 0, core.StreetTime)
	in := core.Ticket{ID: 7, Number: "A1", Channel: "12345", ReceivedAt: at, CallerName: "张三", CallerPhone: "13812345678",
		CallerID: "110101199001011234", Address: "某路1号", Street: "清河湾街道", Community: "望春园社区", Grid: "网格1",
		Lng: &lng, Lat: &lat, Title: "标题", Content: "内容", Category1: "a", Category2: "b", Category3: "c",
		Intent: "投诉", Urgency: "紧急", Unit: "城管", Status: "办理", Deadline: at.Add(time.Hour), ContactedAt: at.Add(2 * time.Hour),
		ResolvedAt: at.Add(3 * time.Hour), Reply: "已办", Resolved: &yes, Satisfaction: "满意", CallbackAt: at.Add(4 * time.Hour),
		Tags: []string{"重复"}, SourceFile: "f.csv", SourceRow: 3, Extra: map[string]string{"楼长": "李四"}, Flags: []string{"x: y"},
		CreatedAt: at.Add(5 * time.Hour), UpdatedAt: at.Add(6 * time.Hour)}
	args := plain.Args([]any{in.ID}, &in)
	if len(args) != len(TicketColumns)+1 {
		t.Fatalf("%d args for %d columns", len(args), len(TicketColumns)+1)
	}
	out, err := plain.Scan(func(dest ...any) error {
		if len(dest) != len(args) {
			t.Fatalf("%d destinations for %d values", len(dest), len(args))
		}
		for i, d := range dest {
			v := reflect.ValueOf(args[i])
			if s, ok := args[i].(string); ok && reflect.TypeOf(d).Elem().Kind() != reflect.String {
				v = reflect.ValueOf(s)
			}
			reflect.ValueOf(d).Elem().Set(v.Convert(reflect.TypeOf(d).Elem()))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out, in) {
		t.Errorf("round trip\n got %+v\nwant %+v", out, in)
	}
}
