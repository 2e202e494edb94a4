package casework

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/hot"
	"jiceng/internal/sqlite"
	"jiceng/internal/workflow"
)

// catalogTags is a tag library of the demo catalog's keywords: one tag per
// catalog entry (its first keyword, the others its aliases), about 140
// tags and 500 phrases — a large curated library.
func catalogTags(tb testing.TB) []hot.Tag {
	tb.Helper()
	files, err := filepath.Glob("../demo/catalog/*.txt")
	if err != nil || len(files) == 0 {
		tb.Fatalf("catalog: %v", err)
	}
	seen := map[string]bool{}
	var tags []hot.Tag
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(line, "@ ") {
				continue
			}
			fields := strings.Fields(line)
			cat1, _, _ := strings.Cut(fields[1], "/")
			var t hot.Tag
			for _, fl := range fields[2:] {
				kw, ok := strings.CutPrefix(fl, "k=")
				if !ok {
					continue
				}
				for _, p := range strings.Split(kw, "|") {
					if p == "" || seen[p] || len([]rune(p)) > hot.MaxTagRunes {
						continue
					}
					seen[p] = true
					if t.Name == "" {
						t.Name, t.Category1 = p, cat1
					} else {
						t.Aliases = append(t.Aliases, p)
					}
				}
			}
			if t.Name != "" {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

// BenchmarkBoardAlerts times the parts of the board's alerts on a street
// given by JICENG_BENCH_DB (a copy of BenchmarkPages' 1,000,000-ticket
// street in package web, made with sqlite3's VACUUM INTO; it is migrated
// and given the catalog's tag library when it has none), at its end
// (2026-11-26 10:00): the whole board (its hourly alerts included), the
// hourly alerts alone, and the tag alerts of the street and of one
// community (the tickets of the detector's 140 days read and matched).
//
//	JICENG_BENCH_DB=/tmp/street-1m.db go test ./internal/casework -run XXX -bench BoardAlerts -benchtime 3x -v
func BenchmarkBoardAlerts(b *testing.B) {
	path := os.Getenv("JICENG_BENCH_DB")
	if path == "" {
		b.Skip("JICENG_BENCH_DB names the street's database")
	}
	ctx := context.Background()
	end := time.Date(2026, 11, 26, 0, 0, 0, 0, core.StreetTime)
	now := end.Add(10 * time.Hour)
	t0 := time.Now()
	db, err := sqlite.Open(ctx, path, func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.Logf("open (and migrate): %s", time.Since(t0).Round(time.Millisecond))
	if _, _, err := db.Setting(ctx, core.SettingTags); core.ErrorCode(err) == core.ENOTFOUND {
		tags := catalogTags(b)
		if _, err := db.PutSetting(ctx, core.SettingTags, hot.WriteTags(tags), "catalog.csv", "bench", now); err != nil {
			b.Fatal(err)
		}
		b.Logf("tag library: %d tags from the catalog", len(tags))
	}
	s := &Service{Store: db, Workflow: &workflow.Engine{}, Clock: func() time.Time { return now }}
	staff := core.User{Username: "bench", Role: core.RoleStaff}
	to := end.AddDate(0, 0, 1)
	from := to.AddDate(0, 0, -30)
	d, err := s.Dashboard(ctx, staff, from, to)
	if err != nil {
		b.Fatal(err)
	}
	largest := d.Communities[0].Name
	b.Run("Dashboard", func(b *testing.B) {
		var n int
		for b.Loop() {
			d, err := s.Dashboard(ctx, staff, from, to)
			if err != nil {
				b.Fatal(err)
			}
			n = len(d.Alerts)
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/board")
		b.Logf("alerts %d", n)
	})
	b.Run("HourlyAlerts", func(b *testing.B) {
		var n int
		for b.Loop() {
			as, err := s.hourlyAlerts(ctx, nil, hourlyEnd(now, core.StreetDay(to)), s.calendar(), nil)
			if err != nil {
				b.Fatal(err)
			}
			n = len(as)
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/board")
		b.Logf("hourly alerts %d", n)
	})
	b.Run("TagAlerts", func(b *testing.B) {
		var n int
		for b.Loop() {
			as, err := s.TagAlerts(ctx, staff, to)
			if err != nil {
				b.Fatal(err)
			}
			n = len(as)
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/board")
		b.Logf("tag alerts %d", n)
	})
	toDay := core.StreetDay(to)
	f := core.TicketFilter{From: core.DayStart(toDay - alertHistory), To: core.DayStart(toDay)}
	content, _, _ := db.Setting(ctx, core.SettingTags)
	tags, _ := hot.ReadTags(content)
	b.Run("TagAlerts/community", func(b *testing.B) {
		// A community's board: its tickets alone are read.
		cf := f
		cf.Community = largest
		var n int
		for b.Loop() {
			series, err := s.tagSeries(ctx, cf, newTagMatcher(tags), toDay-alertHistory, false)
			if err != nil {
				b.Fatal(err)
			}
			n = len(tagRiskAlerts(series, toDay-alertHistory, s.calendar(), nil))
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/board")
		b.Logf("%s: tag alerts %d", largest, n)
	})
	// The read and the matching apart: the tickets of 140 days.
	var texts [][2]string
	b.Run("TagAlerts/read", func(b *testing.B) {
		for b.Loop() {
			texts = texts[:0]
			if err := db.EachTicketText(ctx, f, func(t core.TicketText) error {
				texts = append(texts, [2]string{t.Category1, t.Title + "\n" + t.Content})
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/read")
		b.Logf("%d tickets in 140 days", len(texts))
	})
	b.Run("TagAlerts/read-EachTicket", func(b *testing.B) {
		// The whole tickets, for comparison.
		n := 0
		for b.Loop() {
			if err := db.EachTicket(ctx, f, func(core.Ticket) error { n++; return nil }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/read")
	})
	b.Run("TagAlerts/match", func(b *testing.B) {
		m := newTagMatcher(tags)
		var hits int
		for b.Loop() {
			hits = 0
			for _, t := range texts {
				hits += len(m.match(t[0], t[1]))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/match")
		b.Logf("%d tickets, %d tags, %d matches", len(texts), len(tags), hits)
	})
	b.Run("TagAlerts/match-MatchTags", func(b *testing.B) {
		// hot.MatchTags per ticket, for comparison (a sample of 20,000).
		sample := texts[:min(len(texts), 20000)]
		for b.Loop() {
			for _, t := range sample {
				hot.MatchTags(tags, t[0], t[1])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(sample)), "µs/ticket")
	})
}
