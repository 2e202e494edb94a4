package dispatch

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"jiceng/internal/core"
)

var (
	catHeat     = [3]string{"城乡建设", "城市建设和市政管理", "冬季采暖"}
	catProperty = [3]string{"城乡建设", "住房保障与房地产", "物业服务"}
	catWater    = [3]string{"城乡建设", "城市建设和市政管理", "自来水供应"}
)

// smallHistory: heating goes to 热力 (8 in 10) or the property company;
// property complaints to the ticket's own community; water to the water
// company. Only 望春园社区 appears, so that 属地社区 must generalise.
func smallHistory() []Example {
	var h []Example
	for i := range 300 {
		e := Example{Community: "望春园社区"}
		switch i % 3 {
		case 0:
			e.Category, e.Text, e.Unit = catHeat, fmt.Sprintf("%d号楼暖气不热，室温只有十五度", i), "海川热力公司"
			if i%5 == 0 {
				e.Unit = "清河湾物业管理公司"
			}
		case 1:
			e.Category, e.Text, e.Unit = catProperty, fmt.Sprintf("物业不作为，楼道堆物%d天没人管", i), "望春园社区"
		case 2:
			e.Category, e.Text, e.Unit = catWater, fmt.Sprintf("家里停水%d小时，自来水发黄", i), "海川区自来水公司"
		}
		h = append(h, e)
	}
	return h
}

func trainSmall(t testing.TB, h []Example) *Model {
	t.Helper()
	m, err := Train(h, Config{Areas: testAreas, Units: testUnits})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestModelRecommend(t *testing.T) {
	m := trainSmall(t, smallHistory())
	tk := func(cat [3]string, comm, title string) core.Ticket {
		return core.Ticket{Category1: cat[0], Category2: cat[1], Category3: cat[2], Community: comm, Title: title}
	}
	tests := []struct {
		name       string
		t          core.Ticket
		returnedBy []string
		want       string
		reason     string
	}{
		{"majority unit of the category", tk(catHeat, "望春园社区", "暖气不热"), nil, "海川热力公司", "相似历史工单（同为“冬季采暖”，同一社区）100 件中 80 件由 海川热力公司 办结"},
		{"after a return, the next unit", tk(catHeat, "望春园社区", "暖气不热"), []string{"海川热力公司"}, "清河湾物业管理公司", "100 件中 20 件"},
		{"own community generalises", tk(catProperty, "柳荫里社区", "物业不管"), nil, "柳荫里社区", "由 属地社区（柳荫里社区） 办结"},
		{"no category: the text decides", core.Ticket{Title: "停水了，自来水没有"}, nil, "海川区自来水公司", "模型依据：“"},
		{"unknown category: the text decides", tk([3]string{"环境保护"}, "", "暖气一点都不热"), nil, "海川热力公司", "模型依据："},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := m.Recommend(tt.t, tt.returnedBy, 3)
			if len(got) == 0 {
				t.Fatal("no suggestion")
			}
			if got[0].Unit != tt.want {
				t.Errorf("top unit %q, want %q (all: %+v)", got[0].Unit, tt.want, got)
			}
			if !strings.Contains(got[0].Reason, tt.reason) {
				t.Errorf("reason %q, want it to contain %q", got[0].Reason, tt.reason)
			}
			var sum float64
			for i, s := range got {
				sum += s.Confidence
				if s.Source != SourceModel || s.Confidence <= 0 || s.Confidence > 1 {
					t.Errorf("suggestion %d: %+v", i, s)
				}
				if i > 0 && s.Confidence > got[i-1].Confidence {
					t.Errorf("not sorted by confidence: %+v", got)
				}
				if slices.Contains(tt.returnedBy, s.Unit) {
					t.Errorf("suggested %q, which returned the ticket", s.Unit)
				}
			}
			if sum > 1+1e-9 {
				t.Errorf("confidences sum to %g", sum)
			}
		})
	}
}

