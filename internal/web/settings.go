package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/areas"
	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/dispatch"
	"jiceng/internal/extract"
	"jiceng/internal/hot"
	"jiceng/internal/importer"
	"jiceng/internal/open311"
	"jiceng/internal/rates"
	"jiceng/internal/search"
	"jiceng/internal/tabfile"
	"jiceng/internal/taxonomy"
	"jiceng/internal/understand"
	"jiceng/internal/workflow"
)

// The settings pages (设置): each of the street's settings is viewable as a
// table, downloadable in the form an upload takes, and replaceable by an
// upload that is checked as a whole (every bad row listed), compared with
// the setting in force and confirmed; every change is a version kept in
// the store (core.SettingStore). A change is used at once: the server
// swaps its masking dictionary, life-cycle engine, urgency rules and 三率
// formulas under running requests (liveSettings).
//
// Precedence, at start and while serving: a serve flag (-limits,
// -calendar, -dictionary, -rates; Server.Pinned) wins over the version
// stored, which wins over the built-in default.

// PinnedSetting is a setting given on the command line: it wins over the
// stored versions until the server is started without the flag.
type PinnedSetting struct {
	Flag    string // "-limits"
	File    string // the file's base name
	Content []byte // the file as read, for download
}

// liveSettings are the settings changed while serving; a nil field is the
// Server's exported field of the same name.
type liveSettings struct {
	dictionary *deid.Dictionary
	workflow   *workflow.Engine
	rates      *rates.Config
	understand *understand.Understander
	rules      *extract.Rules // the urgency rules (nil: built-in)
}

func (s *Server) dictionary() *deid.Dictionary {
	if l := s.live.Load(); l != nil && l.dictionary != nil {
		return l.dictionary
	}
	return s.Dictionary
}

func (s *Server) workflow() *workflow.Engine {
	if l := s.live.Load(); l != nil && l.workflow != nil {
		return l.workflow
	}
	return s.Workflow
}

func (s *Server) rates() *rates.Config {
	if l := s.live.Load(); l != nil && l.rates != nil {
		return l.rates
	}
	return s.Rates
}

func (s *Server) understander() *understand.Understander {
	if l := s.live.Load(); l != nil && l.understand != nil {
		return l.understand
	}
	return s.Understand
}

// Understander is the text understanding in force: Understand with the
// urgency rules and areas of the settings (nil without one).
func (s *Server) Understander() *understand.Understander { return s.understander() }

// setLive changes the live settings: fn edits a copy of them, which then
// replaces them for the requests that start after.
func (s *Server) setLive(fn func(l *liveSettings)) {
	s.liveMu.Lock()
	defer s.liveMu.Unlock()
	l := liveSettings{dictionary: s.dictionary(), workflow: s.workflow(), rates: s.rates(), understand: s.understander()}
	if old := s.live.Load(); old != nil {
		l.rules = old.rules
	}
	fn(&l)
	s.live.Store(&l)
}

// settingTable is a setting as rows of the columns of its file.
type settingTable struct {
	Columns []string
	Rows    [][]string
}

// settingDef is one setting of the pages.
type settingDef struct {
	Name, Title string
	Hint        string // what the file holds, its columns
	Accept      string // file types of the upload form
	Flag        string // the serve flag that pins it; "" for none
	Ext         string // of a generated or built-in download
	// Registry settings live in their own tables (areas, units,
	// taxonomy): the current one is read from them, an upload replaces
	// them and is kept as a version too.
	Registry bool
	key      []int // columns that identify a row in the differences; nil: the whole row

	// parse checks an uploaded file and returns its value, or the bad rows
	// (core.RowErrors) or why the file is unreadable.
	parse func(s *Server, ctx context.Context, content []byte, file string) (any, error)
	table func(v any) settingTable
	// current is the value in force.
	current func(s *Server, ctx context.Context) (any, error)
	// builtin is the built-in file, nil when the download is generated
	// from the table (registry settings) or there is none (boundaries).
	builtin func() []byte
	// apply makes v the setting in force (replacing the tables of a
	// registry setting).
	apply func(s *Server, ctx context.Context, v any) error
}

