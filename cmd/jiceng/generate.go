package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/tabfile"
)

// maxXLSXRows is what one worksheet holds below its header row.
const maxXLSXRows = tabfile.MaxXLSXRows - 1

// runGenerate implements "jiceng generate": it writes demo-street tickets
// as a 12345 export file with the usual Chinese headers, for trying and
// benchmarking the importer. Days are generated and encoded on all cores and
// written in order, so the file is the same for the same flags and memory
// stays flat for any -n.
func runGenerate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "generate", "generate -n N -out FILE [-seed S] [-end YYYY-MM-DD] [-format csv|xlsx] [-encoding utf8|gbk]")
	n := fs.Int("n", 0, "工单数；0 表示一个街道两年的真实量（约 45,000 件）")
	out := fs.String("out", "", "输出文件（必填）；- 表示标准输出（仅 CSV）")
	seed := fs.Int64("seed", 1, "随机种子：同样的参数生成同样的文件")
	end := fs.String("end", "", "历史的最后一天 YYYY-MM-DD（含当天）；默认到此刻为止")
	format := fs.String("format", "", "输出格式 csv 或 xlsx；默认按 -out 的扩展名，否则 csv")
	encoding := fs.String("encoding", "utf8", "CSV 编码：utf8（带 BOM）或 gbk")
	workers := fs.Int("workers", 0, "生成用的协程数；0 表示 CPU 数")
	if err := fs.Parse(args); err != nil {
		return err
	}
	usage := func(format string, a ...any) error {
		fmt.Fprintf(e.stderr, "jiceng generate: "+format+"\n", a...)
		fs.Usage()
		return errUsage
	}
	switch {
	case fs.NArg() > 0:
		return usage("多余的参数 %q", fs.Arg(0))
	case *out == "":
		return usage("缺少 -out 输出文件")
	case *n < 0:
		return usage("-n 不能为负数")
	}
	if *format == "" {
		*format = "csv"
		if strings.EqualFold(filepath.Ext(*out), ".xlsx") {
			*format = "xlsx"
		}
	}
	if *format != "csv" && *format != "xlsx" {
		return usage("-format 应为 csv 或 xlsx")
	}
	if !tabfile.ValidEncoding(*encoding) {
		return usage("-encoding 应为 utf8 或 gbk")
	}
	if *format == "xlsx" && *out == "-" {
		return usage("xlsx 不能写到标准输出，请用 -out 指定文件")
	}
	endAt := e.clock.Now()
	if *end != "" {
		d, err := time.ParseInLocation("2006-01-02", *end, time.FixedZone("CST", 8*3600))
		if err != nil {
			return usage("-end 应为 YYYY-MM-DD 格式的日期")
		}
		endAt = d
	}

	plan, err := demo.NewPlan(demo.NewStreet(*seed), demo.Options{Seed: *seed, End: endAt, Tickets: *n})
	if err != nil {
		return err
	}
	if *format == "xlsx" && plan.Total() > maxXLSXRows {
		return usage("xlsx 一个工作表最多 %d 行，请减小 -n 或改用 csv", maxXLSXRows)
	}
	start := time.Now() // wall time for the rate, not the injected clock
	var werr error
	if *out == "-" {
		bw := bufio.NewWriterSize(e.stdout, 1<<20)
		if werr = genWriteCSV(ctx, plan, *workers, *encoding, bw); werr == nil {
			werr = bw.Flush()
		}
	} else {
		werr = genWriteFile(*out, func(f io.Writer) error {
			if *format == "xlsx" {
				return genWriteXLSX(ctx, plan, *workers, f)
			}
			bw := bufio.NewWriterSize(f, 1<<20)
			if err := genWriteCSV(ctx, plan, *workers, *encoding, bw); err != nil {
				return err
			}
			return bw.Flush()
		})
	}
	if werr != nil {
		return werr
	}
	took := time.Since(start)
	rate := float64(plan.Total()) / took.Seconds()
	e.log.Info("generated", "tickets", plan.Total(), "format", *format, "encoding", *encoding,
		"took", took.Round(time.Millisecond), "rows_per_s", int(rate))
	if *out != "-" {
		fmt.Fprintf(e.stdout, "已生成 %d 件工单 → %s（%s，%.0f 行/秒）\n", plan.Total(), *out,
			took.Round(time.Millisecond), rate)
	}
	return nil
}

// genWriteCSV streams the plan as CSV: the header, then each day's rows,
// encoded (and transcoded to GBK, see tabfile.Encode) on the worker
// goroutines.
func genWriteCSV(ctx context.Context, plan *demo.Plan, workers int, encoding string, w io.Writer) error {
	var head bytes.Buffer
	cw := csv.NewWriter(&head)
	if err := cw.Write(demo.Header); err != nil {
		return err
	}
	cw.Flush()
	b, err := genTranscode(head.Bytes(), encoding)
	if err != nil {
		return err
	}
	b = append([]byte(tabfile.BOM(encoding)), b...)
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("写入输出: %w", err)
	}
	return demo.Stream(ctx, plan, workers, func(day []core.Ticket) ([]byte, error) {
		var buf bytes.Buffer
		buf.Grow(len(day) * 1100)
		cw := csv.NewWriter(&buf)
		rec := make([]string, len(demo.Header))
		for i := range day {
			rec = demo.Record(&day[i], rec)
			if err := cw.Write(rec); err != nil {
				return nil, err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return nil, err
		}
		return genTranscode(buf.Bytes(), encoding)
	}, func(b []byte) error {
		if _, err := w.Write(b); err != nil {
			return fmt.Errorf("写入输出: %w", err)
		}
		return nil
	})
}

func genTranscode(b []byte, encoding string) ([]byte, error) {
	out, err := tabfile.Encode(b, encoding)
	if err != nil {
		return nil, fmt.Errorf("转换为 GBK 编码: %w", err)
	}
	return out, nil
}

// genWriteXLSX streams the plan into one worksheet (tabfile's XLSX
// writer, whose excelize StreamWriter keeps memory flat by spilling rows
// to a temp file).
func genWriteXLSX(ctx context.Context, plan *demo.Plan, workers int, w io.Writer) error {
	xw, err := tabfile.NewXLSXSheetWriter(w, "工单")
	if err != nil {
		return err
	}
	defer tabfile.Discard(xw)
	if err := xw.Write(demo.Header); err != nil {
		return err
	}
	err = demo.Stream(ctx, plan, workers, func(day []core.Ticket) ([][]string, error) {
		rows := make([][]string, len(day))
		for i := range day {
			rows[i] = demo.Record(&day[i], nil)
		}
		return rows, nil
	}, func(rows [][]string) error {
		for _, rec := range rows {
			if err := xw.Write(rec); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := xw.Close(); err != nil {
		return fmt.Errorf("写入 xlsx: %w", err)
	}
	return nil
}

// genWriteFile writes path through tabfile.Create: a temporary file in the
// same directory, renamed into place only when fill succeeds, so that an
// interrupted run never leaves a half-written file behind.
func genWriteFile(path string, fill func(io.Writer) error) error {
	dst, err := tabfile.Create(path)
	if err != nil {
		return fmt.Errorf("创建输出文件: %w", err)
	}
	defer dst.Abort() // no-op after a successful commit
	if err := fill(dst); err != nil {
		return err
	}
	if err := dst.Commit(); err != nil {
		return fmt.Errorf("写入输出文件: %w", err)
	}
	return nil
}
