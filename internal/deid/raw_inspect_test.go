package deid

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"jiceng/internal/realtext"
)

// TestRawInspect prints every span found in a file of real messages
// (columns msg_id,user,time,title,detail), with some context, for a
// developer to read. It is skipped unless JICENG_RAW_MESSAGES names the
// file, which never enters the repository; JICENG_RAW_TYPES restricts the
// types printed (e.g. PERSON,ADDRESS), JICENG_RAW_FIELDS=title the fields.
func TestRawInspect(t *testing.T) {
	rows := realtext.RawRows(t)
	want := map[string]bool{}
	for _, ty := range strings.Split(os.Getenv("JICENG_RAW_TYPES"), ",") {
		if ty != "" {
			want[ty] = true
		}
	}
	counts := map[string]int{}
	var b strings.Builder
	for _, row := range rows[1:] {
		if len(row) < 5 {
			continue
		}
		fields := []string{row[3], row[4]}
		if os.Getenv("JICENG_RAW_FIELDS") == "title" {
			fields = fields[:1]
		}
		for _, text := range fields {
			r := []rune(text)
			for _, s := range Spans(text) {
				counts[string(s.Type)]++
				if len(want) > 0 && !want[string(s.Type)] {
					continue
				}
				lo, hi := max(s.Start-12, 0), min(s.End+12, len(r))
				fmt.Fprintf(&b, "%s\t%-8s %-12s %s【%s】%s\n", row[0], s.Type, s.Rule,
					strings.ReplaceAll(string(r[lo:s.Start]), "\n", " "), s.Text, strings.ReplaceAll(string(r[s.End:hi]), "\n", " "))
			}
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "# %s %d\n", k, counts[k])
	}
	if out := os.Getenv("JICENG_RAW_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Log("\n" + b.String())
}

// TestRawMarked prints messages of the raw file with the spans found
// marked inline (【text|TYPE】), for reading what is missed: the messages
// whose msg_id ends in JICENG_RAW_SUFFIX (default 7).
func TestRawMarked(t *testing.T) {
	rows := realtext.RawRows(t)
	suffix := os.Getenv("JICENG_RAW_SUFFIX")
	if suffix == "" {
		suffix = "7"
	}
	var b strings.Builder
	for _, row := range rows[1:] {
		if len(row) < 5 || !strings.HasSuffix(row[0], suffix) {
			continue
		}
		text := row[3] + "\n" + row[4]
		last := 0
		fmt.Fprintf(&b, "=== %s\n", row[0])
		for _, s := range Spans(text) {
			b.WriteString(text[last:s.ByteStart])
			fmt.Fprintf(&b, "【%s|%s】", s.Text, s.Type)
			last = s.ByteEnd
		}
		b.WriteString(text[last:])
		b.WriteString("\n")
	}
	if out := os.Getenv("JICENG_RAW_OUT"); out != "" {
		if err := os.WriteFile(out, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Log("\n" + b.String())
}