// settingDefs are the settings in the order of the list page.
var settingDefs = []*settingDef{
	{Name: core.SettingAreas, Title: "区域（街道、社区、网格）", Registry: true, Accept: ".csv,.xlsx", Ext: ".csv", key: []int{4, 5},
		Hint:  "列：街道,社区,网格（可加 街道编码,社区编码,网格编码；缺省时编码同名称）。每个网格一行，没有网格的社区一行。",
		parse: parseRegistry(areas.FromRows, func(r *dispatch.Registry, a core.Areas) { r.Areas = a }), table: areasTable, current: currentAreas, apply: applyAreas},
	{Name: core.SettingBoundaries, Title: "区域边界（GeoJSON）", Accept: ".geojson,.json", Ext: ".geojson", key: []int{0, 1},
		Hint:  "GeoJSON FeatureCollection：每个要素的 properties 写社区或网格的名称（社区、网格 或 name），geometry 为 Polygon 或 MultiPolygon（经度, 纬度）。",
		parse: parseBoundaries, table: boundariesTable, current: currentBoundaries},
	{Name: core.SettingUnits, Title: "承办单位", Registry: true, Accept: ".csv,.xlsx", Ext: ".csv", key: []int{1},
		Hint:  "列：名称（可加 编码,类型,所属社区,电话）；类型为 社区、街道科室 或 外部单位（缺省 街道科室）。",
		parse: parseRegistry(areas.UnitsFromRows, func(r *dispatch.Registry, u []core.Unit) { r.Units = u }), table: unitsTable, current: currentUnits, apply: applyUnits},
	{Name: core.SettingTaxonomy, Title: "问题分类", Registry: true, Accept: ".csv,.xlsx", Ext: ".csv",
		Hint:  "列：一级分类,二级分类,三级分类，每个末级分类一行。",
		parse: parseRegistry(taxonomy.FromRows, func(r *dispatch.Registry, c []core.Category) { r.Categories = c }), table: taxonomyTable, current: currentTaxonomy, apply: applyTaxonomy},
	{Name: core.SettingLimits, Title: "办理时限", Flag: "-limits", Accept: ".csv", Ext: ".csv", key: []int{0},
		Hint:    "CSV（UTF-8），列：urgency,contact,resolve（紧急程度,先行联系时限,办理时限），每个紧急程度一行；时限如 2h、24h、7d（自然日）、7wd（工作日）。",
		builtin: workflow.DefaultLimitsCSV,
		parse:   parseReader(workflow.LoadLimits),
		table:   limitsTable, current: func(s *Server, _ context.Context) (any, error) { return s.engine().Limits, nil },
		apply: applyWorkflow(func(e *workflow.Engine, v any) { e.Limits = v.(*workflow.Limits) })},
	{Name: core.SettingCalendar, Title: "工作日历（节假日与调休）", Flag: "-calendar", Accept: ".csv", Ext: ".csv", key: []int{0},
		Hint:    "CSV（UTF-8），列：from,to,kind,name（开始日期,结束日期,类型,名称）；类型 休（放假）或 班（周末调休上班）。",
		builtin: workflow.DefaultCalendarCSV,
		parse:   parseReader(workflow.LoadCalendar),
		table:   calendarTable, current: func(s *Server, _ context.Context) (any, error) { return s.engine().Calendar, nil },
		apply: applyWorkflow(func(e *workflow.Engine, v any) { e.Calendar = v.(*workflow.Calendar) })},
	{Name: core.SettingUrgency, Title: "紧急程度规则", Accept: ".csv", Ext: ".csv", key: []int{0, 1},
		Hint:    "CSV（UTF-8），列：kind,text,value,weight；kind 为 cue（线索词）、limit（时限）、resolved（已恢复）或 calm（不急）。",
		builtin: extract.DefaultRulesCSV,
		parse:   parseReader(extract.LoadRules),
		table:   urgencyTable, current: func(s *Server, _ context.Context) (any, error) { return s.urgencyRules(), nil },
		apply: func(s *Server, _ context.Context, v any) error {
			s.setLive(func(l *liveSettings) {
				l.rules = v.(*extract.Rules)
				if l.understand != nil {
					l.understand = l.understand.WithRules(l.rules)
				}
			})
			return nil
		}},
	{Name: core.SettingDictionary, Title: "脱敏字典", Flag: "-dictionary", Accept: ".csv", Ext: ".csv", key: []int{0},
		Hint:    "CSV（UTF-8），列：target,kind，然后每个角色一列（admin,leader,staff,community,handler,resident,…），值为 keep、mask、pseudonymise、generalise、suppress 或 scan。",
		builtin: deid.DefaultDictionaryCSV,
		parse:   parseDictionary, table: dictionaryTable,
		current: func(s *Server, _ context.Context) (any, error) { return s.dictionaryInForce(), nil },
		apply: func(s *Server, _ context.Context, v any) error {
			s.setLive(func(l *liveSettings) { l.dictionary = v.(*deid.Dictionary) })
			s.forgetTasks()
			return nil
		}},
	{Name: core.SettingRates, Title: "三率口径", Flag: "-rates", Accept: ".csv,.json", Ext: ".csv", key: []int{0},
		Hint: "CSV 两列 key,value（或 JSON 对象）：weight.response、weight.resolution、weight.satisfaction、basic_satisfied、response_base、period_basis、contact_hours.紧急、contact_hours.*、history。",
		builtin: func() []byte {
			c := rates.DefaultConfig()
			return tableCSV(ratesTable(&c))
		},
		parse: func(s *Server, _ context.Context, b []byte, _ string) (any, error) {
			c, err := rates.LoadConfig(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			return &c, nil
		},
		table: ratesTable, current: func(s *Server, _ context.Context) (any, error) {
			if c := s.rates(); c != nil {
				return c, nil
			}
			c := rates.DefaultConfig()
			return &c, nil
		},
		apply: func(s *Server, _ context.Context, v any) error {
			s.setLive(func(l *liveSettings) { l.rates = v.(*rates.Config) })
			s.ratesCache.reset()
			return nil
		}},
	{Name: core.SettingTags, Title: "高频问题标签库", Accept: ".csv", Ext: ".csv", key: []int{0},
		Hint:    "CSV（UTF-8），列：标签,一级分类,别名（多个别名用顿号分隔）。也可在“标签库”页从热点问题中接受、改名、合并。",
		builtin: func() []byte { return hot.WriteTags(nil) }, // an empty library
		parse: parseReader(func(r io.Reader) ([]hot.Tag, error) {
			b, err := io.ReadAll(io.LimitReader(r, core.MaxSettingSize))
			if err != nil {
				return nil, err
			}
			return hot.ReadTags(b)
		}),
		table: tagsTable, current: func(s *Server, ctx context.Context) (any, error) { return s.tagLibrary(ctx) }},
	{Name: core.SettingSynonyms, Title: "政策同义词表", Accept: ".txt", Ext: ".txt", key: []int{0},
		Hint:    "文本（UTF-8），每行一组同义的说法，用空格、“/”或顿号分隔，第一个为全称，如：最低生活保障 低保 低保金；# 开头为注释。政策查询和自助问答用它匹配简称；上传后检索索引按新表重建。",
		builtin: search.DefaultSynonymsFile,
		parse:   parseReader(search.ReadSynonyms),
		table:   synonymsTable,
		current: func(s *Server, ctx context.Context) (any, error) {
			syn, err := s.synonyms(ctx)
			if err == nil && syn == nil {
				syn = search.DefaultSynonyms()
			}
			return syn, err
		},
		apply: func(s *Server, ctx context.Context, v any) error {
			return s.rebuildPolicies(ctx, v.(search.Synonyms))
		}},
	{Name: core.SettingOpen311, Title: "Open311 服务目录", Registry: true, Accept: ".csv,.xlsx", Ext: ".csv", key: []int{0}, Hint: open311.ConfigHint,
		parse: parseOpen311Config, table: open311Table, current: currentOpen311, apply: applyOpen311},
	qualityChecksSetting, eligibilitySetting, gridWorkersSetting, // settings_street.go
}

func synonymsTable(v any) settingTable {
	t := settingTable{Columns: []string{"全称", "同义的说法"}}
	for _, g := range v.(search.Synonyms) {
		t.Rows = append(t.Rows, []string{g[0], strings.Join(g[1:], "、")})
	}
	return t
}

func tagsTable(v any) settingTable {
	t := settingTable{Columns: []string{"标签", "一级分类", "别名"}}
	for _, tg := range v.([]hot.Tag) {
		t.Rows = append(t.Rows, []string{tg.Name, tg.Category1, strings.Join(tg.Aliases, "、")})
	}
	return t
}

// settingTitle is the Chinese name of setting name (the name itself when
// unknown).
func settingTitle(name string) string {
	if d := settingDefOf(name); d != nil {
		return d.Title
	}
	return name
}

func settingDefOf(name string) *settingDef {
	for _, d := range settingDefs {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// engine is the life-cycle engine in force with its limits and calendar
// filled in.
func (s *Server) engine() workflow.Engine {
	var e workflow.Engine
	if w := s.workflow(); w != nil {
		e = *w
	}
	if e.Limits == nil {
		e.Limits = workflow.DefaultLimits()
	}
	if e.Calendar == nil {
		e.Calendar = workflow.DefaultCalendar()
	}
	return e
}

// urgencyRules are the urgency rules in force.
func (s *Server) urgencyRules() *extract.Rules {
	if l := s.live.Load(); l != nil && l.rules != nil {
		return l.rules
	}
	return extract.DefaultRules()
}

func (s *Server) dictionaryInForce() *deid.Dictionary {
	if d := s.dictionary(); d != nil {
		return d
	}
	return deid.DefaultDictionary()
}

// LoadSettings makes the settings stored in the database the ones in
// force, except those pinned by a flag: call it before Serve. A stored
// setting that no longer loads stops the start, naming it.
func (s *Server) LoadSettings(ctx context.Context) error {
	ss, ok := s.Store.(core.SettingStore)
	if !ok {
		return nil
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	for _, d := range settingDefs {
		if d.Registry || d.apply == nil || s.Pinned[d.Name].Flag != "" {
			continue
		}
		content, version, err := ss.Setting(ctx, d.Name)
		if core.ErrorCode(err) == core.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		v, err := d.parse(s, ctx, content, "")
		if err != nil {
			return fmt.Errorf("保存的设置「%s」第 %d 版无法载入（%s）；请在设置页面上传新版本，或用启动参数指定文件", d.Title, version, core.ErrorMessage(err))
		}
		if err := d.apply(s, ctx, v); err != nil {
			return err
		}
		s.Log.Info("setting loaded", "setting", d.Name, "version", version)
	}
	return nil
}

// settingChanged is called after every change of a setting, with the
// version now in force: the one place for the audit log of setting
// changes.
func (s *Server) settingChanged(r *http.Request, p principal, name string, version int) {
	s.Log.Info("setting changed", "setting", name, "version", version, "user_id", p.User.ID)
	s.addAudit(r, core.AuditEntry{Actor: p.User.Username, Role: p.User.Role, Action: core.AuditSetting,
		Detail: fmt.Sprintf("%s 第 %d 版", settingTitle(name), version)})
}

// mayChangeSettings reports whether p may change settings: administrators.
func mayChangeSettings(p principal) bool { return p.User.Role == core.RoleAdmin }

// settingsPage is the data of /settings.
type settingsPage struct {
	Settings  []settingRow
	Catalogue versionRow // the dispatch catalogue in force
	CanEdit   bool
}

type settingRow struct {
	Name, Title    string
	Version        int
	Author, At     string
	Source, Status string
}

// settingStatus says where the setting in force comes from.
func (s *Server) settingStatus(d *settingDef, version int) string {
	switch pin := s.Pinned[d.Name]; {
	case pin.Flag != "":
		return fmt.Sprintf("启动参数 %s %s（优先于保存的版本）", pin.Flag, pin.File)
	case version > 0:
		return fmt.Sprintf("第 %d 版", version)
	case d.Registry:
		return "数据库中的名录（命令行载入）"
	case d.builtin == nil:
		return "尚未上传"
	}
	return "内置默认"
}

func (s *Server) handleSettingsPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	ss, ok := s.Store.(core.SettingStore)
	if !ok {
		s.failPage(w, r, core.Errorf(core.EINVALID, "当前数据库不支持设置"))
		return
	}
	page := settingsPage{CanEdit: mayChangeSettings(p)}
	names := map[string]string{}
	for _, d := range settingDefs {
		row := settingRow{Name: d.Name, Title: d.Title}
		vs, err := ss.SettingVersions(r.Context(), d.Name, 1)
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		if len(vs) > 0 {
			v := vs[0]
			row.Version, row.Author, row.At, row.Source = v.Version, s.actorName(r, v.CreatedBy, names), s.formatTime(v.AppliedAt), v.Source
		}
		row.Status = s.settingStatus(d, row.Version)
		page.Settings = append(page.Settings, row)
	}
	if rs, ok := s.Store.(core.DispatchRuleStore); ok {
		cur, err := rs.CurrentCatalogue(r.Context())
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		page.Catalogue = versionRow{Version: cur.Version, CreatedAt: s.formatTime(cur.AppliedAt),
			Author: s.actorName(r, cur.CreatedBy, names), Source: cur.Source, Rules: cur.Rules}
	}
	s.render(w, r, http.StatusOK, "settings", p, page)
}

// settingPage is the data of /settings/{name}.
type settingPage struct {
	Name, Title, Hint, Accept string
	Status                    string
	Pinned                    *PinnedSetting
	Table                     settingTable
	Flags                     map[string]bool // areas: the communities and grids with a boundary, by code
	ShowFlags                 bool
	Versions                  []settingVersionRow
	Current                   int // stored version in force
	CanEdit                   bool
	Errors                    []string
	Notice                    string
	Preview                   *settingPreview
}

type settingVersionRow struct {
	Version           int
	At, Author        string
	Source            string
	Size              string
	Current           bool
	CreatedAt, Status string
}

// settingPreview shows what a staged upload changes.
type settingPreview struct {
	Version, Base int
	Source        string
	Columns       []string
	Total, Same   int
	Added         [][]string
	Removed       [][]string
	Changed       []settingChange
	Empty         bool
	More          int // rows of differences not shown
	Pinned        bool
}

type settingChange struct{ Old, New []string }

// maxShownRows bounds the rows of a table or of differences on a page.
const maxShownRows = 2000

// setting reads {name}: the definition, or a 404 page.
func (s *Server) setting(w http.ResponseWriter, r *http.Request) (*settingDef, core.SettingStore, bool) {
	d := settingDefOf(r.PathValue("name"))
	if d == nil {
		s.failPage(w, r, core.Errorf(core.ENOTFOUND, "没有这项设置"))
		return nil, nil, false
	}
	ss, ok := s.Store.(core.SettingStore)
	if !ok {
		s.failPage(w, r, core.Errorf(core.EINVALID, "当前数据库不支持设置"))
		return nil, nil, false
	}
	return d, ss, true
}

func (s *Server) renderSetting(w http.ResponseWriter, r *http.Request, p principal, d *settingDef, ss core.SettingStore, page settingPage, status int) {
	ctx := r.Context()
	page.Name, page.Title, page.Hint, page.Accept = d.Name, d.Title, d.Hint, d.Accept
	page.CanEdit = mayChangeSettings(p)
	if pin := s.Pinned[d.Name]; pin.Flag != "" {
		page.Pinned = &pin
	}
	v, err := d.current(s, ctx)
	if err == nil {
		page.Table = d.table(v)
		if d.Name == core.SettingAreas {
			page.ShowFlags = true
			page.Flags, err = s.boundaryFlags(ctx, ss)
		}
	}
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if n := len(page.Table.Rows); n > maxShownRows {
		page.Notice = strings.TrimSpace(page.Notice + fmt.Sprintf(" 共 %d 行，页面显示前 %d 行；完整内容请下载。", n, maxShownRows))
		page.Table.Rows = page.Table.Rows[:maxShownRows]
	}
	vs, err := ss.SettingVersions(ctx, d.Name, 30)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	names := map[string]string{}
	for i, v := range vs {
		if i == 0 {
			page.Current = v.Version
		}
		page.Versions = append(page.Versions, settingVersionRow{Version: v.Version, At: s.formatTime(v.AppliedAt),
			Author: s.actorName(r, v.CreatedBy, names), Source: v.Source, Size: formatSize(v.Size), Current: i == 0})
	}
	page.Status = s.settingStatus(d, page.Current)
	s.render(w, r, status, "setting", p, page)
}

func formatSize(n int) string {
	if n < 1024 {
		return strconv.Itoa(n) + " B"
	}
	if n < 1<<20 {
		return strconv.FormatFloat(float64(n)/1024, 'f', 1, 64) + " KB"
	}
	return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
}

func (s *Server) handleSettingPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	d, ss, ok := s.setting(w, r)
	if !ok {
		return
	}
	var page settingPage
	if n, err := strconv.Atoi(r.URL.Query().Get("applied")); err == nil && n > 0 {
		page.Notice = fmt.Sprintf("已启用第 %d 版%s。", n, d.Title)
		if s.Pinned[d.Name].Flag != "" {
			page.Notice = fmt.Sprintf("已保存第 %d 版%s；本次运行仍以启动参数 %s 为准，去掉该参数重启后生效。", n, d.Title, s.Pinned[d.Name].Flag)
		}
	}
	s.renderSetting(w, r, p, d, ss, page, http.StatusOK)
}

// settingAdmin answers 403 unless p may change settings; it runs before
// any upload is read.
func (s *Server) settingAdmin(w http.ResponseWriter, r *http.Request, p principal) bool {
	if !mayChangeSettings(p) {
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "只有数据管理员可以修改设置"))
		return false
	}
	return true
}

