package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/fieldset"
	"jiceng/internal/replycheck"
)

// runReplies implements "jiceng replies check|eval".
func runReplies(ctx context.Context, e *env, args []string) error {
	const usageText = `用法: jiceng replies check|eval [参数]
  check -in FILE -id COL -text COL[,COL...] -reply COL [-time COL -replied COL]
        答复质量检查：每条答复的得分（0–100）和扣分原因，CSV 输出 id,score,reasons；
        整个文件作为本批（本月）答复的语料，用于词的稀有度、相似诉求和模板化答复
  eval  [-tickets N] [-seed N]
        在演示街道工单上评估：把答复换给别的工单（随机、同分类），输出真假配对的 AUC
运行 jiceng replies 子命令 -h 查看参数。`
	return runSubcommand(e, "replies", usageText, args, []subcommand{
		{"check", func(args []string) error { return repliesCheck(ctx, e, args) }},
		{"eval", func(args []string) error { return repliesEval(ctx, e, args) }},
	})
}

func repliesCheck(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "replies check", "replies check -in FILE -id COL -text COL[,COL...] -reply COL [-time COL -replied COL] [-limit 15d | -deadline COL] [-intent COL] [-category COL] [-community COL] [-worst N]")
	in := fs.String("in", "", "工单文件（CSV/XLSX，首行为表头）")
	idCol := fs.String("id", "", "编号列，原样输出")
	textCols := fs.String("text", "", "诉求文本列，多个列用逗号分隔（如 标题,诉求内容；标题放在前面）")
	replyCol := fs.String("reply", "", "答复内容列")
	timeCol := fs.String("time", "", "可选：受理时间列（与 -replied 一起检查及时性）")
	repliedCol := fs.String("replied", "", "可选：答复（办结）时间列")
	limit := fs.String("limit", "15d", "办理时限，从受理时间算起：如 15d、7d、24h（有 -deadline 时以该列为准）")
	deadlineCol := fs.String("deadline", "", "可选：办理时限（截止时间）列")
	intentCol := fs.String("intent", "", "可选：诉求类型列（咨询、投诉、举报、求助、建议、表扬）")
	categoryCol := fs.String("category", "", "可选：问题分类列（一级分类或 一级/二级/三级）")
	communityCol := fs.String("community", "", "可选：社区列")
	worst := fs.Int("worst", 0, "只输出得分最低的 N 条（本月最差答复），0 为全部，按文件顺序")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *idCol == "" || *textCols == "" || *replyCol == "" || fs.NArg() > 0 || *worst < 0 ||
		(*timeCol == "") != (*repliedCol == "") {
		fs.Usage()
		return errUsage
	}
	lim, err := parseWindow(*limit)
	if err != nil {
		return err
	}
	// The other columns: id, reply, the first text column (the title when
	// there are several), then the optional ones present.
	titleCol := ""
	if tc := strings.Split(*textCols, ","); len(tc) > 1 {
		titleCol = strings.TrimSpace(tc[0])
	}
	cols, get, err := otherColumns([]string{*idCol, *replyCol},
		titleCol, *timeCol, *repliedCol, *deadlineCol, *intentCol, *categoryCol, *communityCol)
	if err != nil {
		return err
	}
	var pairs []replycheck.Pair
	bad, noTime := 0, 0
	err = readColumns(*in, *textCols, cols, func(text string, other []string, refused bool) {
		if refused {
			bad++
			return
		}
		m := replycheck.Message{ID: other[0], Content: text, Intent: get(other, 4), Category: get(other, 5), Community: get(other, 6)}
		if title := get(other, 0); title != "" {
			m.Title = title
			m.Content = strings.TrimPrefix(strings.TrimPrefix(text, title), "。")
		}
		r := replycheck.Reply{Text: other[1]}
		if *timeCol != "" {
			rt, err1 := fieldset.ParseDateTime(get(other, 1))
			dt, err2 := fieldset.ParseDateTime(get(other, 2))
			switch {
			case err1 != nil || err2 != nil:
				noTime++
			default:
				m.ReceivedAt, r.ResolvedAt = rt, dt
				m.Deadline = rt.Add(lim)
				if d := get(other, 3); d != "" {
					if x, err := fieldset.ParseDateTime(d); err == nil {
						m.Deadline = x
					}
				}
			}
		}
		pairs = append(pairs, replycheck.Pair{Message: m, Reply: r})
	})
	if err != nil {
		return err
	}
	if bad > 0 {
		fmt.Fprintf(e.stderr, "%d 行无法读取，已跳过\n", bad)
	}
	if noTime > 0 {
		fmt.Fprintf(e.stderr, "%d 行受理或答复时间无法识别（可用格式：%s），不检查及时性\n", noTime, fieldset.DateForms)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c := replycheck.NewCorpus(pairs)
	results := make([]replycheck.Result, 0, len(pairs))
	for i, p := range pairs {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		results = append(results, replycheck.Check(p.Message, p.Reply, c))
	}
	if *worst > 0 {
		results = replycheck.Worst(results, *worst)
	}
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"id", "score", "reasons"})
	for _, r := range results {
		w.Write([]string{r.ID, strconv.Itoa(r.Score), r.ReasonText()})
	}
	w.Flush()
	return w.Error()
}

// repliesEval prints the AUC of true demo pairs against swapped ones.
func repliesEval(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "replies eval", "replies eval [-tickets N] [-seed N]")
	n := fs.Int("tickets", 6000, "演示工单数（前一半有答复的作为语料，后一半检查）")
	seed := fs.Int64("seed", 1, "随机种子")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 100 || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	end := time.Date(2025, 6, 30, 0, 0, 0, 0, core.StreetTime)
	var pairs []replycheck.Pair
	err := demo.TicketsContext(ctx, demo.NewStreet(*seed), demo.Options{Seed: *seed, End: end, Tickets: *n}, func(t core.Ticket) error {
		if t.Reply != "" {
			pairs = append(pairs, replycheck.PairOf(t))
		}
		return nil
	})
	if err != nil {
		return err
	}
	half := len(pairs) / 2
	f := replycheck.SwapAUC(pairs[:half], pairs[half:], uint64(*seed))
	fmt.Fprintf(e.stdout, "演示工单 %d 件，有答复 %d 件：语料 %d 件，检查 %d 件\n", *n, len(pairs), half, len(pairs)-half)
	fmt.Fprintf(e.stdout, "真实配对 vs 随机换答复：  AUC %.3f（相关性 %.3f）\n", f.Random, f.RandomRel)
	fmt.Fprintf(e.stdout, "真实配对 vs 同分类换答复：AUC %.3f（相关性 %.3f）\n", f.SameCategory, f.SameCategoryRel)
	return nil
}
