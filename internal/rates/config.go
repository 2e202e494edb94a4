package rates

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
)

// Response bases: which tickets the response rate (响应率) is taken over.
const (
	// BaseDispatched counts the tickets dispatched to a unit: Unit set and
	// Status neither 受理 (not yet dispatched) nor 退单 (sent back, waiting
	// for redispatch). Tickets the hotline answered itself (no unit) are
	// not the street's to respond to.
	BaseDispatched = "dispatched"
	// BaseReceived counts every ticket received.
	BaseReceived = "received"
)

// Period bases: which tickets the resolution and satisfaction rates of a
// period are taken over.
const (
	// BasisReceived counts the tickets received in the period, so that all
	// three rates describe the same tickets. Figures of a recent period still
	// rise as late callbacks come in; run the report after them.
	BasisReceived = "received"
	// BasisCallback counts the tickets called back in the period, wherever
	// they were received: a period's figures are final at its end.
	BasisCallback = "callback"
)

// Weights weigh the three rates in the composite score (综合得分). They need
// not sum to 1: the score divides by their sum, so 0.2/0.4/0.4 and 20/40/40
// give the same 100-point score.
type Weights struct {
	Response     float64 `json:"response"`
	Resolution   float64 `json:"resolution"`
	Satisfaction float64 `json:"satisfaction"`
}

// Config is how the 三率 are computed. Official formulas vary by year and
// district, so every choice is here; start from DefaultConfig. Config is
// read only: one value may be shared by goroutines.
type Config struct {
	// Location is where months begin (nil: China Standard Time, UTC+8).
	Location *time.Location `json:"-"`
	// ResponseBase is BaseDispatched or BaseReceived.
	ResponseBase string
	// PeriodBasis is BasisReceived or BasisCallback; the response rate
	// always counts tickets by their received time.
	PeriodBasis string
	// BasicSatisfied is the weight of 基本满意 in the satisfaction rate,
	// 0..1 (满意 counts 1, 不满意 0).
	BasicSatisfied float64
	Weights        Weights
	// ContactDeadline is the latest on-time 先行联系 of a ticket (nil:
	// DefaultContactDeadline).
	ContactDeadline func(core.Ticket) time.Time `json:"-"`
	// ContactHours is the contact limit by urgency read from a config file,
	// "*" for the others; used only when ContactDeadline is nil. Empty
	// means DefaultContactDeadline.
	ContactHours map[string]float64
	// History is how many periods before the reported one the trend covers.
	History int
	// AsOf is when the figures are taken (the report's clock). A ticket not
	// yet contacted whose contact limit is after AsOf is pending and not
	// counted in the response rate. Zero: every limit has passed.
	AsOf time.Time `json:"-"`
}

// Default values.
const (
	DefaultBasicSatisfied = 0.8
	DefaultHistory        = 11 // with the reported month, a year of trend
)

// DefaultWeights are a common district practice: response 20%, resolution
// 40%, satisfaction 40%.
var DefaultWeights = Weights{Response: 0.2, Resolution: 0.4, Satisfaction: 0.4}

// DefaultConfig returns the default formulas:
//
//	响应率 = 时限内先行联系的工单 / 已派单工单（受理月）
//	解决率 = 回访“已解决”的工单 / 已回访且有解决结果的工单（受理月）
//	满意率 = (满意 + 0.8 × 基本满意) / 已回访且有满意度评价的工单（受理月）
//	综合得分 = 100 × (0.2 × 响应率 + 0.4 × 解决率 + 0.4 × 满意率)
//
// with the contact limit of DefaultContactDeadline.
func DefaultConfig() Config {
	return Config{
		ResponseBase:   BaseDispatched,
		PeriodBasis:    BasisReceived,
		BasicSatisfied: DefaultBasicSatisfied,
		Weights:        DefaultWeights,
		History:        DefaultHistory,
	}
}

// DefaultContactDeadline is ReceivedAt + 2 h for 紧急 tickets and + 24 h for
// all others: the usual 先行联系 limits of 12345 hotlines.
func DefaultContactDeadline(t core.Ticket) time.Time {
	if t.Urgency == core.UrgencyEmergency {
		return t.ReceivedAt.Add(2 * time.Hour)
	}
	return t.ReceivedAt.Add(24 * time.Hour)
}

