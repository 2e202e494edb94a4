package eligibility

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
)

// GridWorker is the worker (网格员) of one grid of the street's areas, as
// the street's grid_workers table names them.
type GridWorker struct {
	Community, CommunityCode string // the grid's community, by name and code
	Grid, GridCode           string // the grid, by name and code
	Name                     string // the worker's name
	Phone                    string // optional
	Account                  string // the worker's user name, optional
	Line                     int    // the row of the table (the header is row 1)
}

// GridWorkers is the street's grid → worker table (网格员), one worker a
// grid, in file order. It is not changed after loading; a nil
// *GridWorkers names nobody.
type GridWorkers struct {
	List []GridWorker
	// byPlace finds a row by the names a person record carries:
	// community\x00grid, and a grid's code or its name when unique in
	// the street.
	byPlace map[string]int
	byGrid  map[string]int
}

// gridWorkerColumns: grid (name or code), community (optional), worker,
// phone (optional), account (optional).
var gridWorkerColumns = [][]string{
	{"网格", "grid", "网格名称", "网格编码", "grid_code"},
	{"社区", "community", "社区名称", "社区编码"},
	{"网格员", "worker", "姓名", "工作人员", "负责人", "name"},
	{"电话", "phone", "联系电话", "手机", "手机号"},
	{"账号", "account", "username", "用户名", "登录账号"},
}

// Limits of a grid_workers table.
const (
	maxGridWorkers   = 100000
	maxGridWorkerLen = 200
)

// GridWorkersHeader is the header of a grid_workers table.
const GridWorkersHeader = "网格,社区,网格员,电话,账号"

// ParseGridWorkers reads the grid → worker table from records (the first
// is the header, e.g. from a CSV or XLSX file): columns 网格 (the grid's
// name or code) and 网格员 (the worker's name), optionally 社区 (name or
// code, needed when a grid's name is used in several communities), 电话
// and 账号 (the worker's user name, by which a community worker's own
// grids come first). Every grid must be one of a's, and named once. The
// error is nil or a *core.Error with code EINVALID naming every bad row
// (core.RowErrors in its chain); the good rows are returned either way, so
// that a stored table still serves when the areas change after it.
func ParseGridWorkers(records [][]string, a core.Areas) (*GridWorkers, error) {
	w := &GridWorkers{byPlace: map[string]int{}, byGrid: map[string]int{}}
	head := 1 // the header's line
	for len(records) > 0 && blank(records[0]) {
		records = records[1:]
		head++
	}
	if len(records) == 0 {
		return w, core.RowErrors{{Row: 0, Reason: "表为空：缺少表头 " + GridWorkersHeader}}.Err("网格员表")
	}
	cols := headerColumns(records[0], gridWorkerColumns)
	for i, names := range gridWorkerColumns {
		if cols[i] < 0 && (i == 0 || i == 2) {
			return w, core.RowErrors{{Row: head, Reason: fmt.Sprintf("表头应为 %s，缺少列「%s」", GridWorkersHeader, names[0])}}.Err("网格员表")
		}
	}
	if len(records)-1 > maxGridWorkers {
		return w, core.RowErrors{{Reason: fmt.Sprintf("超过 %d 行", maxGridWorkers)}}.Err("网格员表")
	}
	communities := map[string]core.Community{}
	for _, c := range a.Communities {
		communities[c.Code] = c
		if _, ok := communities[c.Name]; !ok {
			communities[c.Name] = c
		}
	}
	grids := gridIndex{byCode: map[string]core.Grid{}, byName: map[string][]core.Grid{}, communities: communities}
	for _, g := range a.Grids {
		if _, ok := grids.byCode[g.Code]; !ok {
			grids.byCode[g.Code] = g
		}
		grids.byName[g.Name] = append(grids.byName[g.Name], g)
	}
	var bad core.RowErrors
	seen := map[string]int{} // grid code → line
	for i, rec := range records[1:] {
		line := head + 1 + i
		if blank(rec) {
			continue
		}
		get := func(c int) string { return cell(rec, cols[c]) }
		grid, community, name, phone, account := get(0), get(1), get(2), get(3), get(4)
		if reason := gridWorkerCells(grid, community, name, phone, account); reason != "" {
			bad = append(bad, core.RowError{Row: line, Reason: reason})
			continue
		}
		g, reason := grids.find(grid, community)
		if reason != "" {
			bad = append(bad, core.RowError{Row: line, Reason: reason})
			continue
		}
		if prev, dup := seen[g.Code]; dup {
			bad = append(bad, core.RowError{Row: line, Reason: fmt.Sprintf("网格「%s」与第 %d 行重复：每个网格一位网格员", grid, prev)})
			continue
		}
		seen[g.Code] = line
		c := communities[g.Community]
		w.List = append(w.List, GridWorker{Community: c.Name, CommunityCode: c.Code, Grid: g.Name, GridCode: g.Code,
			Name: name, Phone: phone, Account: account, Line: line})
	}
	for i, gw := range w.List {
		w.byPlace[gw.Community+"\x00"+gw.Grid] = i
		w.byGrid[gw.GridCode] = i
		if len(grids.byName[gw.Grid]) == 1 {
			w.byGrid[gw.Grid] = i
		}
	}
	return w, bad.Err("网格员表")
}

