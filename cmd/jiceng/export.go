package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/export"
	"jiceng/internal/fieldset"
	"jiceng/internal/tabfile"
)

// runExport implements "jiceng export": it streams the tickets matching the
// filters to CSV (UTF-8 with BOM, or GBK) or XLSX, with the field labels as
// headers and one column per Extra key, so that "jiceng import" of the
// output gives back the same tickets (package export; the files are
// tabfile's). Every value passes through the
// masking dictionary for -role (default export: pseudonymised, needs
// $JICENG_DEID_KEY; -role admin gives the raw data), and a k-anonymity
// report over the -qi quasi-identifiers goes to stderr.
func runExport(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "export", "export [-db DSN] [-role ROLE] [-dictionary FILE] [-qi 字段,...] [-format csv|xlsx] [-encoding utf8|gbk] [-out FILE] [筛选条件]")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	format := fs.String("format", "", "输出格式 csv 或 xlsx；默认按 -out 的扩展名，否则 csv")
	encoding := fs.String("encoding", "utf8", "CSV 编码：utf8（带 BOM）或 gbk（GB18030，可表示全部汉字）")
	out := fs.String("out", "-", "输出文件；- 表示标准输出（仅 CSV）")
	fieldsFile := fs.String("fields", "", "字段集声明文件；默认用内置标准字段集")
	role := fs.String("role", "export", "脱敏字典中的角色；export 为假名化导出（需环境变量 "+deidKeyEnv+"），admin 为原始数据")
	dictionaryFile := addDictionaryFlag(fs)
	qi := fs.String("qi", export.DefaultQI, "计算 k-匿名性的准标识符：字段名，逗号分隔；时间字段可加 :year、:month 或 :day 表示概化到年、月或日")
	from := fs.String("from", "", "受理时间起（含），如 2024-03-01")
	to := fs.String("to", "", "受理时间止（不含），如 2024-04-01")
	var f core.TicketFilter
	fs.StringVar(&f.Status, "status", "", "工单状态")
	fs.StringVar(&f.Category1, "category", "", "一级分类")
	fs.StringVar(&f.Unit, "unit", "", "承办单位")
	fs.StringVar(&f.Community, "community", "", "社区")
	intent := fs.String("intent", "", "诉求类型")
	channel := fs.String("channel", "", "来源渠道")
	fs.StringVar(&f.Keyword, "keyword", "", "标题或内容中的关键词")
	if err := fs.Parse(args); err != nil {
		return err
	}
	f.Intent, f.Channel = core.Intent(*intent), core.Channel(*channel)
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "jiceng export: 多余的参数 %q\n", fs.Arg(0))
		fs.Usage()
		return errUsage
	}
	var err error
	if f.From, err = parseDateFlag("from", *from); err != nil {
		return err
	}
	if f.To, err = parseDateFlag("to", *to); err != nil {
		return err
	}
	if *format, err = export.Format(*format, *out); err != nil {
		return err
	}
	if !tabfile.ValidEncoding(*encoding) {
		return core.Errorf(core.EINVALID, "-encoding 应为 utf8 或 gbk")
	}
	set, err := loadFields(*fieldsFile)
	if err != nil {
		return err
	}
	policy, err := loadDictionary(*dictionaryFile)
	if err != nil {
		return err
	}
	if err := checkRole(policy, *role); err != nil {
		return err
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()

	// Exports read through the casework service, as the workbench does: an
	// operator of the command line is an administrator, who may export as
	// any role of the dictionary. The export is in the audit log, by "cli".
	svc := &casework.Service{Store: st, Fields: set, Dictionary: policy, Audit: st}
	x, err := export.Prepare(ctx, svc, cliUser, *role, f, export.Options{Fields: set, Format: *format, QI: *qi})
	if err != nil {
		return err
	}
	var dst *tabfile.Output
	var file io.Writer = e.stdout
	if *out != "-" {
		if dst, err = tabfile.Create(*out); err != nil {
			return err
		}
		defer dst.Abort()
		file = dst
	}
	w, err := export.NewWriter(file, *format, *encoding)
	if err != nil {
		return err
	}
	defer tabfile.Discard(w)
	res, err := x.Write(ctx, w)
	if err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("写入导出文件失败: %w", err)
	}
	if dst != nil {
		if err := dst.Commit(); err != nil {
			return fmt.Errorf("写入导出文件失败: %w", err)
		}
		fmt.Fprintf(e.stderr, "已按角色 %s 导出 %d 条工单到 %s\n", *role, res.Rows, *out)
	}
	res.WriteKAnonymity(e.stderr)
	return nil
}

func parseDateFlag(name, v string) (t time.Time, err error) {
	if v == "" {
		return t, nil
	}
	t, err = fieldset.ParseDateTime(v)
	if err != nil {
		return t, core.Errorf(core.EINVALID, "-%s: 日期无法识别，请写成 2024-03-01 或 2024-03-01 08:00", name)
	}
	return t, nil
}
