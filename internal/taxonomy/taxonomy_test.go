package taxonomy

import (
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	cats := Default()
	if got, want := len(cats), 517; got != want {
		t.Fatalf("leaves: got %d, want %d", got, want)
	}
	top := map[string]bool{}
	for _, c := range cats {
		top[c.Level1] = true
	}
	if got, want := len(top), 15; got != want {
		t.Fatalf("top-level classes: got %d, want %d", got, want)
	}
}

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    int
		wantErr string
	}{
		{"english header", "level1,level2,level3\n城乡建设,安全生产,事故处理\n", 1, ""},
		{"chinese header with BOM", "\ufeff一级分类,二级分类,三级分类\n城乡建设,安全生产,\n环境保护,,\n", 2, ""},
		{"bad header", "a,b,c\nx,y,z\n", 0, "表头"},
		{"no rows", "level1,level2,level3\n", 0, "没有数据行"},
		{"orphan level3", "level1,level2,level3\n城乡建设,,事故处理\n", 0, "上级分类不能为空"},
		{"duplicate", "level1,level2,level3\nA,B,C\nA,B,C\n", 0, "重复"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cats, err := Load(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err: got %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cats) != tt.want {
				t.Fatalf("got %d categories, want %d", len(cats), tt.want)
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("level1,level2,level3\n城乡建设,安全生产,事故处理\n")
	f.Add("一级分类,二级分类,三级分类\nA,,\n")
	f.Add("level1\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, in string) {
		cats, err := Load(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, c := range cats {
			if c.Level1 == "" || (c.Level2 == "" && c.Level3 != "") {
				t.Fatalf("accepted an orphan category %+v", c)
			}
		}
	})
}
