package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A setting (设置) is one of the street's configuration files kept in the
// database: the file as uploaded, one version per change. Names are the
// Setting* constants.
const (
	SettingAreas      = "areas"      // 区域（街道、社区、网格）
	SettingBoundaries = "boundaries" // 区域边界 (GeoJSON)
	SettingUnits      = "units"      // 承办单位
	SettingTaxonomy   = "taxonomy"   // 问题分类
	SettingLimits     = "limits"     // 办理时限
	SettingCalendar   = "calendar"   // 工作日历
	SettingUrgency    = "urgency"    // 紧急程度规则
	SettingDictionary = "dictionary" // 脱敏字典
	SettingRates      = "rates"      // 三率口径
	SettingTags       = "tags"       // 高频问题标签库
	SettingSynonyms   = "synonyms"   // 政策同义词表
	SettingOpen311    = "open311"    // Open311 服务目录
	// The street's own rules for the base registries (issue 15).
	SettingQualityChecks = "quality_checks" // 数据质量检查规则
	SettingEligibility   = "eligibility"    // 精准服务规则
	SettingGridWorkers   = "grid_workers"   // 网格员
)

// MaxSettingSize bounds the content of one setting version.
const MaxSettingSize = 20 << 20

// SettingVersion describes one version of a setting.
type SettingVersion struct {
	Name      string
	Version   int       // 1, 2, ... per name, in the order they were uploaded
	Source    string    // the file name, or "恢复第 N 版"
	CreatedBy string    // user name, or "cli" for the command line
	CreatedAt time.Time // when it was uploaded
	AppliedAt time.Time // when it took effect; zero while staged
	Size      int       // bytes of content
}

// SettingStore keeps the versions of the street's settings. A version is
// staged (uploaded, checked, awaiting its uploader's confirmation) or
// applied; the setting in force is the version applied last.
type SettingStore interface {
	// PutSetting records content as a new version of name, applied at once,
	// and returns its version.
	PutSetting(ctx context.Context, name string, content []byte, source, by string, at time.Time) (int, error)
	// Setting returns the content and version of the setting in force, or
	// ENOTFOUND when none was ever applied.
	Setting(ctx context.Context, name string) ([]byte, int, error)
	// SettingVersions returns the applied versions of name, newest first,
	// at most limit.
	SettingVersions(ctx context.Context, name string, limit int) ([]SettingVersion, error)
	// SettingVersion returns one version (applied or staged) with its
	// content, or ENOTFOUND.
	SettingVersion(ctx context.Context, name string, version int) (SettingVersion, []byte, error)
	// StageSetting records content as a version of name awaiting
	// confirmation by by; it drops by's earlier staged versions of name and
	// anyone's staged for more than a day.
	StageSetting(ctx context.Context, name string, content []byte, source, by string, at time.Time) (int, error)
	// ApplySetting makes a version staged by by the one in force, provided
	// the version in force is still base (0: none); otherwise ECONFLICT. An
	// unknown, applied or someone else's version is ENOTFOUND.
	ApplySetting(ctx context.Context, name string, version, base int, by string, at time.Time) error
}

// CheckSetting refuses a name or content a SettingStore does not take.
func CheckSetting(name string, content []byte) error {
	if name == "" || len(name) > 40 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz_0123456789") != "" || name[0] < 'a' || name[0] > 'z' {
		return Errorf(EINVALID, "设置名称 %q 无效", name)
	}
	if len(content) > MaxSettingSize {
		return Errorf(EINVALID, "设置文件超过 %d MB", MaxSettingSize>>20)
	}
	return nil
}

// SettingConflict is the error of ApplySetting when the setting changed
// since the preview.
func SettingConflict(current int) error {
	return Errorf(ECONFLICT, "设置已被改为第 %d 版，差异已过时：请重新上传", current)
}

// RowError is one bad row of an uploaded file: its line (1 is the first
// line of the file; 0 for the file as a whole) and the reason, in Chinese.
type RowError struct {
	Row    int
	Reason string
}

func (e RowError) Error() string {
	if e.Row <= 0 {
		return e.Reason
	}
	return fmt.Sprintf("第 %d 行：%s", e.Row, e.Reason)
}

// RowErrors are all the bad rows of a file. As an error it is EINVALID
// (through AsError) with every row on a line of its message.
type RowErrors []RowError

func (rs RowErrors) Error() string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(r.Error())
	}
	return b.String()
}

// Err returns rs as an EINVALID *Error that lists every row (prefixed by
// what, e.g. "时限表"), or nil when rs is empty.
func (rs RowErrors) Err(what string) error {
	if len(rs) == 0 {
		return nil
	}
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = what + r.Error()
	}
	return &Error{Code: EINVALID, Message: strings.Join(lines, "\n"), Err: rs}
}

// Rows returns the bad rows err lists: those of a RowErrors in its chain,
// or else err's message as one row (the user-safe Message of an *Error;
// the text of other errors, which callers use for loaders' messages).
func Rows(err error) []RowError {
	if err == nil {
		return nil
	}
	var rs RowErrors
	if errors.As(err, &rs) {
		return rs
	}
	var e *Error
	if errors.As(err, &e) {
		return []RowError{{Reason: ErrorMessage(err)}}
	}
	return []RowError{{Reason: err.Error()}}
}
