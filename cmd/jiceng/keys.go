package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// runKeys implements "jiceng keys issue|list|revoke": the API keys of
// outside clients (Open311) and departments (数据共享), as the page
// /admin/keys manages them. The command line acts as an administrator
// (cliUser) through the casework service, so that issuing and revoking
// are entries of the audit log. A secret is printed once, alone on
// standard output (so that a script can take it); everything else goes to
// standard error.
func runKeys(ctx context.Context, e *env, args []string) error {
	const usageText = `用法: jiceng keys issue|list|revoke [参数]
  issue  [-db DSN] -name 单位名称 -purpose open311|share [-fields person.name,person.phone] [-communities 望春园社区,QHW02]
         签发接口密钥：密钥明文只在标准输出打印这一次，其余信息写标准错误；
         数据共享（share）密钥须用 -fields 指定可读字段（类别.字段），-communities 不给则可读全街道
  list   [-db DSN]
         列出全部接口密钥（不含密钥明文）
  revoke [-db DSN] -id 编号
         停用接口密钥：使用它的系统从此无法访问接口
运行 jiceng keys 子命令 -h 查看参数。`
	return runSubcommand(e, "keys", usageText, args, []subcommand{
		{"issue", func(args []string) error { return keysIssue(ctx, e, args) }},
		{"list", func(args []string) error { return keysList(ctx, e, args) }},
		{"revoke", func(args []string) error { return keysRevoke(ctx, e, args) }},
	})
}

// keyPurposeLabel is a purpose as the command line shows it.
var keyPurposeLabel = map[string]string{core.APIKeyOpen311: "Open311", core.APIKeyShare: "数据共享"}

// openKeys opens the existing database of dsn and the service acting on it.
func openKeys(ctx context.Context, e *env, dsn string) (*casework.Service, func(), error) {
	if err := checkSQLiteExists(dsn); err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, dsn, e.clock)
	if err != nil {
		return nil, nil, fmt.Errorf("打开数据库: %w", err)
	}
	return &casework.Service{Store: st, Clock: e.clock, Audit: st}, func() { st.Close() }, nil
}

// splitKeyList splits a comma-separated flag (also 、 and ，); "" is nil.
func splitKeyList(v string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func keysIssue(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "keys issue", "keys issue [-db DSN] -name 单位名称 -purpose open311|share [-fields a,b] [-communities x,y]")
	dsn := fs.String("db", defaultDSN(), dbFlagHelp)
	name := fs.String("name", "", "使用单位名称，如 区民政局、市民随手拍")
	purpose := fs.String("purpose", "", "用途：open311（Open311 客户端）或 share（数据共享）")
	fields := fs.String("fields", "", "share：可读字段，逗号分隔，如 person.name,person.phone,ticket.category1")
	communities := fs.String("communities", "", "share：可读的社区（名称或代码），逗号分隔；不给则为全街道")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	k := core.APIKey{Name: *name, Purpose: *purpose}
	switch *purpose {
	case core.APIKeyShare:
		k.Fields, k.Communities = splitKeyList(*fields), splitKeyList(*communities)
	case core.APIKeyOpen311:
		if *fields != "" || *communities != "" {
			return core.Errorf(core.EINVALID, "Open311 密钥不读共享数据：不要给 -fields 和 -communities。")
		}
	default:
		fmt.Fprintln(e.stderr, "请用 -purpose 指定用途：open311 或 share")
		fs.Usage()
		return errUsage
	}
	if strings.TrimSpace(*name) == "" {
		fmt.Fprintln(e.stderr, "请用 -name 指定使用单位名称")
		fs.Usage()
		return errUsage
	}
	svc, done, err := openKeys(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	k, secret, err := svc.IssueAPIKey(ctx, cliUser, k)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "已签发接口密钥 #%d：%s（%s），前缀 %s\n", k.ID, k.Name, keyPurposeLabel[k.Purpose], k.Prefix)
	if k.Purpose == core.APIKeyShare {
		fmt.Fprintf(e.stderr, "可读字段：%s\n可读社区：%s\n", strings.Join(k.Fields, "、"), keyCommunities(k))
	}
	fmt.Fprintln(e.stderr, "密钥明文如下，只显示这一次（系统只保存其摘要），请立即复制并通过安全渠道交给对方：")
	_, err = fmt.Fprintln(e.stdout, secret)
	return err
}

// keyCommunities says which communities a share key reads.
func keyCommunities(k core.APIKey) string {
	switch {
	case k.Purpose != core.APIKeyShare:
		return "-"
	case k.Communities == nil:
		return "全街道"
	case len(k.Communities) == 0:
		return "无社区"
	}
	return strings.Join(k.Communities, "、")
}

func keysList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "keys list", "keys list [-db DSN]")
	dsn := fs.String("db", defaultDSN(), dbFlagHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	svc, done, err := openKeys(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	keys, err := svc.APIKeys(ctx, cliUser)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		fmt.Fprintln(e.stderr, "还没有签发任何接口密钥（jiceng keys issue 签发）")
		return nil
	}
	rows := [][]string{{"编号", "单位名称", "用途", "前缀", "字段", "社区", "签发人", "签发时间", "最近使用", "状态"}}
	for _, k := range keys {
		state := "在用"
		if k.Revoked() {
			state = "已停用 " + keyTime(k.RevokedAt)
		}
		fields := strings.Join(k.Fields, ",")
		if fields == "" {
			fields = "-"
		}
		rows = append(rows, []string{strconv.FormatInt(k.ID, 10), k.Name, keyPurposeLabel[k.Purpose], k.Prefix, fields, keyCommunities(k), k.CreatedBy,
			keyTime(k.CreatedAt), keyTime(k.LastUsedAt), state})
	}
	writeTable(e.stdout, rows)
	return nil
}

func keysRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "keys revoke", "keys revoke [-db DSN] -id 编号")
	dsn := fs.String("db", defaultDSN(), dbFlagHelp)
	id := fs.Int64("id", 0, "密钥编号（jiceng keys list 的第一列）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id <= 0 {
		fmt.Fprintln(e.stderr, "请用 -id 指定密钥编号（jiceng keys list 可查看）")
		fs.Usage()
		return errUsage
	}
	svc, done, err := openKeys(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	if err := svc.RevokeAPIKey(ctx, cliUser, *id); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "已停用接口密钥 #%d：使用它的系统从此无法访问接口\n", *id)
	return nil
}

// keyTime is a time of a key in the street's time; "-" for none.
func keyTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.In(core.StreetTime).Format("2006-01-02 15:04")
}
