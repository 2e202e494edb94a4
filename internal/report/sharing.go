package report

// Sharing is the 数据共享 section of a monthly report (共享需求 / 价值转化):
// the figures of the sharing API per department for the report's month,
// which the caller reads (casework.SharingReport) and sets on
// Report.Sharing. A report without it has no such section or sheet.
type Sharing struct {
	Rows  []SharingRow // by department
	Total SharingRow   // Department ""
}

// SharingRow is one department's figures of the month.
type SharingRow struct {
	Department string
	Served     int // requests answered (2xx): 共享服务次数
	Refused    int // requests refused (4xx)
	Rows       int // records and tickets shared
	Cited      int // tickets cited with the requests
	Solved     int // of those, resolved (办结) in or after the month
}

// SharingSheet is the name of the workbook's 数据共享 sheet, after
// SheetNames when the report has the section.
const SharingSheet = "数据共享"

// SharingFormulas say how the sharing figures are counted (口径).
var SharingFormulas = []string{
	"服务次数：使用单位以数据共享密钥发出、成功答复（HTTP 2xx）的请求数；拒绝次数：超出密钥范围或参数错误而被拒绝（HTTP 4xx）的请求数。",
	"共享记录数：成功答复的请求所返回的记录和工单条数，每个值均按脱敏字典“共享”角色处理。",
	"引用工单数：请求中以 ticket 参数注明正在办理的工单，当月同一单位同一工单计一次；借助共享办结：其中在引用当月或以后办结的工单数。",
}

func (x *xlsxWriter) sharing(rep *Report) error {
	sh := rep.Sharing
	cols := []col{
		{"使用单位", 24, ""}, {"服务次数", 10, fmtCount}, {"拒绝次数", 10, fmtCount}, {"共享记录数", 12, fmtCount},
		{"引用工单数", 12, fmtCount}, {"借助共享办结", 14, fmtCount},
	}
	if err := x.table(SharingSheet, rep.Title+" · 数据共享", cols, len(sh.Rows)+1); err != nil {
		return err
	}
	n := 3
	for _, r := range sh.Rows {
		if err := x.row(SharingSheet, n, r.Department, r.Served, r.Refused, r.Rows, r.Cited, r.Solved); err != nil {
			return err
		}
		n++
	}
	t := sh.Total
	if err := x.row(SharingSheet, n, "合计", t.Served, t.Refused, t.Rows, t.Cited, t.Solved); err != nil {
		return err
	}
	n += 2
	if err := x.row(SharingSheet, n, "口径说明"); err != nil {
		return err
	}
	for _, f := range SharingFormulas {
		n++
		if err := x.row(SharingSheet, n, f); err != nil {
			return err
		}
	}
	return nil
}