// handleSettingUpload reads an uploaded file, checks it as a whole and,
// when every row is good, stages it and shows what it changes for
// confirmation. Nothing changes before the confirmation.
func (s *Server) handleSettingUpload(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.settingAdmin(w, r, p) {
		return
	}
	d, ss, ok := s.setting(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, core.MaxSettingSize+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.failPage(w, r, core.Errorf(core.EINVALID, "上传失败：文件过大（上限 %d MB）或格式不对", core.MaxSettingSize>>20))
		return
	}
	defer r.MultipartForm.RemoveAll()
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.renderSetting(w, r, p, d, ss, settingPage{Errors: []string{"请选择要上传的文件"}}, http.StatusBadRequest)
		return
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, core.MaxSettingSize+1))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if len(content) > core.MaxSettingSize {
		s.renderSetting(w, r, p, d, ss, settingPage{Errors: []string{fmt.Sprintf("文件超过 %d MB", core.MaxSettingSize>>20)}}, http.StatusBadRequest)
		return
	}
	source := cleanSource(hdr.Filename)
	v, err := d.parse(s, r.Context(), content, source)
	if err != nil {
		s.renderSetting(w, r, p, d, ss, settingPage{Errors: rowMessages(err)}, http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	old, err := d.current(s, ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	_, base, err := ss.Setting(ctx, d.Name)
	if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
		s.failPage(w, r, err)
		return
	}
	version, err := ss.StageSetting(ctx, d.Name, content, source, p.User.Username, s.Clock.Now())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	pv := compareTables(d, d.table(old), d.table(v))
	pv.Version, pv.Base, pv.Source, pv.Pinned = version, base, source, s.Pinned[d.Name].Flag != ""
	s.Log.Info("setting staged", "setting", d.Name, "version", version, "user_id", p.User.ID)
	s.renderSetting(w, r, p, d, ss, settingPage{Preview: &pv}, http.StatusOK)
}

// handleSettingConfirm makes a staged upload the setting in force,
// provided the setting has not changed since its differences were shown.
func (s *Server) handleSettingConfirm(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.settingAdmin(w, r, p) {
		return
	}
	d, ss, ok := s.setting(w, r)
	if !ok {
		return
	}
	version, base, ok := s.confirmForm(w, r, p)
	if !ok {
		return
	}
	ctx := r.Context()
	refuse := func(err error) {
		if c := core.ErrorCode(err); c == core.ECONFLICT || c == core.ENOTFOUND || c == core.EINVALID {
			s.renderSetting(w, r, p, d, ss, settingPage{Errors: rowMessages(err)}, errorStatus(c))
			return
		}
		s.failPage(w, r, err)
	}
	sv, content, err := ss.SettingVersion(ctx, d.Name, version)
	if err == nil && (!sv.AppliedAt.IsZero() || sv.CreatedBy != p.User.Username) {
		err = core.Errorf(core.ENOTFOUND, "没有待确认的第 %d 版（可能已确认或已过期），请重新上传", version)
	}
	if err != nil {
		refuse(err)
		return
	}
	// Checked again: the registry it was checked against may have changed.
	v, err := d.parse(s, ctx, content, sv.Source)
	if err != nil {
		refuse(err)
		return
	}
	s.settingsMu.Lock()
	defer s.settingsMu.Unlock()
	pinned := s.Pinned[d.Name].Flag != ""
	if d.Registry {
		// The tables first, the version after: both or, on a failure of
		// the tables, neither.
		_, cur, err := ss.Setting(ctx, d.Name)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			s.failPage(w, r, err)
			return
		}
		if cur != base {
			refuse(core.SettingConflict(cur))
			return
		}
		if err := d.apply(s, ctx, v); err != nil {
			s.failPage(w, r, err)
			return
		}
	}
	if err := ss.ApplySetting(ctx, d.Name, version, base, p.User.Username, s.Clock.Now()); err != nil {
		refuse(err)
		return
	}
	if !d.Registry && d.apply != nil && !pinned {
		if err := d.apply(s, ctx, v); err != nil {
			s.failPage(w, r, err)
			return
		}
	}
	s.settingChanged(r, p, d.Name, version)
	http.Redirect(w, r, fmt.Sprintf("/settings/%s?applied=%d", d.Name, version), http.StatusSeeOther)
}

