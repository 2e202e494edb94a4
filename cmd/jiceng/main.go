// Command jiceng is the grassroots-governance platform for street offices:
// it ingests 12345 work orders and base data, understands and dispatches
// them, and serves the workbench.
//
// Usage: jiceng COMMAND [flags]; run "jiceng help" for the list.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"sort"
	"syscall"

	"jiceng/internal/core"
)

// env is what every command gets from main: its standard streams, a logger
// and the clock. Commands never touch os.Stdout or time.Now directly.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
	clock          core.Clock
}

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands lists every subcommand of jiceng.
func commands() map[string]command {
	return map[string]command{
		"serve":       {"启动工作台和 API 服务（使用已有数据库）", runServe},
		"demo":        {"生成演示街道数据库并启动服务", runDemo},
		"import":      {"导入工单 CSV/XLSX 文件", runImport},
		"export":      {"导出工单为 CSV/XLSX 文件", runExport},
		"classify":    {"训练、评估工单分类模型，批量分类", runClassify},
		"generate":    {"生成演示街道工单 CSV/XLSX 文件（用于试用和压测导入）", runGenerate},
		"registry":    {"载入本街道的问题分类、区域（社区/网格）和承办单位", runRegistry},
		"deid":        {"脱敏：spans 列出文本中的个人信息；mask 按角色和脱敏字典处理文本或 CSV/XLSX 文件", runDeid},
		"report":      {"三率月报季评：按月或季度生成响应率、解决率、满意率排名报表（XLSX/HTML）", runReport},
		"user":        {"账号管理：add 新建、list 列出、passwd 重设密码、disable 停用、enable 启用、role 改角色和范围", runUser},
		"hot":         {"热点问题：按时间窗口把同一地点、同一问题的工单归为热点，输出标签、热度指数和工单编号（JSON）", runHot},
		"replies":     {"答复质量：check 检查每条答复是否答非所问、是否完整、是否及时、是否模板化，输出得分和原因（CSV）；eval 演示数据评估", runReplies},
		"alerts":      {"风险预警：backtest 按日计数逐日预警（EARS C1/C2/C3、负二项 CUSUM），eval 评估各预警方法", runAlerts},
		"policy":      {"政策知识库：index 导入政策文件建立索引，search 检索并引用条文（可摘录解答），eval 评估检索质量", runPolicy},
		"records":     {"基础数据（人口、房屋、企业、组织）：import 导入部门报表，list 列出记录（脱敏），sources 列出数据来源", runRecords},
		"init":        {"首次使用：建库、载入默认问题分类并创建第一个数据管理员（密码只显示一次）", runInit},
		"eligibility": {"重点人群精准服务：按规则列出服务清单、政策推送清单和到期走访（CSV），-explain 列出依据", runEligibility},
		"quality":     {"数据质量：check 按字段集和检查文件检查人口/房屋/企业/组织数据，输出得分和问题记录（汇总表、JSON、XLSX）；eval 评估检出率", runQuality},
		"link":        {"一人一档：eval 在生成的百万条人口记录上评估记录链接（Fellegi–Sunter）；-in 链接多个部门的人口、企业、房屋表", runLink},
		"keys":        {"接口密钥：issue 签发（Open311 或数据共享，明文只显示一次）、list 列出、revoke 停用", runKeys},
	}
}

// errUsage marks a usage error that has already been reported.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{
		stdin:  stdin,
		stdout: stdout,
		stderr: stderr,
		log:    slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel()})),
	}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "jiceng: 未知命令 %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	if path := os.Getenv("JICENG_CPUPROFILE"); path != "" {
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			fmt.Fprintf(stderr, "jiceng: JICENG_CPUPROFILE: %v\n", err)
			return 1
		}
		defer stopProfile()
	}
	if err := c.run(ctx, e, args[1:]); err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, flag.ErrHelp) {
			return 2
		}
		e.log.Debug("command failed", "command", args[0], "err", err)
		fmt.Fprintf(stderr, "jiceng %s: %s\n", args[0], userMessage(err))
		return 1
	}
	return 0
}

// userMessage is what a person at the terminal sees for err: the safe
// message of an application error, or the error text of a plain one (CLI
// errors are built from file names and reasons, never from personal data).
func userMessage(err error) string {
	var ae *core.Error
	if errors.As(err, &ae) {
		return ae.Message
	}
	return err.Error()
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "用法: jiceng 命令 [参数]   (usage: jiceng COMMAND [flags])")
	fmt.Fprintln(w, "\n命令:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\n运行 jiceng 命令 -h 查看该命令的参数。")
}

// startCPUProfile writes a CPU profile of the command to path (for
// "go tool pprof"); the returned function ends it.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

func logLevel() slog.Level {
	if os.Getenv("JICENG_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// newFlagSet returns a FlagSet for a subcommand that reports errors to e.stderr.
func newFlagSet(e *env, name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: jiceng %s\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// defaultDSN is the database used when -db is not given: $JICENG_DB, or
// jiceng.db in the working directory.
func defaultDSN() string {
	if v := os.Getenv("JICENG_DB"); v != "" {
		return v
	}
	return "jiceng.db"
}
