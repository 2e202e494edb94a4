package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"jiceng/internal/deid"
)

// deidKeyEnv names the environment variable that holds the
// pseudonymisation key: configuration, never a flag (flags show in ps) and
// never the database.
const deidKeyEnv = "JICENG_DEID_KEY"

// runDeid de-identifies text lines from standard input: each line is
// treated as the value of one field for one role under the masking
// dictionary, or (-spans) its recognised spans are printed as JSON lines.
func runDeid(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "deid", "deid [-role 角色] [-field 字段] [-policy 脱敏字典.csv] [-spans] < 文本")
	role := fs.String("role", "share", "角色: admin, leader, staff, community, handler, resident, export, share")
	field := fs.String("field", "content", "字段名（如 content、address、caller_phone）")
	policyFile := fs.String("policy", "", "脱敏字典 CSV 文件（默认内置 policy.csv）")
	spans := fs.Bool("spans", false, "只输出识别到的个人信息片段（JSON 行），不脱敏")
	minScore := fs.Float64("min-score", deid.DefaultMinScore, "片段的最低置信度（与 -spans 一起用）")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return errUsage
	}
	p := deid.DefaultPolicy()
	if *policyFile != "" {
		f, err := os.Open(*policyFile)
		if err != nil {
			return fmt.Errorf("打开脱敏字典: %w", err)
		}
		p, err = deid.LoadPolicy(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("脱敏字典 %s: %w", *policyFile, err)
		}
	}
	if key := os.Getenv(deidKeyEnv); key != "" {
		var err error
		if p, err = p.WithKey([]byte(key)); err != nil {
			return fmt.Errorf("环境变量 %s: %w", deidKeyEnv, err)
		}
	}
	if !*spans {
		if err := p.Check(*role); errors.Is(err, deid.ErrNoKey) {
			return fmt.Errorf("角色 %s 的规则需要假名化密钥：请设置环境变量 %s（至少 %d 字节）", *role, deidKeyEnv, deid.MinKeyLen)
		}
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	line := 0
	for sc.Scan() {
		if err := ctx.Err(); err != nil {
			return err
		}
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if *spans {
			for _, s := range deid.SpansMin(text, *minScore) {
				if err := enc.Encode(struct {
					Line  int     `json:"line"`
					Type  string  `json:"type"`
					Start int     `json:"start"`
					End   int     `json:"end"`
					Text  string  `json:"text"`
					Score float64 `json:"score"`
					Rule  string  `json:"rule"`
				}{line, string(s.Type), s.Start, s.End, s.Text, s.Score, s.Rule}); err != nil {
					return err
				}
			}
			continue
		}
		fmt.Fprintln(w, p.Value(*role, *field, text))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("读取标准输入第 %d 行之后: %w", line, err)
	}
	return nil
}
