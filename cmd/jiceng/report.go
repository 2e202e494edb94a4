package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/rates"
	"jiceng/internal/report"
	"jiceng/internal/tabfile"
)

// runReport implements "jiceng report monthly|quarterly": the 三率 report
// (月报季评) of a month or quarter, with the trend over the periods before,
// as XLSX or printable HTML.
func runReport(ctx context.Context, e *env, args []string) error {
	usageLine := "report monthly -month 2025-03 -out FILE [-format xlsx|html] [-db DSN] [-config FILE] [-history N] [-lost N]\n" +
		"       jiceng report quarterly -quarter 2025Q1 -out FILE [...]"
	if len(args) == 0 || (args[0] != "monthly" && args[0] != "quarterly") {
		if len(args) > 0 && args[0] != "-h" && args[0] != "--help" && args[0] != "help" {
			fmt.Fprintf(e.stderr, "jiceng report: 未知的报表 %q，应为 monthly（月报）或 quarterly（季报）\n", args[0])
		}
		fmt.Fprintf(e.stderr, "用法: jiceng %s\n", usageLine)
		return errUsage
	}
	kind := args[0]
	fs := newFlagSet(e, "report "+kind, usageLine)
	var periodFlag *string
	if kind == "monthly" {
		periodFlag = fs.String("month", "", "统计月份，如 2025-03（必填）")
	} else {
		periodFlag = fs.String("quarter", "", "统计季度，如 2025Q1（必填）")
	}
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	out := fs.String("out", "", "输出文件（必填）；HTML 可用 - 表示标准输出")
	format := fs.String("format", "", "输出格式 xlsx 或 html；默认按 -out 的扩展名")
	configFile := fs.String("config", "", "三率口径配置文件（CSV 键,值 或 JSON）；默认用内置口径")
	history := fs.Int("history", -1, "趋势包含本期之前的期数；默认月报 11 期、季报 3 期，或按口径配置")
	lost := fs.Int("lost", report.DefaultLostLimit, "失分工单最多列出的件数；-1 表示全部")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	usage := func(format string, a ...any) error {
		fmt.Fprintf(e.stderr, "jiceng report: "+format+"\n", a...)
		fs.Usage()
		return errUsage
	}
	switch {
	case fs.NArg() > 0:
		return usage("多余的参数 %q", fs.Arg(0))
	case *periodFlag == "" && kind == "monthly":
		return usage("缺少 -month 统计月份")
	case *periodFlag == "":
		return usage("缺少 -quarter 统计季度")
	case *out == "":
		return usage("缺少 -out 输出文件")
	}
	p, err := rates.ParsePeriod(*periodFlag)
	if err != nil {
		return core.Errorf(core.EINVALID, "%s", err.Error())
	}
	if want := map[string]string{"monthly": rates.Monthly, "quarterly": rates.Quarterly}[kind]; p.Kind != want {
		if kind == "monthly" {
			return usage("-month 应为月份，如 2025-03")
		}
		return usage("-quarter 应为季度，如 2025Q1")
	}
	if *format == "" {
		switch strings.ToLower(filepath.Ext(*out)) {
		case ".xlsx":
			*format = "xlsx"
		case ".html", ".htm":
			*format = "html"
		default:
			return usage("无法从 -out 的扩展名判断格式，请用 -format xlsx 或 html")
		}
	}
	if *format != "xlsx" && *format != "html" {
		return usage("-format 应为 xlsx 或 html")
	}
	if *format == "xlsx" && *out == "-" {
		return usage("XLSX 不能写到标准输出，请用 -out 指定文件")
	}

	cfg := rates.DefaultConfig()
	if kind == "quarterly" {
		cfg.History = 3
	}
	if *configFile != "" {
		r, err := os.Open(*configFile)
		if err != nil {
			return core.Errorf(core.EINVALID, "无法打开口径配置文件 %s", filepath.Base(*configFile))
		}
		cfg, err = rates.LoadConfig(r)
		r.Close()
		if err != nil {
			return core.Errorf(core.EINVALID, "口径配置文件 %s: %s", filepath.Base(*configFile), err.Error())
		}
	}
	if *history >= 0 {
		cfg.History = *history
	}
	now := e.clock.Now()
	cfg.AsOf = now
	if err := cfg.Validate(); err != nil {
		return core.Errorf(core.EINVALID, "%s", err.Error())
	}

	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()
	loc := cfg.Zone()
	res, err := report.Compute(ctx, st, p, cfg)
	if err != nil {
		return err
	}
	rep := report.New(res, report.Options{GeneratedAt: now, LostLimit: *lost, Location: loc})
	// The operator of the command line is an administrator: a monthly
	// report has the 数据共享 section, as the web report has for one.
	svc := &casework.Service{Store: st, Clock: e.clock, Location: loc}
	if rep.Sharing, err = svc.ReportSharing(ctx, cliUser, p, loc); err != nil {
		return err
	}
	var buf bytes.Buffer
	if *format == "xlsx" {
		err = report.WriteXLSX(&buf, rep)
	} else {
		err = report.WriteHTML(&buf, rep)
	}
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err = e.stdout.Write(buf.Bytes())
		return err
	}
	dst, err := tabfile.Create(*out)
	if err != nil {
		return &core.Error{Code: core.EINVALID, Message: "无法写入文件 " + filepath.Base(*out), Err: err}
	}
	defer dst.Abort()
	if _, err := dst.Write(buf.Bytes()); err != nil {
		return &core.Error{Code: core.EINVALID, Message: "无法写入文件 " + filepath.Base(*out), Err: err}
	}
	if err := dst.Commit(); err != nil {
		return fmt.Errorf("写入报表失败: %w", err)
	}
	s := res.Street
	fmt.Fprintf(e.stderr, "已生成%s%s：受理 %d 件，响应率 %s，解决率 %s，满意率 %s，综合得分 %s → %s\n",
		p.Label(), rep.KindLabel, s.Received, report.Pct(s.Response), report.Pct(s.Resolution),
		report.Pct(s.Satisfaction), report.Score(s.Summary), *out)
	return nil
}
