package web

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/open311"
)

// BenchmarkOpen311Load sends 200 requests a second for 60 seconds, open
// loop (each at its scheduled time, whether the earlier ones have been
// answered or not), to the real handler on SQLite behind an httptest
// server: 20 % POSTed requests (XML and JSON), the rest reads — the
// service list and a definition, single requests, lists (the store's
// pages, and status=open which filters in the service), tokens. It
// reports the latency from each request's scheduled time to its answer
// (p50, p99, max, in ms) and the errors (any transport error or status
// other than 200). Run it once:
//
//	go test ./internal/web -run '^$' -bench Open311Load -benchtime 1x
func BenchmarkOpen311Load(b *testing.B) {
	const rate = 200
	duration := 60 * time.Second
	if v, err := time.ParseDuration(os.Getenv("JICENG_LOAD_DURATION")); err == nil && v > 0 {
		duration = v // a shorter run while looking into the figures; the goal is for 60 s
	}
	f := newFixture(b)
	key, _ := open311Key(b, f, "压测", core.APIKeyOpen311)
	codes := []string{defaultCode("城乡建设", "市政设施"), defaultCode("环境保护", "噪声污染"), defaultCode("社会保障", "养老服务")}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}
	var (
		mu        sync.Mutex
		numbers   []string
		tokens    []string
		latencies []time.Duration
		byKind    = map[int][]time.Duration{}
		errs      atomic.Int64
		wg        sync.WaitGroup
	)
	pick := func(list *[]string, i int) string {
		mu.Lock()
		defer mu.Unlock()
		if len(*list) == 0 {
			return "none"
		}
		return (*list)[i%len(*list)]
	}
	one := func(i int) (*http.Response, error) {
		base := f.srv.URL + "/open311/v2/"
		switch i % 10 {
		case 0, 5:
			format := []string{"xml", "json"}[i%2]
			form := url.Values{"api_key": {key}, "service_code": {codes[i%3]}, "lat": {"40.03"}, "long": {"116.33"},
				"description": {"压测请求：路灯不亮"}, "email": {"load@example.org"}}
			return client.PostForm(base+"requests."+format, form)
		case 1:
			return client.Get(base + "services.xml")
		case 2:
			return client.Get(base + "services/" + codes[i%3] + ".json")
		case 3, 6:
			return client.Get(base + "requests/" + pick(&numbers, i) + ".xml")
		case 4, 7:
			return client.Get(base + "requests.json?page_size=50&page=" + string(rune('1'+i%3)))
		case 8:
			return client.Get(base + "requests.xml?status=open&page_size=50")
		default:
			return client.Get(base + "tokens/" + pick(&tokens, i) + ".xml")
		}
	}
	// A few requests first, so that the reads have some to read.
	for i := range 20 {
		if r, err := one(i * 10); err == nil {
			remember(r, &mu, &numbers, &tokens)
		}
	}
	b.ResetTimer()
	start := time.Now()
	n := int(duration.Seconds()) * rate
	for i := range n {
		at := start.Add(time.Duration(i) * time.Second / rate)
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := one(i)
			d := time.Since(at)
			if err != nil {
				errs.Add(1)
			} else {
				if r.StatusCode != http.StatusOK {
					errs.Add(1)
				}
				if i%5 == 0 {
					remember(r, &mu, &numbers, &tokens)
				} else {
					io.Copy(io.Discard, r.Body)
					r.Body.Close()
				}
			}
			mu.Lock()
			latencies = append(latencies, d)
			byKind[i%10] = append(byKind[i%10], d)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	slices.Sort(latencies)
	q := func(p float64) float64 {
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(len(latencies))/time.Since(start).Seconds(), "req/s")
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(q(1), "max-ms")
	b.ReportMetric(float64(errs.Load()), "errors")
	for k, name := range map[int]string{0: "post", 1: "services", 2: "definition", 3: "request", 4: "list", 8: "list-open", 9: "token"} {
		l := byKind[k]
		slices.Sort(l)
		if len(l) > 0 {
			b.ReportMetric(float64(l[int(0.99*float64(len(l)))].Microseconds())/1000, "p99-"+name+"-ms")
		}
	}
}

// remember keeps the id and token a POST answered.
func remember(r *http.Response, mu *sync.Mutex, numbers, tokens *[]string) {
	defer r.Body.Close()
	body, err := io.ReadAll(r.Body)
	if err != nil || r.StatusCode != http.StatusOK {
		return
	}
	var c []open311.Created
	if strings.HasPrefix(string(body), "<?xml") {
		var d open311.CreatedList
		if decodeXML(body, &d) != nil {
			return
		}
		c = d.Requests
	} else if decodeJSON(body, &c) != nil {
		return
	}
	if len(c) == 1 {
		mu.Lock()
		*numbers = append(*numbers, c[0].ServiceRequestID)
		*tokens = append(*tokens, c[0].Token)
		mu.Unlock()
	}
}

func decodeXML(b []byte, v any) error  { return xml.Unmarshal(b, v) }
func decodeJSON(b []byte, v any) error { return json.Unmarshal(b, v) }