func TestReturnsLowerScore(t *testing.T) {
	h := smallHistory()
	heat := core.Ticket{Category1: catHeat[0], Category2: catHeat[1], Category3: catHeat[2], Community: "望春园社区", Title: "暖气不热"}
	before := trainSmall(t, h).Recommend(heat, nil, 1)[0]
	for i := range 40 {
		h = append(h, Example{Category: catHeat, Community: "望春园社区", Text: "暖气不热", ReturnedBy: []string{"海川热力公司"}})
		_ = i
	}
	after := trainSmall(t, h).Recommend(heat, nil, 1)[0]
	if after.Unit == before.Unit && after.Confidence >= before.Confidence {
		t.Errorf("40 returns by 热力 left it at %.3f (before %.3f)", after.Confidence, before.Confidence)
	}
	if !strings.Contains(after.Reason, "退单") && after.Unit == "海川热力公司" {
		t.Errorf("reason %q does not mention the returns", after.Reason)
	}
}

func TestCoUnitsFromHistory(t *testing.T) {
	h := smallHistory()
	for i := range h {
		if h[i].Category == catWater {
			h[i].CoUnits = []string{"清河湾物业管理公司"}
		}
	}
	got := trainSmall(t, h).Recommend(core.Ticket{Category1: catWater[0], Category2: catWater[1], Category3: catWater[2],
		Community: "望春园社区"}, nil, 1)
	if len(got) == 0 || !slices.Equal(got[0].CoUnits, []string{"清河湾物业管理公司"}) {
		t.Errorf("co-units %+v, want the property company", got)
	}
}

func TestTrainRejectsEmpty(t *testing.T) {
	tests := []struct {
		name string
		h    []Example
	}{
		{"none", nil},
		{"only returns", []Example{{Text: "停水", ReturnedBy: []string{"甲"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Train(tt.h, Config{}); err == nil {
				t.Error("Train succeeded")
			}
		})
	}
}

func TestNewExample(t *testing.T) {
	base := core.Ticket{Title: "停水", Content: "三天了", Unit: "海川区自来水公司", Category1: "城乡建设", Community: "望春园社区"}
	tests := []struct {
		name     string
		status   string
		w        core.Workflow
		unit     string
		returned []string
	}{
		{"closed", core.StatusClosed, core.Workflow{ReturnedBy: []string{"城市管理办公室"}}, "海川区自来水公司", []string{"城市管理办公室"}},
		{"returned, waiting", core.StatusReturned, core.Workflow{}, "", []string{"海川区自来水公司"}},
		{"not dispatched", core.StatusReceived, core.Workflow{}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := base
			tk.Status = tt.status
			e := NewExample(tk, tt.w)
			if e.Unit != tt.unit || !slices.Equal(e.ReturnedBy, tt.returned) {
				t.Errorf("unit %q returned %q, want %q %q", e.Unit, e.ReturnedBy, tt.unit, tt.returned)
			}
			if e.Text != "停水\n三天了" || e.Category != [3]string{"城乡建设"} {
				t.Errorf("text %q category %q", e.Text, e.Category)
			}
		})
	}
}

func TestRecommender(t *testing.T) {
	m := trainSmall(t, smallHistory())
	c := NewCatalogue(testRules, testAreas, testUnits)
	// A history in which 热力 returns most heating tickets: the rule that
	// sends them there looks stale.
	h := smallHistory()
	for range 400 {
		h = append(h, Example{Category: catHeat, Community: "望春园社区", Text: "暖气不热", ReturnedBy: []string{"海川热力公司"}})
	}
	stale := trainSmall(t, h)
	heat := core.Ticket{Category1: catHeat[0], Category2: catHeat[1], Category3: catHeat[2], Community: "望春园社区", Title: "暖气不热"}
	tests := []struct {
		name       string
		rec        *Recommender
		t          core.Ticket
		returnedBy []string
		lead       string
		co         []string
		source     string
		reason     string
		human      bool
	}{
		{"rule wins", &Recommender{Catalogue: c, Model: m}, heat, nil, "海川热力公司", []string{"望春园社区"}, SourceCatalogue, "派单目录第2条：分类 城乡建设/城市建设和市政管理/冬季采暖", false},
		{"returned rule unit passed over", &Recommender{Catalogue: c, Model: m}, heat, []string{"海川热力公司"}, "清河湾物业管理公司", nil, SourceModel, "派单目录第2条指定的海川热力公司已退单；", false},
		{"stale rule passed over", &Recommender{Catalogue: c, Model: stale}, heat, nil, "清河湾物业管理公司", nil, SourceModel, "派单目录第2条指定的海川热力公司近期退回同类工单约 400 件（退单率 83%），目录可能已过时；", false},
		{"stale check off", &Recommender{Catalogue: c, Model: stale, StaleRate: -1}, heat, nil, "海川热力公司", []string{"望春园社区"}, SourceCatalogue, "派单目录第2条", false},
		{"model without catalogue", &Recommender{Model: m}, heat, nil, "海川热力公司", nil, SourceModel, "相似历史工单", false},
		{"below threshold: human queue", &Recommender{Model: m, Threshold: 0.99}, heat, nil, "海川热力公司", nil, SourceModel, "", true},
		{"nothing at all: human queue", &Recommender{}, heat, nil, "", nil, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.rec.Recommend(tt.t, tt.returnedBy, 3)
			if res.NeedsHuman != tt.human {
				t.Errorf("NeedsHuman = %v, want %v", res.NeedsHuman, tt.human)
			}
			lead, co, ok := res.Lead()
			if lead != tt.lead || !slices.Equal(co, tt.co) || ok != (tt.lead != "") {
				t.Fatalf("lead %q co %q, want %q co %q", lead, co, tt.lead, tt.co)
			}
			if !ok {
				return
			}
			s := res.Suggestions[0]
			if s.Source != tt.source || !strings.Contains(s.Reason, tt.reason) {
				t.Errorf("source %s reason %q, want %s and %q", s.Source, s.Reason, tt.source, tt.reason)
			}
			if s.Source == SourceCatalogue && s.Confidence != 1 {
				t.Errorf("rule confidence %g, want 1", s.Confidence)
			}
			seen := map[string]bool{}
			for _, x := range res.Suggestions {
				if seen[x.Unit] {
					t.Errorf("unit %q suggested twice", x.Unit)
				}
				seen[x.Unit] = true
			}
		})
	}
}

