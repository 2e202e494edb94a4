package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"jiceng/internal/account"
	"jiceng/internal/core"
	"jiceng/internal/taxonomy"
)

// userCommands are the subcommands of "jiceng user".
var userCommands = map[string]struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}{
	"add":     {"新建账号（不给 -password 时自动生成密码，只显示这一次）", runUserAdd},
	"list":    {"列出所有账号（不含密码）", runUserList},
	"passwd":  {"重设账号的密码（结束其所有登录会话）", runUserPasswd},
	"disable": {"停用账号（不能登录，结束其所有登录会话）", runUserDisable},
	"enable":  {"重新启用账号", runUserEnable},
	"role":    {"修改账号的角色和范围（承办单位或社区）", runUserRole},
}

// runUser implements "jiceng user": accounts from the command line, for
// the first administrator and for a street without a browser at hand.
// Everything is decided by package account, as on the users page.
func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		userUsage(e.stderr)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	c, ok := userCommands[args[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "jiceng user: 未知子命令 %q\n\n", args[0])
		userUsage(e.stderr)
		return errUsage
	}
	return c.run(ctx, e, args[1:])
}

func userUsage(w io.Writer) {
	fmt.Fprintln(w, "用法: jiceng user 子命令 [-db DSN] [参数]")
	fmt.Fprintln(w, "\n子命令:")
	names := make([]string, 0, len(userCommands))
	for n := range userCommands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, userCommands[n].summary)
	}
	fmt.Fprintln(w, "\n角色: "+roleList())
	fmt.Fprintln(w, "运行 jiceng user 子命令 -h 查看该子命令的参数。")
}

// roleList names the roles for usage lines and messages.
func roleList() string {
	var parts []string
	for _, r := range account.Roles {
		parts = append(parts, r+"（"+core.RoleLabels[r]+"）")
	}
	return strings.Join(parts, "、")
}

// parseRole accepts a role by its name (admin) or its Chinese label
// (数据管理员); package account refuses anything else.
func parseRole(s string) string {
	s = strings.TrimSpace(s)
	for code, label := range core.RoleLabels {
		if s == label {
			return code
		}
	}
	return s
}

// openAccounts opens the existing database of dsn for the account
// commands; a missing SQLite file is refused rather than created.
func openAccounts(ctx context.Context, e *env, dsn string) (*account.Service, func(), error) {
	if err := checkSQLiteExists(dsn); err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, dsn, e.clock)
	if err != nil {
		return nil, nil, fmt.Errorf("打开数据库: %w", err)
	}
	return &account.Service{Store: st, Clock: e.clock}, func() { st.Close() }, nil
}

// passwordFlag reads the -password value: "-" reads one line from stdin,
// so that a password need not stay in the shell's history.
func passwordFlag(e *env, v string) (string, error) {
	if v != "-" {
		return v, nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("读取密码: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", core.Errorf(core.EINVALID, "标准输入中没有密码")
	}
	return line, nil
}

// printPassword shows a generated password once.
func printPassword(e *env, username, password string) {
	fmt.Fprintf(e.stdout, "账号 %s 的密码（只显示这一次，请妥善转交本人；登录后可在“我的账号”中修改）:\n  %s\n", username, password)
}

const dbFlagHelp = "数据库：SQLite 文件路径或 postgres:// URL"

func runUserAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user add", "user add [-db DSN] -username 用户名 -role 角色 [-name 姓名] [-unit 单位或社区] [-password 密码|-]")
	dsn := fs.String("db", defaultDSN(), dbFlagHelp)
	username := fs.String("username", "", "用户名（2 至 32 个字符：小写字母、数字和 . _ -）")
	role := fs.String("role", "", "角色："+roleList())
	name := fs.String("name", "", "姓名")
	unit := fs.String("unit", "", "范围：部门承办人填承办单位，社区工作者填社区（名称或编码，须在名录中）")
	password := fs.String("password", "", "密码（至少 10 个字符）；不给则自动生成；- 表示从标准输入读一行")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	pw, err := passwordFlag(e, *password)
	if err != nil {
		return err
	}
	svc, done, err := openAccounts(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	u, pw, err := svc.Create(ctx, account.NewUser{Username: *username, Name: *name, Role: parseRole(*role), Unit: *unit, Password: pw})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已创建账号 %s（%s%s）\n", u.Username, core.RoleLabels[u.Role], scopeSuffix(u))
	if *password == "" {
		printPassword(e, u.Username, pw)
	}
	return nil
}

// scopeSuffix is "，范围：X" for accounts with a unit or community.
func scopeSuffix(u core.User) string {
	if u.Unit == "" {
		return ""
	}
	return "，范围：" + u.Unit
}

func runUserList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "user list", "user list [-db DSN]")
	dsn := fs.String("db", defaultDSN(), dbFlagHelp)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	svc, done, err := openAccounts(ctx, e, *dsn)
	if err != nil {
		return err
	}
	defer done()
	users, err := svc.List(ctx)
	if err != nil {
		return err
	}
	if len(users) == 0 {
		fmt.Fprintf(e.stdout, "还没有账号。创建第一个数据管理员: jiceng user add -db %s -username admin -role admin\n", shellDSN(*dsn))
		return nil
	}
	const layout = "2006-01-02 15:04"
	rows := [][]string{{"用户名", "姓名", "角色", "范围", "状态", "创建时间", "密码修改时间"}}
	for _, u := range users {
		role, ok := core.RoleLabels[u.Role]
		if !ok {
			role = u.Role + "（未知角色）"
		}
		state := "启用"
		if u.Disabled {
			state = "已停用"
		}
		scope := u.Unit
		if scope == "" && account.NeedsScope(u.Role) {
			scope = "未指定"
		}
		rows = append(rows, []string{u.Username, u.Name, role, scope, state,
			u.CreatedAt.In(core.StreetTime).Format(layout), u.PasswordChangedAt.In(core.StreetTime).Format(layout)})
	}
	writeTable(e.stdout, rows)
	return nil
}