// handleSettingVersion downloads a version as it was uploaded, or, for
// "current", the setting in force in the form an upload takes.
func (s *Server) handleSettingVersion(w http.ResponseWriter, r *http.Request, p principal) {
	if err := authorize(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	d, ss, ok := s.setting(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	var (
		content []byte
		name    string
	)
	if r.PathValue("version") == "current" {
		var err error
		if content, name, err = s.currentFile(ctx, d, ss); err != nil {
			s.failPage(w, r, err)
			return
		}
	} else {
		n, err := strconv.Atoi(r.PathValue("version"))
		if err != nil || n < 1 {
			s.failPage(w, r, core.Errorf(core.ENOTFOUND, "没有这一版"))
			return
		}
		sv, b, err := ss.SettingVersion(ctx, d.Name, n)
		if err == nil && sv.AppliedAt.IsZero() {
			err = core.Errorf(core.ENOTFOUND, "第 %d 版尚未确认", n)
		}
		if err != nil {
			s.failPage(w, r, err)
			return
		}
		content = b
		name = fmt.Sprintf("%s-第%d版%s", d.Title, n, extOf(sv.Source, d.Ext))
	}
	w.Header().Set("Content-Type", contentType(name))
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(content)))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(content)
}

// currentFile is the setting in force as a file an upload takes: the file
// of its flag, the stored version, the built-in file, or for registry
// settings the tables written as CSV.
func (s *Server) currentFile(ctx context.Context, d *settingDef, ss core.SettingStore) ([]byte, string, error) {
	if pin := s.Pinned[d.Name]; pin.Flag != "" {
		return pin.Content, d.Title + extOf(pin.File, d.Ext), nil
	}
	if d.Registry {
		v, err := d.current(s, ctx)
		if err != nil {
			return nil, "", err
		}
		return tableCSV(d.table(v)), d.Title + ".csv", nil
	}
	content, version, err := ss.Setting(ctx, d.Name)
	switch {
	case err == nil:
		sv, _, err := ss.SettingVersion(ctx, d.Name, version)
		if err != nil {
			return nil, "", err
		}
		return content, d.Title + extOf(sv.Source, d.Ext), nil
	case core.ErrorCode(err) != core.ENOTFOUND:
		return nil, "", err
	case d.builtin == nil:
		return nil, "", core.Errorf(core.ENOTFOUND, "尚未上传%s", d.Title)
	}
	return d.builtin(), d.Title + "-内置" + d.Ext, nil
}