func TestSaveLoad(t *testing.T) {
	h := smallHistory()
	h[0].ReturnedBy = []string{"城市管理办公室"}
	h[1].CoUnits = []string{"清河湾物业管理公司"}
	m := trainSmall(t, h)
	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	m2, err := LoadModel(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	tickets := []core.Ticket{
		{Category1: catHeat[0], Category2: catHeat[1], Category3: catHeat[2], Community: "柳荫里社区", Title: "暖气不热"},
		{Category1: catProperty[0], Category2: catProperty[1], Category3: catProperty[2], Community: "QHW02"},
		{Title: "停水了"},
		{},
	}
	for _, tk := range tickets {
		a, b := m.Recommend(tk, nil, 5), m2.Recommend(tk, []string{}, 5)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("ticket %+v: before save %+v, after load %+v", tk, a, b)
		}
	}
	future := slices.Clone(good)
	binary.LittleEndian.PutUint16(future[len(fileMagic):], fileVersion+1)
	refuse := []struct {
		name    string
		data    []byte
		version bool
	}{
		{"empty", nil, false},
		{"not a model", []byte("一级分类,承办单位\n"), false},
		{"future version", future, true},
		{"truncated", good[:len(good)/2], false},
	}
	for _, tt := range refuse {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadModel(bytes.NewReader(tt.data))
			if err == nil {
				t.Fatal("LoadModel succeeded")
			}
			if errors.Is(err, ErrVersion) != tt.version {
				t.Errorf("error %v: errors.Is(ErrVersion) = %v, want %v", err, !tt.version, tt.version)
			}
		})
	}
}
