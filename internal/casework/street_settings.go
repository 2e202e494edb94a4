package casework

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/eligibility"
	"jiceng/internal/quality"
	"jiceng/internal/tabfile"
)

// The street's own rules for the registries, kept as settings
// (core.SettingStore, issue 15): the data-quality check file
// (core.SettingQualityChecks), the key-population rules
// (core.SettingEligibility) and the grid → worker table
// (core.SettingGridWorkers). Every run and list reads the version in
// force, so that a version confirmed on the settings page is used by the
// next one, in the page, the API and the command line alike. Without a
// stored version (or a store without settings) the built-in check file
// and rules are used, and no grid has a worker.

// storedSetting returns the content and version of setting name in force;
// version 0 when none was applied or the store keeps no settings.
func (s *Service) storedSetting(ctx context.Context, name string) ([]byte, int, error) {
	ss, ok := s.Store.(core.SettingStore)
	if !ok {
		return nil, 0, nil
	}
	content, version, err := ss.Setting(ctx, name)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	return content, version, nil
}

// brokenSetting is the error of a stored setting that no longer loads.
func brokenSetting(title string, version int, err error) error {
	return &core.Error{Code: core.EINVALID, Err: err,
		Message: fmt.Sprintf("保存的%s第 %d 版无法载入（%s）；请在设置页面上传新版本", title, version, core.ErrorMessage(err))}
}

// QualityChecks returns the street's check file in force, parsed, and its
// version; the built-in check file (quality.DefaultChecks) and version 0
// when the street has none.
func (s *Service) QualityChecks(ctx context.Context) ([]quality.Check, int, error) {
	content, version, err := s.storedSetting(ctx, core.SettingQualityChecks)
	if err != nil || version == 0 {
		return quality.DefaultChecks(), 0, err
	}
	checks, err := ParseQualityChecks(content)
	if err != nil {
		return nil, version, brokenSetting("数据质量检查规则", version, err)
	}
	return checks, version, nil
}

// ParseQualityChecks reads an uploaded check file (UTF-8, GBK or
// GB18030): every bad line is an EINVALID row error with its column.
func ParseQualityChecks(content []byte) ([]quality.Check, error) {
	text, err := tabfile.ReadSmall(bytes.NewReader(content))
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "检查文件无法读取：%s", core.ErrorMessage(err))
	}
	checks, err := quality.ParseChecksAll(text)
	if err != nil {
		return nil, core.RowErrors(core.Rows(err)).Err("检查文件")
	}
	return checks, nil
}

// ServiceRules returns the street's key-population rules in force and
// their version; the built-in rules (eligibility.DefaultRules) and
// version 0 when the street has none.
func (s *Service) ServiceRules(ctx context.Context) (*eligibility.Rules, int, error) {
	content, version, err := s.storedSetting(ctx, core.SettingEligibility)
	if err != nil || version == 0 {
		return eligibility.DefaultRules(), 0, err
	}
	rules, err := ParseServiceRules(content)
	if err != nil {
		return nil, version, brokenSetting("精准服务规则", version, err)
	}
	return rules, version, nil
}

// ParseServiceRules reads an uploaded rule file (UTF-8, GBK or GB18030),
// every bad line reported (eligibility.LoadRules).
func ParseServiceRules(content []byte) (*eligibility.Rules, error) {
	text, err := tabfile.ReadSmall(bytes.NewReader(content))
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "规则表无法读取：%s", core.ErrorMessage(err))
	}
	return eligibility.LoadRules(strings.NewReader(text))
}

// GridWorkers returns the street's grid → worker table in force, read
// against today's areas, and its version; nil and 0 when the street has
// none. Rows whose grid the areas no longer have are left out (the table
// was checked against the areas of its upload).
func (s *Service) GridWorkers(ctx context.Context) (*eligibility.GridWorkers, int, error) {
	content, version, err := s.storedSetting(ctx, core.SettingGridWorkers)
	if err != nil || version == 0 {
		return nil, 0, err
	}
	a, err := s.Store.Areas(ctx)
	if err != nil {
		return nil, version, err
	}
	w, err := ReadGridWorkers(content, a)
	if w == nil {
		return nil, version, brokenSetting("网格员表", version, err)
	}
	return w, version, nil
}

// ReadGridWorkers reads a grid → worker table from a CSV file (any
// encoding of tabfile.Decode) against the areas a. The error lists every
// bad row (core.RowErrors in its chain); the good rows come with it. A
// file that cannot be read at all gives nil.
func ReadGridWorkers(content []byte, a core.Areas) (*eligibility.GridWorkers, error) {
	rr, err := tabfile.NewCSVReader(bytes.NewReader(content), io.NopCloser(nil))
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "网格员表无法读取：%s", core.ErrorMessage(err))
	}
	defer rr.Close()
	var (
		records [][]string
		bad     core.RowErrors
	)
	for {
		row, err := rr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "网格员表格式错误：%s", core.ErrorMessage(err))
		}
		// Records stay at their line (ParseGridWorkers numbers them so):
		// a refused row is a blank one.
		for len(records) < row.Num-1 {
			records = append(records, nil)
		}
		if row.Err != "" {
			if row.Num == 1 {
				return nil, core.Errorf(core.EINVALID, "网格员表第 1 行：%s", row.Err)
			}
			bad = append(bad, core.RowError{Row: row.Num, Reason: row.Err})
			records = append(records, nil)
			continue
		}
		records = append(records, slices.Clone(row.Cells))
	}
	w, err := eligibility.ParseGridWorkers(records, a)
	if len(bad) == 0 {
		return w, err
	}
	all := append(bad, core.Rows(err)...)
	slices.SortStableFunc(all, func(x, y core.RowError) int { return cmp.Compare(x.Row, y.Row) })
	return w, all.Err("网格员表")
}
