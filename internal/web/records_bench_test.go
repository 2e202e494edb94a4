package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// benchRecords is the size of the registry BenchmarkRecordPages lists: the
// people of a large street (about 50,000 residents) and more.
const benchRecords = 100_000

// BenchmarkRecordPages measures the server time of the registry's list
// page, its API and a record's page, as staff (the whole street) and as a
// community worker (their community: half the records), on a registry of
// benchRecords people from two sources (loaded once, before timing):
//
//	go test ./internal/web -run XXX -bench RecordPages -benchtime 20x
func BenchmarkRecordPages(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英")
	communities := []string{"望春园社区", "柳荫里社区"}
	const batch = 2_000
	for start := 0; start < benchRecords; start += batch {
		ups := make([]core.RecordUpsert, 0, batch)
		for i := start; i < start+batch && i < benchRecords; i++ {
			name := string(surnames[i%len(surnames)]) + string(given[(i/len(surnames))%len(given)]) + string(given[(i/7)%len(given)])
			source := []string{"民政科", "公安派出所"}[i%2]
			vals := map[string]string{"name": name, "phone": fmt.Sprintf("139%08d", i), "gender": []string{"男", "女"}[i%2],
				"birth_date": fmt.Sprintf("%d-%02d-%02d", 1930+i%80, 1+i%12, 1+i%28), "community": communities[(i/3)%2],
				"address": fmt.Sprintf("海川区望春园%d区%d号楼%d单元%d", 1+i%9, 1+i%30, 1+i%4, 101+i%600)}
			if i%10 == 0 {
				vals["marks"] = "独居老人"
			}
			ups = append(ups, core.RecordUpsert{Kind: fieldset.KindPerson, Source: source, Key: fmt.Sprintf("%s|%d", name, i), Values: vals})
		}
		if _, err := f.store.UpsertRecords(ctx, ups, "import:bench", fixedNow); err != nil {
			b.Fatal(err)
		}
	}
	recs, _, err := f.store.Records(ctx, core.RecordFilter{Kind: fieldset.KindPerson, Community: "望春园社区", Limit: 1})
	if err != nil || len(recs) == 0 {
		b.Fatal(err)
	}
	one := recs[0].ID
	staff, cw := f.login(b, "staff"), f.login(b, "cw01")
	pages := []struct {
		name string
		c    *http.Client
		path string
	}{
		{"list staff", staff, "/records"},
		{"list staff keyword", staff, "/records?kind=person&q=" + url.QueryEscape("王伟")},
		{"list staff page 500", staff, "/records?kind=person&page=500"},
		{"list community", cw, "/records"},
		{"api community flagged", cw, "/api/v1/records?kind=person&flagged=1"},
		{"record staff", staff, fmt.Sprintf("/records/%d", one)},
		{"record community", cw, fmt.Sprintf("/records/%d", one)},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				resp, err := p.c.Get(f.srv.URL + p.path)
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: status %d", p.path, resp.StatusCode)
				}
			}
		})
	}
}
