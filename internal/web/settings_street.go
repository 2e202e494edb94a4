package web

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/eligibility"
	"jiceng/internal/fieldset"
	"jiceng/internal/quality"
)

// The settings of the street's own rules for the registries (issue 15):
// the data-quality check file, the key-population rules and the grid →
// worker table. The service reads the version in force at every run and
// list (casework.QualityChecks, ServiceRules, GridWorkers), so none has an
// apply of its own: a confirmed version is used by the next request.

var (
	qualityChecksSetting = &settingDef{Name: core.SettingQualityChecks, Title: "数据质量检查规则", Accept: ".txt", Ext: ".txt",
		Hint: "文本（UTF-8），每行一条检查（Soda 风格）：[名称:] 指标 阈值[; 阈值...] [where 字段 条件 取值]，如 missing_percent(phone) < 5% warn; < 20% fail；" +
			"[person]、[house]、[enterprise]、[organisation] 开头的节适用于该类数据；# 后为注释。上传后“立即检查”、接口和命令行 jiceng quality run 都按此文件检查（字段集隐含的检查照常加入）。",
		builtin: func() []byte { return []byte(quality.DefaultChecksText()) },
		parse: func(_ *Server, _ context.Context, b []byte, _ string) (any, error) {
			return casework.ParseQualityChecks(b)
		},
		table: qualityChecksTable,
		current: func(s *Server, ctx context.Context) (any, error) {
			cs, _, err := s.cases().QualityChecks(ctx)
			return cs, err
		}}
	eligibilitySetting = &settingDef{Name: core.SettingEligibility, Title: "精准服务规则", Accept: ".csv", Ext: ".csv", key: []int{0},
		Hint: "CSV（UTF-8 或 GBK），列：编号,名称,条件,服务类型,周期,责任人,政策依据,说明；条件如 年龄 >= 80 且 独居；周期如 每月；政策推送规则须写政策依据。" +
			"上传后精准服务页面、接口和命令行 jiceng eligibility -db 都按此规则。",
		builtin: eligibility.DefaultRulesCSV,
		parse: func(_ *Server, _ context.Context, b []byte, _ string) (any, error) {
			return casework.ParseServiceRules(b)
		},
		table: eligibilityTable,
		current: func(s *Server, ctx context.Context) (any, error) {
			rs, _, err := s.cases().ServiceRules(ctx)
			return rs, err
		}}
	gridWorkersSetting = &settingDef{Name: core.SettingGridWorkers, Title: "网格员", Accept: ".csv", Ext: ".csv", key: []int{2},
		Hint: "CSV（UTF-8 或 GBK），列：" + eligibility.GridWorkersHeader + "；网格写名称或编码（网格名称在多个社区重复时写社区），电话和账号（登录用户名）可空。" +
			"精准服务清单按网格显示网格员，可按网格员筛选；网格员用自己的账号登录时先看到自己网格的人员。",
		parse: parseGridWorkers, table: gridWorkersTable,
		current: func(s *Server, ctx context.Context) (any, error) {
			w, _, err := s.cases().GridWorkers(ctx)
			return w, err
		}}
)

func qualityChecksTable(v any) settingTable {
	t := settingTable{Columns: []string{"类别", "名称", "检查"}}
	for _, c := range v.([]quality.Check) {
		kind := "全部类别"
		if c.RecordKind != "" {
			kind = fieldset.KindLabel[c.RecordKind]
		}
		t.Rows = append(t.Rows, []string{kind, c.Name, c.Rule()})
	}
	return t
}

func eligibilityTable(v any) settingTable {
	t := settingTable{Columns: []string{"编号", "名称", "条件", "服务类型", "周期", "责任人", "政策依据", "说明"}}
	for _, r := range v.(*eligibility.Rules).List {
		t.Rows = append(t.Rows, []string{r.ID, r.Name, r.Condition.String(), r.Service, r.Cycle.String(), r.Role, r.Policy, r.Note})
	}
	return t
}

func gridWorkersTable(v any) settingTable {
	t := settingTable{Columns: []string{"社区", "网格", "网格编码", "网格员", "电话", "账号"}}
	for _, gw := range v.(*eligibility.GridWorkers).Rows() {
		t.Rows = append(t.Rows, []string{gw.Community, gw.Grid, gw.GridCode, gw.Name, gw.Phone, gw.Account})
	}
	return t
}

// parseGridWorkers checks an uploaded grid → worker table against the
// street's areas and accounts: every bad row is listed.
func parseGridWorkers(s *Server, ctx context.Context, content []byte, _ string) (any, error) {
	a, err := s.Store.Areas(ctx)
	if err != nil {
		return nil, err
	}
	w, err := casework.ReadGridWorkers(content, a)
	if w == nil {
		return nil, err
	}
	bad := core.RowErrors(core.Rows(err))
	for _, gw := range w.Rows() {
		if gw.Account == "" {
			continue
		}
		_, uerr := s.Store.UserByUsername(ctx, gw.Account)
		switch core.ErrorCode(uerr) {
		case "":
		case core.ENOTFOUND:
			bad = append(bad, core.RowError{Row: gw.Line, Reason: fmt.Sprintf("网格「%s」的账号「%s」不存在", gw.Grid, gw.Account)})
		default:
			return nil, uerr
		}
	}
	if len(bad) > 0 {
		sortRowErrors(bad)
		return nil, bad.Err("网格员表")
	}
	return w, nil
}

// sortRowErrors orders bad rows by their line.
func sortRowErrors(rs core.RowErrors) {
	slices.SortStableFunc(rs, func(a, b core.RowError) int { return cmp.Compare(a.Row, b.Row) })
}
