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

// BenchmarkShareRecords measures GET /api/share/v1/records (and one record)
// with a share key, on a registry of benchRecords people in two
// communities (loaded once, before timing): the whole street's first page,
// the largest page, a deep page, a community's key with a name keyword and
// with an ID-number lookup. Each request also writes its usage-log row.
//
//	go test ./internal/web -run '^$' -bench ShareRecords -benchtime 200x
func BenchmarkShareRecords(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英")
	communities := []string{"望春园社区", "柳荫里社区"}
	idOf := func(i int) string {
		first := fmt.Sprintf("110105%04d%02d%02d%03d", 1930+i%80, 1+i%12, 1+i%28, i%1000)
		return first + string(fieldset.IDCheckChar(first))
	}
	const batch = 2_000
	for start := 0; start < benchRecords; start += batch {
		ups := make([]core.RecordUpsert, 0, batch)
		for i := start; i < start+batch && i < benchRecords; i++ {
			name := string(surnames[i%len(surnames)]) + string(given[(i/len(surnames))%len(given)]) + string(given[(i/7)%len(given)])
			vals := map[string]string{"name": name, "phone": fmt.Sprintf("139%08d", i), "id_number": idOf(i), "gender": []string{"男", "女"}[i%2],
				"community": communities[(i/3)%2], "address": fmt.Sprintf("海川区望春园%d区%d号楼%d单元%d", 1+i%9, 1+i%30, 1+i%4, 101+i%600)}
			ups = append(ups, core.RecordUpsert{Kind: fieldset.KindPerson, Source: "民政科", Key: fmt.Sprintf("%s|%d", name, i), Values: vals})
		}
		if _, err := f.store.UpsertRecords(ctx, ups, "import:bench", fixedNow); err != nil {
			b.Fatal(err)
		}
	}
	svc := f.server.cases()
	issue := func(k core.APIKey) string {
		_, secret, err := svc.IssueAPIKey(ctx, shareAdmin, k)
		if err != nil {
			b.Fatal(err)
		}
		return secret
	}
	street := issue(core.APIKey{Name: "区卫健委", Purpose: core.APIKeyShare, Fields: []string{"person.gender", "person.community", "person.address"}})
	wcy := issue(core.APIKey{Name: "区民政局", Purpose: core.APIKeyShare, Communities: []string{"望春园社区"},
		Fields: []string{"person.name", "person.address", "person.id_number", "person.phone", "person.community"}})
	recs, _, err := f.store.Records(ctx, core.RecordFilter{Kind: fieldset.KindPerson, Community: "望春园社区", Limit: 1})
	if err != nil || len(recs) == 0 {
		b.Fatal(err)
	}
	c := f.client(b)
	for _, p := range []struct{ name, key, path string }{
		{"street page 1", street, "/api/share/v1/records"},
		{"street page_size 500", street, "/api/share/v1/records?page_size=500"},
		{"street page 1000", street, "/api/share/v1/records?page=1000&page_size=50"},
		{"community keyword", wcy, "/api/share/v1/records?q=" + url.QueryEscape("王伟")},
		{"community id lookup", wcy, "/api/share/v1/records?q=" + idOf(3)},
		{"record", wcy, fmt.Sprintf("/api/share/v1/records/%d", recs[0].ID)},
	} {
		b.Run(p.name, func(b *testing.B) {
			req, err := http.NewRequest(http.MethodGet, f.srv.URL+p.path, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+p.key)
			for b.Loop() {
				resp, err := c.Do(req)
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