func extOf(file, def string) string {
	switch e := strings.ToLower(filepath.Ext(file)); e {
	case ".csv", ".xlsx", ".json", ".geojson":
		return e
	}
	return def
}

func contentType(name string) string {
	switch filepath.Ext(name) {
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".json":
		return "application/json"
	case ".geojson":
		return "application/geo+json"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "text/csv; charset=utf-8"
}

// cleanSource is an uploaded file's name as recorded: its base name,
// printable, at most 100 characters.
func cleanSource(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, name)
	if rs := []rune(name); len(rs) > 100 {
		name = string(rs[:100])
	}
	if name == "." || name == "/" {
		name = ""
	}
	return name
}

// rowMessages lists the bad rows of err, each as a Chinese sentence.
func rowMessages(err error) []string {
	var out []string
	for _, r := range core.Rows(err) {
		out = append(out, r.Error())
	}
	return out
}

// compareTables returns what replacing old by new changes, row by row,
// rows identified by d's key columns.
func compareTables(d *settingDef, old, new settingTable) settingPreview {
	pv := settingPreview{Columns: new.Columns, Total: len(new.Rows)}
	key := func(row []string) string {
		if d.key == nil {
			return strings.Join(row, "\x00")
		}
		var parts []string
		for _, i := range d.key {
			if i < len(row) {
				parts = append(parts, row[i])
			}
		}
		return strings.Join(parts, "\x00")
	}
	olds := map[string][]string{}
	for _, row := range old.Rows {
		olds[key(row)] = row
	}
	seen := map[string]bool{}
	shown := 0
	show := func() bool {
		shown++
		return shown <= maxShownRows
	}
	for _, row := range new.Rows {
		k := key(row)
		seen[k] = true
		o, ok := olds[k]
		switch {
		case !ok:
			if show() {
				pv.Added = append(pv.Added, row)
			}
		case !slices.Equal(o, row) || !slices.Equal(old.Columns, new.Columns):
			if show() {
				pv.Changed = append(pv.Changed, settingChange{Old: o, New: row})
			}
		default:
			pv.Same++
		}
	}
	for _, row := range old.Rows {
		if k := key(row); !seen[k] {
			seen[k] = true
			if show() {
				pv.Removed = append(pv.Removed, row)
			}
		}
	}
	pv.More = max(0, shown-maxShownRows)
	pv.Empty = shown == 0
	return pv
}