// ContactByUrgency returns a ContactDeadline of hours[urgency] after
// ReceivedAt, hours["*"] for urgencies not listed (24 h without "*").
func ContactByUrgency(hours map[string]float64) func(core.Ticket) time.Time {
	lim := make(map[string]time.Duration, len(hours))
	for k, h := range hours {
		lim[k] = time.Duration(h * float64(time.Hour))
	}
	other, ok := lim["*"]
	if !ok {
		other = 24 * time.Hour
	}
	return func(t core.Ticket) time.Time {
		if d, ok := lim[string(t.Urgency)]; ok {
			return t.ReceivedAt.Add(d)
		}
		return t.ReceivedAt.Add(other)
	}
}

// Validate reports the first unusable setting, in Chinese.
func (c *Config) Validate() error {
	switch {
	case c.ResponseBase != BaseDispatched && c.ResponseBase != BaseReceived:
		return fmt.Errorf("响应率口径 %q 无效，应为 dispatched 或 received", c.ResponseBase)
	case c.PeriodBasis != BasisReceived && c.PeriodBasis != BasisCallback:
		return fmt.Errorf("统计口径 %q 无效，应为 received 或 callback", c.PeriodBasis)
	case !(c.BasicSatisfied >= 0 && c.BasicSatisfied <= 1):
		return fmt.Errorf("基本满意系数应在 0 到 1 之间")
	case !(c.Weights.Response >= 0 && c.Weights.Resolution >= 0 && c.Weights.Satisfaction >= 0) ||
		math.IsInf(c.Weights.Response+c.Weights.Resolution+c.Weights.Satisfaction, 0):
		return fmt.Errorf("权重不能为负数")
	case c.Weights.Response+c.Weights.Resolution+c.Weights.Satisfaction <= 0:
		return fmt.Errorf("三率权重之和应大于 0")
	case c.History < 0 || c.History > 120:
		return fmt.Errorf("趋势期数应在 0 到 120 之间")
	}
	for k, h := range c.ContactHours {
		if !(h > 0 && h <= 24*366) {
			return fmt.Errorf("先行联系时限 %s 应为正的小时数", k)
		}
	}
	return nil
}

// Zone returns where months begin: Location, or China Standard Time.
func (c *Config) Zone() *time.Location {
	if c.Location == nil {
		return core.StreetTime
	}
	return c.Location
}

func (c *Config) contactDeadline() func(core.Ticket) time.Time {
	switch {
	case c.ContactDeadline != nil:
		return c.ContactDeadline
	case len(c.ContactHours) > 0:
		return ContactByUrgency(c.ContactHours)
	}
	return DefaultContactDeadline
}

