package tabfile

import "testing"

func TestSafeCell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "楼道灯坏了", "楼道灯坏了"},
		{"equals", `=HYPERLINK("http://x","点我")`, `'=HYPERLINK("http://x","点我")`},
		{"plus", "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"already guarded", "'=1", "''=1"},
		{"apostrophe text", "'好'", "'好'"},
		{"formula char later", "a=b", "a=b"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SafeCell(tt.in)
			if got != tt.want {
				t.Errorf("SafeCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if back := unguard(got); back != tt.in {
				t.Errorf("unguard(%q) = %q, want %q", got, back, tt.in)
			}
		})
	}
}

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{"=1", "''+x", "'", "-", "好"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g := SafeCell(s)
		if g != "" && formulaStart(g[0]) {
			t.Fatalf("SafeCell(%q) = %q starts a formula", s, g)
		}
		if back := unguard(g); back != s {
			t.Fatalf("unguard(SafeCell(%q)) = %q", s, back)
		}
	})
}