// tableCSV writes t as UTF-8 CSV with a byte-order mark (so that Excel
// shows the Chinese), the form the loaders read; cells that a spreadsheet
// would run as formulas are guarded (tabfile.SafeCell), which the
// importer's reader undoes.
func tableCSV(t settingTable) []byte {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	cw.Write(tabfile.SafeCells(t.Columns))
	for _, row := range t.Rows {
		cw.Write(tabfile.SafeCells(row))
	}
	cw.Flush()
	return buf.Bytes()
}

// readRows reads every record of an uploaded CSV or XLSX file, whatever
// its encoding, through the importer's readers (as jiceng registry does).
func readRows(content []byte, file string) ([][]string, error) {
	tmp, err := os.CreateTemp("", "jiceng-setting-*"+extOf(file, ".csv"))
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(content)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	rr, _, err := importer.Open(tmp.Name(), importer.ReadOptions{})
	if err != nil {
		return nil, core.Errorf(core.EINVALID, "无法读取文件：应为 CSV 或 XLSX")
	}
	defer rr.Close()
	var rows [][]string
	for {
		row, err := rr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "文件格式错误：%s", core.ErrorMessage(err))
		}
		if row.Err != "" {
			return nil, core.Errorf(core.EINVALID, "第 %d 行：%s", row.Num, row.Err)
		}
		rows = append(rows, slices.Clone(row.Cells))
	}
}

// registry is the area registry, units and taxonomy in force.
func (s *Server) registry(ctx context.Context) (dispatch.Registry, error) {
	return s.catalogueRegistry(ctx)
}

// checkCatalogue lists the rules of the dispatch catalogue that reg no
// longer has the units, categories or communities for.
func (s *Server) checkCatalogue(ctx context.Context, reg dispatch.Registry) error {
	rs, ok := s.Store.(core.DispatchRuleStore)
	if !ok {
		return nil
	}
	rules, err := rs.DispatchRules(ctx)
	if err != nil {
		return err
	}
	var bad core.RowErrors
	for _, b := range dispatch.Check(rules, nil, reg) {
		bad = append(bad, core.RowError{Reason: fmt.Sprintf("派单目录第 %d 条仍要用：%s（请先修改派单目录）", b.Row, b.Reason)})
	}
	return bad.Err("")
}

