package hot

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/core"
)

func TestReadTags(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Tag
		errs []string // substrings of the row errors
	}{
		{"tags with aliases", "标签,一级分类,别名\n电梯故障,城乡建设,电梯坏了、电梯停运\n噪音扰民,环境保护,\n\n", []Tag{
			{Name: "电梯故障", Category1: "城乡建设", Aliases: []string{"电梯坏了", "电梯停运"}}, {Name: "噪音扰民", Category1: "环境保护"}}, nil},
		{"BOM and an alias equal to its name", "\ufeff标签,一级分类,别名\n停水,,停水、没水\n", []Tag{{Name: "停水", Aliases: []string{"没水"}}}, nil},
		{"no header", "电梯故障,城乡建设,\n", nil, []string{"表头"}},
		{"a phrase twice", "标签,一级分类,别名\n电梯故障,,\n电梯坏了,,电梯故障\n", nil, []string{"第 3 行", "已在第 2 行"}},
		{"too long", "标签,一级分类,别名\n" + strings.Repeat("长", 21) + ",,\n", nil, []string{"超过 20 个字"}},
		{"an alias without a name", "标签,一级分类,别名\n,城乡建设,电梯\n", nil, []string{"缺少标签"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadTags([]byte(tc.in))
			if tc.errs != nil {
				var ae *core.Error
				if !errors.As(err, &ae) && core.ErrorCode(err) != core.EINVALID {
					t.Fatalf("err %v, want EINVALID", err)
				}
				for _, e := range tc.errs {
					if !strings.Contains(err.Error(), e) {
						t.Errorf("error %q lacks %q", err, e)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i].Name != tc.want[i].Name || got[i].Category1 != tc.want[i].Category1 || !slices.Equal(got[i].Aliases, tc.want[i].Aliases) {
					t.Errorf("tag %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			again, err := ReadTags(WriteTags(got))
			if err != nil || len(again) != len(got) {
				t.Errorf("WriteTags does not read back: %v %+v", err, again)
			}
		})
	}
}

func TestMatchTags(t *testing.T) {
	lib := []Tag{{Name: "电梯故障", Category1: "城乡建设", Aliases: []string{"电梯坏了"}}, {Name: "停水"}, {Name: "噪音扰民", Category1: "环境保护"}}
	tests := []struct {
		name, category, text string
		want                 []string
	}{
		{"an alias", "城乡建设", "3号楼电梯坏了三天", []string{"电梯故障"}},
		{"a tag of any category", "城乡建设", "小区停水了，电梯故障", []string{"电梯故障", "停水"}},
		{"another category's tag", "城乡建设", "工地噪音扰民", nil},
		{"a ticket without category", "", "工地噪音扰民", []string{"噪音扰民"}},
		{"nothing", "城乡建设", "路灯不亮", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := MatchTags(lib, tc.category, tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if !Known(lib, "电梯坏了") || Known(lib, "电梯") {
		t.Error("Known")
	}
}

func FuzzReadTags(f *testing.F) {
	f.Add("标签,一级分类,别名\n电梯故障,城乡建设,电梯坏了、电梯停运\n")
	f.Add("标签\n\"a\"\"b\",,\n")
	f.Fuzz(func(t *testing.T, in string) {
		tags, err := ReadTags([]byte(in))
		if err != nil {
			return
		}
		again, err := ReadTags(WriteTags(tags))
		if err != nil || len(again) != len(tags) {
			t.Fatalf("written tags do not read back: %v (%d of %d)", err, len(again), len(tags))
		}
	})
}