// userFlags makes the flags of a subcommand that acts on one account:
// -db and -username; the subcommand adds its own.
func userFlags(e *env, name, usageLine string) (fs *flag.FlagSet, dsn, username *string) {
	fs = newFlagSet(e, "user "+name, "user "+name+" [-db DSN] -username 用户名"+usageLine)
	dsn = fs.String("db", defaultDSN(), dbFlagHelp)
	username = fs.String("username", "", "用户名")
	return fs, dsn, username
}

// openUser parses args into fs and opens the account named by -username.
func openUser(ctx context.Context, e *env, fs *flag.FlagSet, args []string, dsn, username *string) (*account.Service, core.User, func(), error) {
	if err := parseFlags(fs, args); err != nil {
		return nil, core.User{}, nil, err
	}
	if *username == "" {
		fmt.Fprintln(e.stderr, "请用 -username 指定账号")
		fs.Usage()
		return nil, core.User{}, nil, errUsage
	}
	svc, done, err := openAccounts(ctx, e, *dsn)
	if err != nil {
		return nil, core.User{}, nil, err
	}
	u, err := svc.ByUsername(ctx, *username)
	if err != nil {
		done()
		return nil, core.User{}, nil, err
	}
	return svc, u, done, nil
}

func runUserPasswd(ctx context.Context, e *env, args []string) error {
	fs, dsn, username := userFlags(e, "passwd", " [-password 密码|-]")
	password := fs.String("password", "", "新密码（至少 10 个字符）；不给则自动生成；- 表示从标准输入读一行")
	svc, u, done, err := openUser(ctx, e, fs, args, dsn, username)
	if err != nil {
		return err
	}
	defer done()
	pw, err := passwordFlag(e, *password)
	if err != nil {
		return err
	}
	if pw, err = svc.SetPassword(ctx, u.ID, pw); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已为账号 %s 设置新密码，其所有登录会话已结束\n", u.Username)
	if *password == "" {
		printPassword(e, u.Username, pw)
	}
	return nil
}