// parseReader is the parse of a setting read by load from its bytes.
func parseReader[T any](load func(io.Reader) (T, error)) func(*Server, context.Context, []byte, string) (any, error) {
	return func(_ *Server, _ context.Context, b []byte, _ string) (any, error) {
		return load(bytes.NewReader(b))
	}
}

// applyWorkflow is the apply of a life-cycle setting (limits, calendar):
// set puts it into a copy of the engine in force.
func applyWorkflow(set func(e *workflow.Engine, v any)) func(*Server, context.Context, any) error {
	return func(s *Server, _ context.Context, v any) error {
		s.setLive(func(l *liveSettings) {
			if l.workflow == nil {
				return // tickets are read-only here: no deadlines to set
			}
			e := *l.workflow
			set(&e, v)
			l.workflow = &e
		})
		return nil
	}
}

// parseRegistry is the parse of a registry setting (areas, units,
// taxonomy): the file's rows read by load, then the dispatch catalogue
// checked against the registry with them put in by set.
func parseRegistry[T any](load func([][]string) (T, error), set func(*dispatch.Registry, T)) func(*Server, context.Context, []byte, string) (any, error) {
	return func(s *Server, ctx context.Context, content []byte, file string) (any, error) {
		rows, err := readRows(content, file)
		if err != nil {
			return nil, err
		}
		v, err := load(rows)
		if err != nil {
			return nil, err
		}
		reg, err := s.registry(ctx)
		if err != nil {
			return nil, err
		}
		set(&reg, v)
		if err := s.checkCatalogue(ctx, reg); err != nil {
			return nil, err
		}
		return v, nil
	}
}

func areasTable(v any) settingTable {
	a := v.(core.Areas)
	t := settingTable{Columns: []string{"街道", "社区", "网格", "街道编码", "社区编码", "网格编码"}}
	streets := map[string]string{}
	for _, st := range a.Streets {
		streets[st.Code] = st.Name
	}
	hasGrid := map[string]bool{}
	for _, g := range a.Grids {
		hasGrid[g.Community] = true
	}
	for _, c := range a.Communities {
		if !hasGrid[c.Code] {
			t.Rows = append(t.Rows, []string{streets[c.Street], c.Name, "", c.Street, c.Code, ""})
		}
		for _, g := range a.Grids {
			if g.Community == c.Code {
				t.Rows = append(t.Rows, []string{streets[c.Street], c.Name, g.Name, c.Street, c.Code, g.Code})
			}
		}
	}
	return t
}

func currentAreas(s *Server, ctx context.Context) (any, error) { return s.Store.Areas(ctx) }

type areaReplacer interface {
	ReplaceAreas(ctx context.Context, a core.Areas) error
	ReplaceUnits(ctx context.Context, units []core.Unit) error
	ReplaceCategories(ctx context.Context, cats []core.Category) error
}

func (s *Server) areaStore() (areaReplacer, error) {
	st, ok := s.Store.(areaReplacer)
	if !ok {
		return nil, core.Errorf(core.EINVALID, "当前数据库不支持修改名录")
	}
	return st, nil
}

func applyAreas(s *Server, ctx context.Context, v any) error {
	st, err := s.areaStore()
	if err != nil {
		return err
	}
	a := v.(core.Areas)
	if err := st.ReplaceAreas(ctx, a); err != nil {
		return err
	}
	s.setLive(func(l *liveSettings) {
		if l.understand != nil {
			l.understand = l.understand.WithAreas(a)
		}
	})
	s.refreshCatalogue(ctx)
	return nil
}

// refreshCatalogue gives the dispatch recommender the registry in force.
func (s *Server) refreshCatalogue(ctx context.Context) {
	rs, ok := s.Store.(core.DispatchRuleStore)
	if !ok {
		return
	}
	rules, err := rs.DispatchRules(ctx)
	if err != nil {
		s.Log.Error("dispatch catalogue not refreshed", "err", err)
		return
	}
	s.useCatalogue(ctx, rules)
}

func unitsTable(v any) settingTable {
	t := settingTable{Columns: []string{"名称", "编码", "类型", "所属社区", "电话"}}
	for _, u := range v.([]core.Unit) {
		t.Rows = append(t.Rows, []string{u.Name, u.Code, u.Kind, u.Community, u.Phone})
	}
	return t
}

func currentUnits(s *Server, ctx context.Context) (any, error) { return s.Store.Units(ctx) }

func applyUnits(s *Server, ctx context.Context, v any) error {
	st, err := s.areaStore()
	if err != nil {
		return err
	}
	if err := st.ReplaceUnits(ctx, v.([]core.Unit)); err != nil {
		return err
	}
	s.refreshCatalogue(ctx)
	return nil
}

func taxonomyTable(v any) settingTable {
	t := settingTable{Columns: []string{"一级分类", "二级分类", "三级分类"}}
	for _, c := range v.([]core.Category) {
		t.Rows = append(t.Rows, []string{c.Level1, c.Level2, c.Level3})
	}
	return t
}

func currentTaxonomy(s *Server, ctx context.Context) (any, error) { return s.Store.Categories(ctx) }

func applyTaxonomy(s *Server, ctx context.Context, v any) error {
	st, err := s.areaStore()
	if err != nil {
		return err
	}
	return st.ReplaceCategories(ctx, v.([]core.Category))
}

func parseBoundaries(s *Server, ctx context.Context, content []byte, _ string) (any, error) {
	a, err := s.Store.Areas(ctx)
	if err != nil {
		return nil, err
	}
	return areas.ReadBoundaries(content, a)
}

