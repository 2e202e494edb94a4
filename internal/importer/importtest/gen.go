// Package importtest writes synthetic hotline exports (工单明细) for the
// importer's tests and benchmarks: the usual Chinese headers, realistic
// cell lengths, deterministic content. The people, phones and addresses are
// made up.
package importtest

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Header is the header of the rows Row writes.
var Header = []string{"工单编号", "来源渠道", "来电时间", "来电人", "联系电话", "地址", "所属社区",
	"诉求内容", "问题分类", "诉求类型", "承办单位", "工单状态", "办结时间", "满意度", "是否解决"}

var (
	communities = []string{"幸福社区", "和平社区", "光明社区", "团结社区", "新华社区", "朝阳社区"}
	categories  = []string{"市政设施", "环境保护", "物业管理", "交通出行", "社会保障", "市场监管"}
	units       = []string{"城管科", "环保科", "住建科", "平安办", "社区服务中心", "市场监管所"}
	intents     = []string{"咨询", "求助", "投诉", "举报", "建议"}
	statuses    = []string{"已办结", "处理中", "待签收", "已回访", "已退回"}
	sats        = []string{"非常满意", "满意", "基本满意", "不满意", ""}
	contents    = []string{
		"反映小区楼道照明灯损坏多日，夜间出行不便，请尽快安排维修。",
		"反映附近工地夜间施工噪音扰民，影响居民休息，希望相关部门查处。",
		"咨询老年人高龄津贴的申领条件和办理流程，需要准备哪些材料。",
		"反映小区门口道路积水严重，雨后无法通行，请求疏通排水管道。",
		"投诉小区物业不作为，垃圾清运不及时，楼道堆放杂物存在消防隐患。",
	}
)

// Number returns the ticket number of row i.
func Number(i int) string { return fmt.Sprintf("GD%010d", i) }

// Row fills rec with row i (0-based) under Header.
func Row(i int, rec []string) []string {
	rec = rec[:0]
	at := time.Date(2024, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * 97 * time.Second)
	resolvedAt, sat, resolved := "", "", ""
	status := statuses[i%len(statuses)]
	if status == "已办结" || status == "已回访" {
		resolvedAt = at.Add(26 * time.Hour).Format("2006/1/2 15:04")
		sat = sats[i%len(sats)]
		resolved = []string{"是", "否", "已解决"}[i%3]
	}
	return append(rec,
		Number(i),
		"12345",
		at.Format("2006-01-02 15:04:05"),
		"居民"+fmt.Sprint(i%997),
		fmt.Sprintf("13%d%08d", 5+i%5, i%100000000),
		fmt.Sprintf("示例路%d号%d单元", i%300+1, i%6+1),
		communities[i%len(communities)],
		contents[i%len(contents)],
		categories[i%len(categories)],
		intents[i%len(intents)],
		units[i%len(units)],
		status,
		resolvedAt,
		sat,
		resolved,
	)
}

// WriteCSV writes a UTF-8 CSV with a title row, Header and rows
// first..first+n-1.
func WriteCSV(w io.Writer, first, n int) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	cw := csv.NewWriter(bw)
	cw.Write([]string{"2024年工单明细"})
	cw.Write(Header)
	rec := make([]string, 0, len(Header))
	for i := first; i < first+n; i++ {
		rec = Row(i, rec)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// CSVFile writes n generated rows (WriteCSV from row 0) to a file in a
// temporary directory of tb and returns its path.
func CSVFile(tb testing.TB, n int) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "bench.csv")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	if err := WriteCSV(f, 0, n); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}
