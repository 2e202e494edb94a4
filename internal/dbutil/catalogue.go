package dbutil

import (
	"encoding/json"
	"fmt"
	"strings"

	"jiceng/internal/core"
)

// CheckRules refuses rules a catalogue cannot hold: one without a unit.
func CheckRules(rules []core.DispatchRule) error {
	for i, r := range rules {
		if strings.TrimSpace(r.Unit) == "" {
			return core.Errorf(core.EINVALID, "派单目录第 %d 条缺少承办单位", i+1)
		}
	}
	return nil
}

// CatalogueConflict is the error of a confirmation made against another
// catalogue than cur, the one in force now.
func CatalogueConflict(cur core.CatalogueVersion) error {
	who := cur.CreatedBy
	if who == "" {
		who = "他人"
	}
	return core.Errorf(core.ECONFLICT, "派单目录已被 %s 更新为第 %d 版，请重新上传并核对差异", who, cur.Version)
}

// ruleJSON is how a dispatch rule is kept in a catalogue version: the
// migrations that turned the catalogue in force into version 1 build the
// same keys in SQL.
type ruleJSON struct {
	Category1 string   `json:"category1"`
	Category2 string   `json:"category2"`
	Category3 string   `json:"category3"`
	Keywords  []string `json:"keywords"`
	Community string   `json:"community"`
	Unit      string   `json:"unit"`
	CoUnits   []string `json:"co_units"`
	Priority  int      `json:"priority"`
	Note      string   `json:"note"`
}

// RulesJSON encodes the rules of a catalogue version.
func RulesJSON(rules []core.DispatchRule) (string, error) {
	out := make([]ruleJSON, len(rules))
	for i, r := range rules {
		out[i] = ruleJSON{r.Category1, r.Category2, r.Category3, r.Keywords, r.Community, r.Unit, r.CoUnits, r.Priority, r.Note}
	}
	b, err := json.Marshal(out)
	return string(b), err
}

// ParseRules decodes RulesJSON; rule IDs are their 1-based positions.
func ParseRules(s string) ([]core.DispatchRule, error) {
	var in []ruleJSON
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("catalogue version rules: %w", err)
	}
	rules := make([]core.DispatchRule, len(in))
	for i, r := range in {
		rules[i] = core.DispatchRule{ID: int64(i + 1), Category1: r.Category1, Category2: r.Category2, Category3: r.Category3,
			Keywords: nilIfEmpty(r.Keywords), Community: r.Community, Unit: r.Unit, CoUnits: nilIfEmpty(r.CoUnits),
			Priority: r.Priority, Note: r.Note}
	}
	return rules, nil
}
