package eligibility

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"jiceng/internal/core"
)

//go:embed rules.csv
var rulesCSV string

// ServicePolicy is the service type (服务类型) of policy-push rules: their
// matches go to the policy-push list with the rule's 政策依据.
const ServicePolicy = "政策推送"

// Rule is one eligibility rule (精准服务规则) of a rule file.
type Rule struct {
	ID        string     // 编号, unique in the file
	Name      string     // 名称
	Condition *Condition // 条件
	Service   string     // 服务类型: 上门走访, 电话问候, 补贴申领, 政策推送, ...
	Cycle     Cycle      // 周期; CycleNone for a one-off service
	Role      string     // 责任人: the role that serves, e.g. 网格员, 民政专干
	Policy    string     // 政策依据
	Note      string     // 说明
	Line      int        // the rule's line in its file
}

// Rules is a loaded rule file, in file order. It is not changed after
// loading and is safe for concurrent use.
type Rules struct {
	List []*Rule
}

// ruleColumns are the columns of a rule file: canonical name first, then
// aliases. The first four are required.
var ruleColumns = [][]string{
	{"编号", "id", "规则编号"},
	{"名称", "name", "规则名称"},
	{"条件", "condition", "适用条件"},
	{"服务类型", "service", "服务"},
	{"周期", "cycle", "服务周期", "走访周期"},
	{"责任人", "role", "责任岗位"},
	{"政策依据", "policy", "依据"},
	{"说明", "note", "备注"},
}

const requiredColumns = 4

var defaultRules = sync.OnceValue(func() *Rules {
	r, err := LoadRules(strings.NewReader(rulesCSV))
	if err != nil {
		panic("eligibility: embedded rules.csv: " + err.Error())
	}
	return r
})

// DefaultRules returns the rules of the embedded rules.csv, a default set
// for a Beijing street; a street loads its own file with LoadRules.
func DefaultRules() *Rules { return defaultRules() }

// DefaultRulesCSV returns the embedded rules.csv.
func DefaultRulesCSV() []byte { return []byte(rulesCSV) }

// Limits of a rule file.
const (
	maxRules = 10000
	maxCell  = 4096
)

// LoadRules reads a rule file: UTF-8 CSV (a BOM is dropped; lines starting
// with # are comments) with the header
// 编号,名称,条件,服务类型[,周期,责任人,政策依据,说明] (columns in any order,
// or by their English names id,name,condition,service,cycle,role,policy,
// note) and one rule a line. 条件 is a condition (see Condition); 周期 is
// empty or one of the cycles of ParseCycle; a 政策推送 rule needs a
// 政策依据. Every bad line is reported, not only the first: the error is
// a *core.Error with code EINVALID whose message names each line, rule,
// column and, for a condition, the character position.
func LoadRules(r io.Reader) (*Rules, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(3); string(head) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	// As a text editor leaves it: 重点人群 包含 "低保" in a cell without
	// quotes around it.
	cr.LazyQuotes = true
	var (
		cols []int
		bad  core.RowErrors
		out  = &Rules{}
		ids  = map[string]int{}
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &core.Error{Code: core.EINVALID, Message: fmt.Sprintf("规则表第 %d 行不是合法的 CSV", pe.Line), Err: err}
			}
			return nil, &core.Error{Code: core.EINVALID, Message: "规则表读取失败", Err: err}
		}
		line, _ := cr.FieldPos(0)
		if !validUTF8(rec) {
			if cols == nil {
				return nil, core.Errorf(core.EINVALID, "规则表第 %d 行不是 UTF-8 编码，请在 Excel 中另存为“CSV UTF-8”", line)
			}
			bad = append(bad, core.RowError{Row: line, Reason: "不是 UTF-8 编码"})
			continue
		}
		if cols == nil {
			if cols, err = ruleHeader(rec); err != nil {
				return nil, core.Errorf(core.EINVALID, "规则表第 %d 行：%s", line, err.Error())
			}
			continue
		}
		if blank(rec) {
			continue
		}
		if len(out.List) >= maxRules {
			return nil, core.Errorf(core.EINVALID, "规则表超过 %d 条规则", maxRules)
		}
		rule, reason := ruleOf(rec, cols, line)
		if reason == "" {
			if prev, dup := ids[rule.ID]; dup {
				reason = fmt.Sprintf("规则编号「%s」与第 %d 行重复", rule.ID, prev)
			}
		}
		if reason != "" {
			bad = append(bad, core.RowError{Row: line, Reason: reason})
			continue
		}
		ids[rule.ID] = line
		out.List = append(out.List, rule)
	}
	if cols == nil {
		return nil, core.Errorf(core.EINVALID, "规则表为空：缺少表头 编号,名称,条件,服务类型,周期,责任人,政策依据,说明")
	}
	if err := bad.Err("规则表"); err != nil {
		return nil, err
	}
	if len(out.List) == 0 {
		return nil, core.Errorf(core.EINVALID, "规则表没有规则")
	}
	return out, nil
}

func validUTF8(rec []string) bool {
	for _, c := range rec {
		if !utf8.ValidString(c) {
			return false
		}
	}
	return true
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// ruleHeader finds the columns of ruleColumns (-1: absent) in a header.
func ruleHeader(rec []string) ([]int, error) {
	cols := make([]int, len(ruleColumns))
	for i, names := range ruleColumns {
		cols[i] = -1
		for j, h := range rec {
			h = strings.ToLower(strings.TrimSpace(h))
			for _, n := range names {
				if h == n {
					if cols[i] >= 0 {
						return nil, fmt.Errorf("列「%s」出现了两次", names[0])
					}
					cols[i] = j
				}
			}
		}
		if cols[i] < 0 && i < requiredColumns {
			return nil, fmt.Errorf("表头应为 编号,名称,条件,服务类型,周期,责任人,政策依据,说明，缺少列「%s」", names[0])
		}
	}
	return cols, nil
}

// ruleOf reads one rule, or says why it cannot.
func ruleOf(rec []string, cols []int, line int) (*Rule, string) {
	get := func(i int) string {
		if cols[i] >= 0 && cols[i] < len(rec) {
			return strings.TrimSpace(rec[cols[i]])
		}
		return ""
	}
	for i := range ruleColumns {
		if len(get(i)) > maxCell {
			return nil, fmt.Sprintf("「%s」超过 %d 字节", ruleColumns[i][0], maxCell)
		}
	}
	r := &Rule{ID: get(0), Name: get(1), Service: get(3), Role: get(5), Policy: get(6), Note: get(7), Line: line}
	if r.ID == "" {
		return nil, "「编号」为空"
	}
	who := "规则「" + r.ID + "」"
	if r.Name == "" {
		return nil, who + "的「名称」为空"
	}
	who = "规则「" + r.ID + " " + r.Name + "」"
	cond, err := ParseCondition(get(2))
	if err != nil {
		return nil, who + "的「条件」" + err.Error()
	}
	r.Condition = cond
	if r.Service == "" {
		return nil, who + "的「服务类型」为空"
	}
	if r.Cycle, err = ParseCycle(get(4)); err != nil {
		return nil, who + "的「周期」" + err.Error()
	}
	if r.Service == ServicePolicy && r.Policy == "" {
		return nil, who + "是政策推送，「政策依据」不能为空"
	}
	return r, ""
}

// Rule returns the rule with id, or nil.
func (rs *Rules) Rule(id string) *Rule {
	for _, r := range rs.List {
		if r.ID == id {
			return r
		}
	}
	return nil
}
