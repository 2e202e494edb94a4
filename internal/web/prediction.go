package web

import (
	"fmt"
	"math"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/extract"
)

// predictionJSON is the API form of a ticket's prediction (智能研判).
type predictionJSON struct {
	Category1      string         `json:"category1"`
	Category2      string         `json:"category2"`
	Category3      string         `json:"category3"`
	CategoryScore  float64        `json:"category_score"`
	CategoryTerms  []string       `json:"category_terms"`
	Intent         string         `json:"intent"`
	IntentScore    float64        `json:"intent_score"`
	IntentCues     []string       `json:"intent_cues"`
	Urgency        string         `json:"urgency"`
	TimeLimitHours float64        `json:"time_limit_hours"`
	UrgencyReasons []string       `json:"urgency_reasons"`
	Places         []core.Mention `json:"places"`
	Model          string         `json:"model"`
	At             *string        `json:"at"`
	// Stored is false for a prediction made for this response because the
	// ticket has none stored yet.
	Stored bool `json:"stored"`
	// Differs names the labels where the prediction differs from the
	// human one on the ticket (category, intent, urgency); the human label
	// is the ticket's.
	Differs []string `json:"differs"`
}

// differs lists the labels of t that p predicts otherwise. A label the
// ticket lacks does not differ: the prediction fills the gap.
func differs(t core.Ticket, p core.Prediction) []string {
	out := []string{}
	if t.Category1 != "" && p.Category1 != "" &&
		(t.Category1 != p.Category1 || (t.Category2 != "" && p.Category2 != "" && t.Category2 != p.Category2)) {
		out = append(out, "category")
	}
	if t.Intent != "" && p.Intent != "" && t.Intent != p.Intent {
		out = append(out, "intent")
	}
	if t.Urgency != "" && p.Urgency != "" && t.Urgency != p.Urgency {
		out = append(out, "urgency")
	}
	return out
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (s *Server) toPredictionJSON(t core.Ticket, p core.Prediction, stored bool) *predictionJSON {
	return &predictionJSON{
		Category1: p.Category1, Category2: p.Category2, Category3: p.Category3,
		CategoryScore: round3(p.CategoryScore), CategoryTerms: orEmpty(p.CategoryTerms),
		Intent: string(p.Intent), IntentScore: round3(p.IntentScore), IntentCues: orEmpty(p.IntentCues),
		Urgency: string(p.Urgency), TimeLimitHours: p.TimeLimit.Hours(), UrgencyReasons: orEmpty(p.UrgencyReasons),
		Places: orEmpty(p.Places), Model: p.Model, At: s.timeJSON(p.At), Stored: stored, Differs: differs(t, p),
	}
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// predictionPanel is the 智能研判 panel of the ticket page.
type predictionPanel struct {
	Category     string // 城乡建设 / 市政设施 / 路灯
	CategoryConf string // 87%
	Terms        string
	Intent       string
	IntentConf   string
	Cues         string
	Urgency      string
	TimeLimit    string // 24 小时, 7 天
	Reasons      []string
	Places       []placeRow
	Differs      []string // Chinese notes where the prediction differs
	Model        string
	At           string
	Pending      bool // made for this page, not stored yet
}

type placeRow struct {
	Type, Text, Conf string
	Count            int // mentions of the place
}

var placeTypeLabels = map[string]string{
	"TOWN": "街道乡镇", "COMMUNITY": "社区", "COMPOUND": "小区", "ROAD": "道路", "BUILDING": "楼栋门牌", "ZONE": "区划代码", "ORG": "单位",
}

func percent(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }

func timeLimitText(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d 天", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%d 小时", d/time.Hour)
	}
	return d.String()
}

func (s *Server) toPredictionPanel(t core.Ticket, p core.Prediction, stored bool) *predictionPanel {
	pp := &predictionPanel{
		Intent: string(p.Intent), Urgency: string(p.Urgency), TimeLimit: timeLimitText(p.TimeLimit), Reasons: p.UrgencyReasons,
		Cues: strings.Join(p.IntentCues, "、"), Model: p.Model, At: s.formatTime(p.At), Pending: !stored,
	}
	if p.Intent != "" {
		pp.IntentConf = percent(p.IntentScore)
	}
	if p.Category1 != "" {
		pp.Category = core.CategoryPath(p.Category1, p.Category2, p.Category3)
		pp.CategoryConf = percent(p.CategoryScore)
		pp.Terms = strings.Join(p.CategoryTerms, "、")
	}
	if pp.Model == "" {
		pp.Model = "规则（未配置分类模型）"
	}
	// A place named again (in the title and the content, or by its short
	// name) is one row with its count (the API keeps every mention).
	for _, pc := range extract.CountPlaces(p.Places) {
		label := placeTypeLabels[pc.Type]
		if label == "" {
			label = pc.Type
		}
		pp.Places = append(pp.Places, placeRow{Type: label, Text: pc.Text, Conf: percent(pc.Score), Count: pc.Count})
	}
	for _, d := range differs(t, p) {
		switch d {
		case "category":
			pp.Differs = append(pp.Differs, fmt.Sprintf("预测分类与人工分类（%s）不同，以人工分类为准", t.Category1+" / "+t.Category2))
		case "intent":
			pp.Differs = append(pp.Differs, fmt.Sprintf("预测诉求类型与人工标注（%s）不同", t.Intent))
		case "urgency":
			pp.Differs = append(pp.Differs, fmt.Sprintf("预测紧急程度与工单登记（%s）不同", t.Urgency))
		}
	}
	return pp
}