// gridWorkerCells checks the cells of a row on their own.
func gridWorkerCells(grid, community, name, phone, account string) string {
	for _, c := range [...]struct{ col, v string }{{"网格", grid}, {"社区", community}, {"网格员", name}, {"电话", phone}, {"账号", account}} {
		if !utf8.ValidString(c.v) {
			return "「" + c.col + "」不是 UTF-8 编码的文字"
		}
		if utf8.RuneCountInString(c.v) > maxGridWorkerLen {
			return fmt.Sprintf("「%s」超过 %d 个字", c.col, maxGridWorkerLen)
		}
		if strings.IndexFunc(c.v, unicode.IsControl) >= 0 {
			return "「" + c.col + "」含有控制字符"
		}
	}
	switch {
	case grid == "":
		return "「网格」为空"
	case name == "":
		return "网格「" + grid + "」的「网格员」为空"
	case phone != "" && !validPhone(phone):
		// The number is not quoted: it is a person's.
		return "网格「" + grid + "」的「电话」格式不对（应为数字，如 010-62301234 或 13800001234）"
	case account != "" && !validAccount(account):
		return "网格「" + grid + "」的「账号」应为登录用户名（小写字母、数字和 . _ -）"
	}
	return ""
}

// gridIndex finds the grids of the areas by code and by name.
type gridIndex struct {
	byCode      map[string]core.Grid
	byName      map[string][]core.Grid
	communities map[string]core.Community // by code and by name
}

// find resolves a row's grid (a code or a name, with its community when
// given) in the areas.
func (x gridIndex) find(grid, community string) (core.Grid, string) {
	var c core.Community
	if community != "" {
		var ok bool
		if c, ok = x.communities[community]; !ok {
			return core.Grid{}, "社区「" + community + "」不在区域名录中"
		}
	}
	if g, ok := x.byCode[grid]; ok {
		if community != "" && g.Community != c.Code {
			return core.Grid{}, "网格「" + grid + "」不属于社区「" + community + "」"
		}
		return g, ""
	}
	var found []core.Grid
	for _, g := range x.byName[grid] {
		if community == "" || g.Community == c.Code {
			found = append(found, g)
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		if len(x.byName[grid]) > 0 {
			return core.Grid{}, "网格「" + grid + "」不属于社区「" + community + "」"
		}
		return core.Grid{}, "网格「" + grid + "」不在区域名录中"
	}
	var in []string
	for _, g := range found {
		in = append(in, x.communities[g.Community].Name)
	}
	return core.Grid{}, "网格「" + grid + "」在多个社区都有（" + strings.Join(in, "、") + "），请填写社区或网格编码"
}

// validPhone: digits with the separators of a written number, 3 to 20
// digits.
func validPhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-()（） 转", r):
		default:
			return false
		}
	}
	return digits >= 3 && digits <= 20
}

// validAccount: the form of a user name (package account's rule).
func validAccount(s string) bool {
	if len(s) < 2 || len(s) > 32 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case i > 0 && (r == '.' || r == '_' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// Of returns the worker of the grid a person record names: by community
// and grid name, else by the grid's code, else by its name when no other
// community has a grid of that name.
func (w *GridWorkers) Of(community, grid string) (GridWorker, bool) {
	if w == nil || grid == "" {
		return GridWorker{}, false
	}
	i, ok := w.byPlace[community+"\x00"+grid]
	if !ok {
		i, ok = w.byGrid[grid]
	}
	if !ok {
		return GridWorker{}, false
	}
	return w.List[i], true
}

// OfAccount returns the rows of the worker with user name account.
func (w *GridWorkers) OfAccount(account string) []GridWorker {
	if w == nil || account == "" {
		return nil
	}
	var out []GridWorker
	for _, gw := range w.List {
		if gw.Account == account {
			out = append(out, gw)
		}
	}
	return out
}

// Names returns the workers' names, sorted, once each.
func (w *GridWorkers) Names() []string {
	if w == nil {
		return nil
	}
	var out []string
	for _, gw := range w.List {
		out = append(out, gw.Name)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Has reports whether worker is the name or the account of a worker of
// the table.
func (w *GridWorkers) Has(worker string) bool {
	return w != nil && worker != "" && slices.ContainsFunc(w.List, func(gw GridWorker) bool { return gw.Name == worker || gw.Account == worker })
}

// Rows returns the rows of the table in file order (none for nil).
func (w *GridWorkers) Rows() []GridWorker {
	if w == nil {
		return nil
	}
	return w.List
}
