package hot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"jiceng/internal/fieldset"
	"jiceng/internal/realtext"
)

// TestRawHot prints the ten hottest issues of the real message file, for
// reading by hand: JICENG_RAW_MESSAGES=/path/messages_raw.csv (columns
// msg_id,user,time,title,detail; never committed) go test ./internal/hot
// -run TestRawHot -v. The window is the whole file (2010–2020), so recency
// and growth favour the last months.
func TestRawHot(t *testing.T) {
	rows := realtext.RawRows(t)
	var docs []Doc
	titles := map[string]string{}
	for _, r := range rows[1:] {
		if len(r) < 5 {
			continue
		}
		tm, err := fieldset.ParseDateTime(r[2])
		if err != nil {
			continue
		}
		docs = append(docs, Doc{ID: r[0], Text: r[3] + "。" + r[4], Time: tm, Caller: r[1]})
		titles[r[0]] = r[3]
	}
	start := time.Now()
	cs := Clusters(docs, ClusterOptions{})
	t.Logf("%d messages, %d clusters of 2 or more in %v", len(docs), len(cs), time.Since(start).Round(time.Millisecond))
	for i, c := range cs[:min(10, len(cs))] {
		fmt.Printf("%2d. %s  heat %.1f  %+v  %s…%s\n", i+1, c.Label, c.Heat, c.Parts, c.First.Format("2006-01-02"), c.Last.Format("2006-01-02"))
		for _, id := range c.IDs[:min(len(c.IDs), 8)] {
			fmt.Printf("      %s %s\n", id, titles[id])
		}
		if len(c.IDs) > 8 {
			fmt.Printf("      … %d more\n", len(c.IDs)-8)
		}
	}
	sizes := map[int]int{}
	for _, c := range cs {
		sizes[len(c.IDs)]++
	}
	t.Logf("cluster sizes: %v", sizes)
	_ = strings.TrimSpace
}