func runUserDisable(ctx context.Context, e *env, args []string) error {
	fs, dsn, username := userFlags(e, "disable", "")
	svc, u, done, err := openUser(ctx, e, fs, args, dsn, username)
	if err != nil {
		return err
	}
	defer done()
	if u.Disabled {
		fmt.Fprintf(e.stdout, "账号 %s 已是停用状态\n", u.Username)
		return nil
	}
	if _, err := svc.Disable(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已停用账号 %s，其所有登录会话已结束\n", u.Username)
	return nil
}

func runUserEnable(ctx context.Context, e *env, args []string) error {
	fs, dsn, username := userFlags(e, "enable", "")
	svc, u, done, err := openUser(ctx, e, fs, args, dsn, username)
	if err != nil {
		return err
	}
	defer done()
	if !u.Disabled {
		fmt.Fprintf(e.stdout, "账号 %s 已是启用状态\n", u.Username)
		return nil
	}
	if _, err := svc.Enable(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已启用账号 %s，可用原密码登录\n", u.Username)
	return nil
}

func runUserRole(ctx context.Context, e *env, args []string) error {
	fs, dsn, username := userFlags(e, "role", " -role 角色 [-unit 单位或社区]")
	role := fs.String("role", "", "新角色："+roleList())
	unit := fs.String("unit", "", "范围：部门承办人填承办单位，社区工作者填社区（名称或编码）；其他角色不填")
	svc, u, done, err := openUser(ctx, e, fs, args, dsn, username)
	if err != nil {
		return err
	}
	defer done()
	if u, err = svc.SetRole(ctx, u.ID, parseRole(*role), *unit); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "账号 %s 现为%s%s\n", u.Username, core.RoleLabels[u.Role], scopeSuffix(u))
	return nil
}

// runInit implements "jiceng init": a new street's first run. It creates
// the database (the schema), loads the built-in taxonomy when the database
// has none, and creates the first administrator with a generated password,
// printed once. It refuses a database that already has an enabled
// administrator.
func runInit(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "init", "init [-db DSN] [-admin 用户名] [-name 姓名]")
	dsn := fs.String("db", defaultDSN(), dbFlagHelp)
	admin := fs.String("admin", "admin", "第一个数据管理员的用户名")
	name := fs.String("name", "数据管理员", "第一个数据管理员的姓名")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := account.ValidateUsername(*admin); err != nil {
		return err
	}
	postgres := strings.HasPrefix(*dsn, "postgres://") || strings.HasPrefix(*dsn, "postgresql://")
	existed := checkSQLiteExists(*dsn) == nil
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return fmt.Errorf("打开数据库: %w", err)
	}
	defer st.Close()
	svc := &account.Service{Store: st, Clock: e.clock}
	n, err := svc.Admins(ctx)
	if err != nil {
		return err
	}
	db := shellDSN(*dsn)
	if n > 0 {
		return core.Errorf(core.ECONFLICT, "数据库 %s 已有 %d 个启用的数据管理员账号，未做任何修改。再添加账号请用: jiceng user add -db %s -username 用户名 -role 角色", db, n, db)
	}
	cats, err := st.Categories(ctx)
	if err != nil {
		return err
	}
	if len(cats) == 0 {
		// openStore loads the built-in taxonomy into a database without
		// one; a store that could not is given it here.
		if err := st.ReplaceCategories(ctx, taxonomy.Default()); err != nil {
			return err
		}
		cats = taxonomy.Default()
	}
	u, password, err := svc.Create(ctx, account.NewUser{Username: *admin, Name: *name, Role: core.RoleAdmin})
	if err != nil {
		return err
	}
	switch {
	case postgres:
		fmt.Fprintf(e.stdout, "数据库: %s（PostgreSQL，表结构已就绪）\n", db)
	case existed:
		fmt.Fprintf(e.stdout, "数据库: %s（已有）\n", db)
	default:
		fmt.Fprintf(e.stdout, "已创建数据库: %s\n", db)
	}
	fmt.Fprintf(e.stdout, "问题分类: %d 项（没有时载入内置分类；jiceng registry -taxonomy 文件 可换成本街道的分类）\n", len(cats))
	fmt.Fprintf(e.stdout, "已创建第一个数据管理员账号 %s\n", u.Username)
	printPassword(e, u.Username, password)
	fmt.Fprintf(e.stdout, "\n下一步:\n")
	writeTable(e.stdout, [][]string{
		{"jiceng registry -db " + db + " -areas 区域.csv -units 单位.csv", "载入社区、网格和承办单位"},
		{"jiceng import -db " + db + " 工单.xlsx", "导入工单"},
		{"jiceng serve -db " + db, "启动工作台，用上面的账号登录，在“用户管理”中为同事建账号"},
	})
	return nil
}

// checkAdmin refuses to serve a database on which nobody can administer:
// with no enabled administrator, nobody can create the accounts to sign in
// with. The message gives the command that creates one.
func checkAdmin(ctx context.Context, st account.Store, dsn string) error {
	n, err := (&account.Service{Store: st}).Admins(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	db := shellDSN(dsn)
	return core.Errorf(core.EINVALID, "数据库 %s 中没有启用的数据管理员账号，没有人能登录和建账号。请先创建一个（密码会自动生成并只显示一次）:\n"+
		"  jiceng user add -db %s -username admin -role admin\n"+
		"新街道也可以运行 jiceng init -db %s（建库、载入默认分类并创建第一个管理员）。", db, db, db)
}

// shellDSN is dsn as it can be pasted into a shell: quoted when it holds
// anything but plain characters, and a PostgreSQL password replaced by
// "xxxxx" (messages never print credentials).
func shellDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		dsn = u.Redacted()
	}
	if dsn != "" && strings.Trim(dsn, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@=,+%") == "" {
		return dsn
	}
	return "'" + strings.ReplaceAll(dsn, "'", `'\''`) + "'"
}
