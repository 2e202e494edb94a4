package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"jiceng/internal/classify"
	"jiceng/internal/core"
	"jiceng/internal/understand"
)

// modelEnv names the environment variable with the default path of the
// street's category model (jiceng classify train -db ... -out FILE).
const modelEnv = "JICENG_MODEL"

// addModelPathFlag adds -model FILE, the street's classifier model.
func addModelPathFlag(fs *flag.FlagSet) *string {
	return fs.String("model", os.Getenv(modelEnv),
		"本街道的分类模型文件（jiceng classify train 生成；默认取环境变量 "+modelEnv+"）；不指定时只研判诉求类型、紧急程度和地点")
}

// newUnderstander returns the text understanding for the tickets of st:
// the model at modelPath ("" for none) and st's area registry.
func newUnderstander(ctx context.Context, st core.Store, modelPath string, clock core.Clock) (*understand.Understander, error) {
	areas, err := st.Areas(ctx)
	if err != nil {
		return nil, fmt.Errorf("读取区划: %w", err)
	}
	o := understand.Options{Areas: areas, Now: clock}
	if modelPath != "" {
		if o.Model, o.ModelName, err = understand.LoadModel(modelPath); err != nil {
			return nil, err
		}
	}
	return understand.New(o), nil
}

// fillPredictions predicts the tickets of st that have no prediction by
// u's model and reports the count and rate on stderr.
func fillPredictions(ctx context.Context, e *env, st core.Store, u *understand.Understander) error {
	t0 := e.clock.Now()
	n, err := u.Fill(ctx, st, nil)
	if err != nil {
		return fmt.Errorf("智能研判（已完成 %d 件，重新运行即可继续）: %w", n, err)
	}
	if n > 0 {
		model := u.Model()
		if model == "" {
			model = "规则（未配置分类模型）"
		}
		fmt.Fprintf(e.stderr, "智能研判: %d 件，模型 %s，用时 %s%s\n", n, model, since(e, t0).Round(time.Millisecond), rate(n, since(e, t0)))
	}
	return nil
}

// fillInBackground is fillPredictions for a server: it logs instead of
// printing.
func fillInBackground(ctx context.Context, e *env, st core.Store, u *understand.Understander) {
	t0 := e.clock.Now()
	n, err := u.Fill(ctx, st, nil)
	switch {
	case err != nil && ctx.Err() == nil:
		e.log.Error("predictions", "done", n, "err", err)
	case n > 0:
		e.log.Info("predictions made", "tickets", n, "model", u.Model(), "took", since(e, t0).Round(time.Millisecond))
	}
}

// historyDocs returns the street's labelled tickets in st as training
// documents (title and content; the human category path), newest first, at
// most limit (0: all).
func historyDocs(ctx context.Context, st core.Store, limit int) ([]classify.Doc, int, error) {
	var docs []classify.Doc
	skipped := 0
	err := st.EachTicket(ctx, core.TicketFilter{}, func(t core.Ticket) error {
		if t.Category1 == "" || (t.Category2 == "" && t.Category3 != "") || t.Title+t.Content == "" {
			skipped++
			return nil
		}
		docs = append(docs, classify.Doc{Text: understand.Text(&t), Labels: [3]string{t.Category1, t.Category2, t.Category3}})
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("读取已分类工单: %w", err)
	}
	// EachTicket is oldest first: keep the newest, which speak the street's
	// current language and categories.
	if limit > 0 && len(docs) > limit {
		skipped += len(docs) - limit
		docs = docs[len(docs)-limit:]
	}
	return docs, skipped, nil
}

// trainingHistory reads the labelled tickets of the database at dsn.
func trainingHistory(ctx context.Context, e *env, dsn string, recent int) ([]classify.Doc, int, error) {
	if err := checkSQLiteExists(dsn); err != nil {
		return nil, 0, err
	}
	st, err := openStore(ctx, dsn, e.clock)
	if err != nil {
		return nil, 0, fmt.Errorf("打开数据库: %w", err)
	}
	defer st.Close()
	return historyDocs(ctx, st, recent)
}
