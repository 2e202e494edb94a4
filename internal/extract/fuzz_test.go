package extract

import (
	"bytes"
	"jiceng/internal/core"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzLoadRules(f *testing.F) {
	f.Add(defaultRulesCSV)
	f.Add([]byte("limit,紧急,1h\nlimit,加急,1d\nlimit,一般,7d\nlimit,复杂,15d\ncue,x,紧急,0.5\n"))
	f.Add([]byte("cue,\"a\nb\",紧急,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ru, err := LoadRules(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, l := range core.Urgencies {
			if ru.Limits[l] <= 0 {
				t.Fatalf("level %s without a positive limit", l)
			}
		}
		lvl, lim, _ := ru.Urgency("标题", string(data))
		if lim != ru.Limits[lvl] {
			t.Fatalf("limit %v of %s", lim, lvl)
		}
	})
}

// checkEntities fails on offsets outside text or texts that do not match.
func checkEntities(t *testing.T, s string, es []Entity) {
	t.Helper()
	rs := []rune(s)
	for _, e := range es {
		if e.Start < 0 || e.End > len(rs) || e.Start >= e.End {
			t.Fatalf("%s [%d,%d) out of %d runes", e.Type, e.Start, e.End, len(rs))
		}
		if string(rs[e.Start:e.End]) != e.Text {
			t.Fatalf("%s text %q != runes %q", e.Type, e.Text, string(rs[e.Start:e.End]))
		}
		if e.Score < 0 || e.Score > 1 {
			t.Fatalf("score %v", e.Score)
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		"昨天晚上10点清河湾东路18号南苑社区阳光花园3号楼2单元501燃气泄漏，电话13812345678",
		"请问每周六上午十点半物业公司是否停水？不是投诉。", "A3区B市", "２０２６年３月５日", "十十十点", "每晚", "\xff\xfe",
		"晚上十二点半夜两点去年12月31日", "院子里医院家里楼道里马路上", "和和和路路路", "A市A4区四方坪街道滨江社区海洋半岛1栋304", "B6县县县镇镇村村小区小区路路",
	} {
		f.Add(s, s[:len(s)/2])
	}
	f.Fuzz(func(t *testing.T, content, title string) {
		if !utf8.ValidString(content) || !utf8.ValidString(title) {
			// Invalid bytes become U+FFFD rune for rune: still no panic.
			content, title = strings.ToValidUTF8(content, "\uFFFD"), strings.ToValidUTF8(title, "\uFFFD")
		}
		r := Intent(title, content)
		if r.Confidence <= 0 || r.Confidence > 1+1e-9 || intentIndex(string(r.Intent)) < 0 {
			t.Fatalf("intent %+v", r)
		}
		for _, c := range r.Cues {
			field := content
			if c.Field == "title" {
				field = title
			}
			if rs := []rune(field); c.Start < 0 || c.End > len(rs) || string(rs[c.Start:c.End]) != c.Text {
				t.Fatalf("cue %+v does not match its field", c)
			}
		}
		lvl, lim, _ := Urgency(title, content)
		if lim <= 0 || DefaultRules().Limits[lvl] != lim {
			t.Fatalf("urgency %s %v", lvl, lim)
		}
		checkEntities(t, content, Places(content, testAreas))
		checkEntities(t, content, Orgs(content))
		checkEntities(t, content, Identifiers(content))
	})
}
