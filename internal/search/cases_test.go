package search

import "testing"

func TestCaseIndex(t *testing.T) {
	ix, err := OpenCasesMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	cases := []Case{
		{ID: "1", Text: "望春园一区5号楼电梯坏了三天，老人上下楼困难", Category1: "城乡建设", Category2: "物业服务", Community: "望春园社区"},
		{ID: "2", Text: "柳荫里小区电梯经常停运，困人，请物业维修", Category1: "城乡建设", Category2: "物业服务", Community: "柳荫里社区"},
		{ID: "3", Text: "柳荫街工地夜间施工噪音扰民", Category1: "环境保护", Category2: "噪声污染", Community: "柳荫里社区"},
		{ID: "4", Text: "咨询低保申请需要什么材料", Category1: "社会保障", Category2: "社会救助", Community: "望春园社区"},
		{ID: "5", Text: "金泉家园电梯故障无人维修", Category1: "城乡建设", Category2: "物业服务", Community: "金泉家园社区"},
	}
	if err := ix.Add(cases); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 5 {
		t.Fatalf("count %d", n)
	}
	tests := []struct {
		name  string
		c     Case
		k     int
		first string
		not   string
	}{
		{"the same kind of problem", Case{ID: "9", Text: "我家楼的电梯又坏了，没人修", Category2: "物业服务", Community: "柳荫里社区"}, 3, "1", "3"},
		{"itself left out", Case{ID: "3", Text: "柳荫街工地夜间施工噪音扰民", Category2: "噪声污染"}, 3, "", "3"},
		{"another topic", Case{Text: "低保怎么申请", Category1: "社会保障"}, 1, "4", "1"},
		{"nothing to search", Case{Text: "，。！"}, 3, "", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, err := ix.Similar(tt.c, tt.k)
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) > tt.k {
				t.Errorf("%d hits, k %d", len(hs), tt.k)
			}
			if tt.first != "" && (len(hs) == 0 || hs[0].ID != tt.first) {
				t.Errorf("hits %v, want %s first", hs, tt.first)
			}
			for _, h := range hs {
				if h.ID == tt.not {
					t.Errorf("hits %v have %s", hs, tt.not)
				}
			}
		})
	}
	if err := ix.Remove("2", "none"); err != nil {
		t.Fatal(err)
	}
	hs, _ := ix.Similar(Case{Text: "电梯坏了", Category2: "物业服务"}, 5)
	for _, h := range hs {
		if h.ID == "2" {
			t.Error("a removed case is found")
		}
	}
}
