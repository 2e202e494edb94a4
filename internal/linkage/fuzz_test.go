package linkage

import (
	"fmt"
	"strings"
	"testing"
)

// The normalisers read outside input (department spreadsheets): they must
// accept anything, and their output must be a fixed point.

func FuzzNormalizeID(f *testing.F) {
	for _, s := range []string{"110105198001020014", "11010519800102001x", "110105800102001", "110105 19800102 0014", "I_0123456789abcdef", "１１０", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := NormalizeID(s)
		if !ok {
			if v != "" {
				t.Fatalf("NormalizeID(%q) = %q with ok false", s, v)
			}
			return
		}
		if IsToken(v) {
			return
		}
		if len(v) != 18 {
			t.Fatalf("NormalizeID(%q) = %q, not 18 characters", s, v)
		}
		if again, ok := NormalizeID(v); !ok || again != v {
			t.Fatalf("NormalizeID(%q) = %q, not a fixed point (%q, %v)", s, v, again, ok)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "010-87654321转8", "+86 10 8765 4321", "0086", "86", "+", "(0755)12345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := NormalizePhone(s)
		if !ok || IsToken(v) {
			return
		}
		for i := 0; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				t.Fatalf("NormalizePhone(%q) = %q, not digits", s, v)
			}
		}
		if again, ok := NormalizePhone(v); !ok || again != v {
			t.Fatalf("NormalizePhone(%q) = %q, not a fixed point (%q, %v)", s, v, again, ok)
		}
	})
}

func FuzzNormalizeDate(f *testing.F) {
	for _, s := range []string{"1980-01-02", "1980年1月2日", "19800102", "1980/1/2", "1980-01-02 08:00:00", "2000-02-29", "99999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := NormalizeDate(s)
		if !ok {
			return
		}
		iso := fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
		if again, ok := NormalizeDate(iso); !ok || again != d {
			t.Fatalf("NormalizeDate(%q) = %d, but %s reads as %d, %v", s, d, iso, again, ok)
		}
	})
}

func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"北京市朝阳区望京街道阳光小区3号楼2单元301室", "阳光小区3-2-301", "幸福路18号", "金色家园A座1203", "三十二号楼", "--##", "区区区小区1-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := ParseAddress(s)
		if a.Empty() && (a.Building != "" || a.Unit != "" || a.Room != "") {
			t.Fatalf("ParseAddress(%q) = %+v: parts without an estate", s, a)
		}
		for _, p := range []string{a.Building, a.Unit, a.Room} {
			if strings.ContainsAny(p, "号楼栋单元室-#") {
				t.Fatalf("ParseAddress(%q) = %+v: a part keeps its unit word", s, a)
			}
		}
	})
}
