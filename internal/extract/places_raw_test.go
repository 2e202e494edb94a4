package extract

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/realtext"
)

// TestRawPlaces prints the places found in real citizen messages, for
// reading by hand: JICENG_RAW_MESSAGES=/path/messages_raw.csv (columns
// msg_id,user,time,title,detail; never committed) go test
// ./internal/extract -run TestRawPlaces -v. JICENG_RAW_SHOW=all prints
// every message's spans, otherwise the most frequent span texts per type.
func TestRawPlaces(t *testing.T) {
	rows := realtext.RawRows(t)
	pf := NewPlaceFinder(core.Areas{})
	counts := map[EntityType]map[string]int{}
	show := os.Getenv("JICENG_RAW_SHOW")
	for _, row := range rows[1:] {
		if len(row) < 5 {
			continue
		}
		var line []string
		for _, s := range []string{row[3], row[4]} {
			for _, e := range pf.Find(s) {
				if counts[e.Type] == nil {
					counts[e.Type] = map[string]int{}
				}
				counts[e.Type][e.Text]++
				line = append(line, fmt.Sprintf("%s|%s", e.Text, e.Type))
			}
		}
		if show == "all" {
			fmt.Printf("%s\t%s\n", row[0], strings.Join(line, " "))
		}
	}
	var types []string
	for ty := range counts {
		types = append(types, string(ty))
	}
	sort.Strings(types)
	for _, ty := range types {
		m := counts[EntityType(ty)]
		fmt.Printf("== %s: %d distinct, %d spans\n  %s\n", ty, len(m), sum(m), topCues(m, 150))
	}
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