// Describe returns the formulas of c in Chinese, one a line, for a
// report's 口径说明.
func (c *Config) Describe() []string {
	base := "已派单工单（已派至承办单位，不含退单待改派）"
	if c.ResponseBase == BaseReceived {
		base = "受理工单"
	}
	basis := "按受理时间归属统计期"
	if c.PeriodBasis == BasisCallback {
		basis = "按回访时间归属统计期"
	}
	limit := "紧急工单受理后 2 小时内、其他工单 24 小时内"
	switch {
	case c.ContactDeadline != nil:
		limit = "按配置的时限"
	case len(c.ContactHours) > 0:
		keys := make([]string, 0, len(c.ContactHours))
		for k := range c.ContactHours {
			if k != "*" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %s 小时", k, fmtNum(c.ContactHours[k])))
		}
		other := 24.0
		if h, ok := c.ContactHours["*"]; ok {
			other = h
		}
		parts = append(parts, fmt.Sprintf("其他 %s 小时", fmtNum(other)))
		limit = "受理后" + strings.Join(parts, "、") + "内"
	}
	w := c.Weights
	sum := w.Response + w.Resolution + w.Satisfaction
	return []string{
		"响应率 = " + limit + "先行联系的工单数 ÷ " + base + "数（按受理时间归属统计期；尚未联系且未到时限的工单不计）",
		"解决率 = 回访确认“已解决”的工单数 ÷ 已回访且有解决结果的工单数（" + basis + "）",
		fmt.Sprintf("满意率 = (满意数 + %s × 基本满意数) ÷ 已回访且有满意度评价的工单数（%s）", fmtNum(c.BasicSatisfied), basis),
		fmt.Sprintf("综合得分 = 100 × (%s × 响应率 + %s × 解决率 + %s × 满意率)；某率无样本时按其余各率的权重折算",
			fmtNum(w.Response/sum), fmtNum(w.Resolution/sum), fmtNum(w.Satisfaction/sum)),
		"排名按综合得分（保留两位小数）从高到低，得分相同名次并列；无样本的单位不排名",
	}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// LoadConfig reads settings over DefaultConfig from a small file: a JSON
// object, or CSV lines "key,value" (a header line "key,value" and lines
// starting with # are skipped). Keys:
//
//	weight.response, weight.resolution, weight.satisfaction  三率权重
//	basic_satisfied       基本满意系数 (0..1)
//	response_base         dispatched | received
//	period_basis          received | callback
//	contact_hours.紧急     先行联系时限（小时），contact_hours.* 其他
//	history               趋势期数
//
// In JSON the values may be numbers or strings. Unknown keys are errors,
// so that a misspelt weight is not silently ignored.
func LoadConfig(r io.Reader) (Config, error) {
	c := DefaultConfig()
	b, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return c, fmt.Errorf("读取口径配置失败: %w", err)
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	type pair struct {
		k, v string
		line int // 0 in JSON
	}
	var pairs []pair
	var bad core.RowErrors
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var m map[string]any
		if err := json.Unmarshal(t, &m); err != nil {
			return c, fmt.Errorf("口径配置不是有效的 JSON")
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				pairs = append(pairs, pair{k: k, v: v})
			case float64:
				pairs = append(pairs, pair{k: k, v: fmtNum(v)})
			default:
				bad = append(bad, core.RowError{Reason: fmt.Sprintf("%s 的值应为数字或文字", k)})
			}
		}
		sort.Slice(pairs, func(i, j int) bool { return pairs[i].k < pairs[j].k })
	} else {
		cr := csv.NewReader(bufio.NewReader(bytes.NewReader(b)))
		cr.FieldsPerRecord = -1
		cr.Comment = '#'
		cr.TrimLeadingSpace = true
		first := true
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				line := 0
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					line = pe.Line
				}
				bad = append(bad, core.RowError{Row: line, Reason: "格式错误"})
				break
			}
			line, _ := cr.FieldPos(0)
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			if len(rec) != 2 {
				bad = append(bad, core.RowError{Row: line, Reason: "应为“键,值”两列"})
				continue
			}
			k := strings.TrimSpace(rec[0])
			if first {
				first = false
				if k == "key" || k == "键" {
					continue
				}
			}
			pairs = append(pairs, pair{k: k, v: strings.TrimSpace(rec[1]), line: line})
		}
	}
	for _, p := range pairs {
		if err := c.set(p.k, p.v); err != nil {
			bad = append(bad, core.RowError{Row: p.line, Reason: err.Error()})
		}
	}
	if len(bad) == 0 {
		if err := c.Validate(); err != nil {
			bad = append(bad, core.RowError{Reason: "：" + err.Error()})
		}
	}
	if err := bad.Err("口径配置"); err != nil {
		return c, err
	}
	return c, nil
}

func (c *Config) set(k, v string) error {
	num := func() (float64, error) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%s 的值 %q 不是数字", k, v)
		}
		return f, nil
	}
	var err error
	switch {
	case k == "weight.response":
		c.Weights.Response, err = num()
	case k == "weight.resolution":
		c.Weights.Resolution, err = num()
	case k == "weight.satisfaction":
		c.Weights.Satisfaction, err = num()
	case k == "basic_satisfied":
		c.BasicSatisfied, err = num()
	case k == "response_base":
		c.ResponseBase = v
	case k == "period_basis":
		c.PeriodBasis = v
	case k == "history":
		var f float64
		if f, err = num(); err == nil {
			if f != math.Trunc(f) || f < 0 || f > 120 {
				return fmt.Errorf("趋势期数应为 0 到 120 的整数")
			}
			c.History = int(f)
		}
	case strings.HasPrefix(k, "contact_hours."):
		var f float64
		if f, err = num(); err == nil {
			if c.ContactHours == nil {
				c.ContactHours = map[string]float64{}
			}
			c.ContactHours[strings.TrimPrefix(k, "contact_hours.")] = f
		}
	default:
		return fmt.Errorf("未知的键 %q", k)
	}
	return err
}