func boundariesTable(v any) settingTable {
	t := settingTable{Columns: []string{"层级", "编码", "名称", "几何类型", "环数", "坐标点数"}}
	for _, b := range v.([]areas.Boundary) {
		t.Rows = append(t.Rows, []string{b.Level, b.Code, b.Name, b.Geometry, strconv.Itoa(b.Rings), strconv.Itoa(b.Points)})
	}
	return t
}

// currentBoundaries are the boundaries stored, read against today's
// registry; those of areas no longer in it are left out.
func currentBoundaries(s *Server, ctx context.Context) (any, error) {
	ss, ok := s.Store.(core.SettingStore)
	if !ok {
		return []areas.Boundary(nil), nil
	}
	content, _, err := ss.Setting(ctx, core.SettingBoundaries)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return []areas.Boundary(nil), nil
	}
	if err != nil {
		return nil, err
	}
	a, err := s.Store.Areas(ctx)
	if err != nil {
		return nil, err
	}
	bs, err := areas.ReadBoundaries(content, a)
	if err != nil {
		// The registry changed since: show the boundaries that still match.
		s.Log.Warn("stored boundaries do not match the registry", "err", core.ErrorCode(err))
		return []areas.Boundary(nil), nil
	}
	return bs, nil
}

// boundaryFlags are the communities and grids with a stored boundary,
// keyed "社区/CODE" and "网格/CODE".
func (s *Server) boundaryFlags(ctx context.Context, ss core.SettingStore) (map[string]bool, error) {
	v, err := currentBoundaries(s, ctx)
	if err != nil {
		return nil, err
	}
	flags := map[string]bool{}
	for _, b := range v.([]areas.Boundary) {
		flags[b.Level+"/"+b.Code] = true
	}
	return flags, nil
}

func limitsTable(v any) settingTable {
	l := v.(*workflow.Limits)
	t := settingTable{Columns: []string{"urgency", "contact", "resolve"}}
	for _, u := range core.Urgencies {
		c, r := l.For(u)
		t.Rows = append(t.Rows, []string{string(u), c.String(), r.String()})
	}
	return t
}

func calendarTable(v any) settingTable {
	t := settingTable{Columns: []string{"from", "to", "kind", "name"}}
	for _, d := range v.(*workflow.Calendar).Days() {
		kind := "休"
		if d.Work {
			kind = "班"
		}
		t.Rows = append(t.Rows, []string{d.Date.Format("2006-01-02"), "", kind, d.Name})
	}
	return t
}

func urgencyTable(v any) settingTable {
	ru := v.(*extract.Rules)
	t := settingTable{Columns: []string{"kind", "text", "value", "weight"}}
	for _, u := range core.Urgencies {
		if d, ok := ru.Limits[u]; ok {
			t.Rows = append(t.Rows, []string{"limit", string(u), formatDuration(d), ""})
		}
	}
	for _, c := range ru.Cues {
		w := ""
		if c.Weight != 1 {
			w = strconv.FormatFloat(c.Weight, 'f', -1, 64)
		}
		t.Rows = append(t.Rows, []string{"cue", c.Text, string(c.Level), w})
	}
	for _, x := range ru.Resolved {
		t.Rows = append(t.Rows, []string{"resolved", x, "", ""})
	}
	for _, x := range ru.Calm {
		t.Rows = append(t.Rows, []string{"calm", x, "", ""})
	}
	return t
}

// formatDuration writes a limit of the urgency rules as LoadRules reads
// it: days as "7d", others as a Go duration ("2h", "90m").
func formatDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	out := d.String()
	out = strings.TrimSuffix(out, "0s")
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}

func parseDictionary(s *Server, _ context.Context, content []byte, _ string) (any, error) {
	d, err := deid.LoadDictionary(bytes.NewReader(content))
	if err != nil {
		return nil, err
	}
	// The key comes from the configuration ($JICENG_DEID_KEY), not the file.
	d = d.WithKeyOf(s.dictionaryInForce())
	var bad core.RowErrors
	roles := d.Roles()
	for _, role := range []string{core.RoleAdmin, core.RoleLeader, core.RoleStaff, core.RoleCommunity, core.RoleHandler, casework.StoreRole} {
		if !slices.Contains(roles, role) {
			bad = append(bad, core.RowError{Row: 1, Reason: fmt.Sprintf("表头缺少角色 %s 的一列（现有：%s）", role, strings.Join(roles, ", "))})
		} else if errors.Is(d.Check(role), deid.ErrNoKey) {
			bad = append(bad, core.RowError{Reason: fmt.Sprintf("角色 %s 的规则需要假名化密钥（pseudonymise），而本服务未配置密钥 JICENG_DEID_KEY", role)})
		}
	}
	if err := bad.Err("脱敏字典"); err != nil {
		return nil, err
	}
	return d, nil
}

func dictionaryTable(v any) settingTable {
	cols, rows := v.(*deid.Dictionary).Table()
	return settingTable{Columns: cols, Rows: rows}
}

func ratesTable(v any) settingTable {
	c := v.(*rates.Config)
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	t := settingTable{Columns: []string{"key", "value"}, Rows: [][]string{
		{"weight.response", num(c.Weights.Response)},
		{"weight.resolution", num(c.Weights.Resolution)},
		{"weight.satisfaction", num(c.Weights.Satisfaction)},
		{"basic_satisfied", num(c.BasicSatisfied)},
		{"response_base", c.ResponseBase},
		{"period_basis", c.PeriodBasis},
		{"history", strconv.Itoa(c.History)},
	}}
	keys := make([]string, 0, len(c.ContactHours))
	for k := range c.ContactHours {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Rows = append(t.Rows, []string{"contact_hours." + k, num(c.ContactHours[k])})
	}
	return t
}
