package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/dispatch"
	"jiceng/internal/fieldset"
	"jiceng/internal/notify"
	"jiceng/internal/rates"
	"jiceng/internal/understand"
	"jiceng/internal/web"
	"jiceng/internal/workflow"
)

// defaultAddr is where serve and demo listen unless told otherwise: the
// loopback interface, so that nothing is exposed to the network by default.
const defaultAddr = "127.0.0.1:8080"

// runServe serves the workbench and the API from an existing database.
func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "serve", "serve [-db DSN] [-addr 127.0.0.1:8080] [-model FILE] [-dictionary FILE] [-rates FILE] [-limits FILE] [-calendar FILE] [-webhook URL] [-open311-jurisdiction ID]")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径，或 postgres:// 连接地址")
	addr := fs.String("addr", defaultAddr, "监听地址；端口为 0 时自动选择空闲端口")
	modelPath := addModelPathFlag(fs)
	lf := addLifecycleFlags(fs)
	dictionaryFile := addDictionaryFlag(fs)
	ratesFile := fs.String("rates", "", "三率口径配置文件（同 jiceng report -config）；默认内置口径")
	https := fs.Bool("https", false, "经 HTTPS 访问（由反向代理终止 TLS 时设置）：会话 Cookie 加 Secure 标记，响应带 HSTS")
	tlsCert := fs.String("tls-cert", "", "TLS 证书文件（PEM）；与 -tls-key 一起设置时直接以 HTTPS 提供服务（含 -https）")
	tlsKey := fs.String("tls-key", "", "TLS 私钥文件（PEM）")
	tz := fs.String("tz", os.Getenv(tzEnv), "街道所在时区：页面上的日期，以及导入页面中不带时区的日期时间（默认 $"+tzEnv+"，再默认北京时间 UTC+8）")
	jurisdiction := fs.String("open311-jurisdiction", "", "Open311 接口的 jurisdiction_id（如 qhw.example.gov.cn）：请求中带其他值时答 404；默认不限。令牌密钥取自 $JICENG_OPEN311_TOKEN_KEY")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := checkJurisdiction(*jurisdiction); err != nil {
		return err
	}
	zone, err := fieldset.LoadZone(*tz)
	if err != nil {
		return fmt.Errorf("-tz: %w", err)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return core.Errorf(core.EINVALID, "-tls-cert 与 -tls-key 须同时设置")
	}
	eng, err := lf.engine()
	if err != nil {
		return err
	}
	pol, err := loadDictionary(*dictionaryFile)
	if err != nil {
		return err
	}
	for _, role := range []string{core.RoleAdmin, core.RoleLeader, core.RoleStaff, core.RoleCommunity, core.RoleHandler} {
		if err := checkRole(pol, role); err != nil {
			return err
		}
	}
	var ratesCfg *rates.Config
	if *ratesFile != "" {
		f, err := os.Open(*ratesFile)
		if err != nil {
			return core.Errorf(core.EINVALID, "无法打开口径配置文件 %s", filepath.Base(*ratesFile))
		}
		cfg, err := rates.LoadConfig(f)
		f.Close()
		if err != nil {
			return core.Errorf(core.EINVALID, "口径配置文件 %s: %s", filepath.Base(*ratesFile), err.Error())
		}
		ratesCfg = &cfg
	}
	if err := checkSQLiteExists(*dsn); err != nil {
		return err
	}
	store, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return fmt.Errorf("打开数据库: %w", err)
	}
	defer store.Close()
	if err := checkAdmin(ctx, store, *dsn); err != nil {
		return err
	}
	u, err := newUnderstander(ctx, store, *modelPath, e.clock)
	if err != nil {
		return err
	}
	d, err := startDispatch(ctx, e, store)
	if err != nil {
		return err
	}
	opt := serveOptions{understand: u, dispatch: d, workflow: eng, every: *lf.every, warn: *lf.warn,
		dictionary: pol, rates: ratesCfg, https: *https || *tlsCert != "", zone: zone, open311Jurisdiction: *jurisdiction}
	// A file given by a flag wins over the version stored through the
	// settings pages, which wins over the built-in one.
	for _, pin := range []struct{ name, flag, path string }{
		{core.SettingLimits, "-limits", *lf.limits}, {core.SettingCalendar, "-calendar", *lf.calendar},
		{core.SettingDictionary, "-dictionary", *dictionaryFile}, {core.SettingRates, "-rates", *ratesFile},
	} {
		if pin.path == "" {
			continue
		}
		b, err := os.ReadFile(pin.path)
		if err != nil {
			return core.Errorf(core.EINVALID, "无法读取 %s 文件 %s", pin.flag, filepath.Base(pin.path))
		}
		if opt.pinned == nil {
			opt.pinned = map[string]web.PinnedSetting{}
		}
		opt.pinned[pin.name] = web.PinnedSetting{Flag: pin.flag, File: filepath.Base(pin.path), Content: b}
	}
	if *lf.webhook != "" {
		opt.webhook = &notify.Webhook{URL: *lf.webhook, Secret: []byte(os.Getenv(webhookSecretEnv)), Now: e.clock.Now}
	}
	ln, err := listen(*addr)
	if err != nil {
		return err
	}
	if *tlsCert != "" {
		if ln, err = listenTLS(ln, *tlsCert, *tlsKey); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "jiceng 已启动: %s  （按 Ctrl+C 停止）\n", siteURL(ln.Addr(), *tlsCert != ""))
	return serveStore(ctx, e, store, opt, ln)
}

// serveOptions are the services a server runs with.
type serveOptions struct {
	understand  *understand.Understander
	dispatch    *dispatch.Live
	dictionary  *deid.Dictionary // nil: the built-in masking dictionary
	rates       *rates.Config    // nil: the default 三率 formulas
	workflow    *workflow.Engine
	webhook     *notify.Webhook              // nil: no reminders pushed
	https       bool                         // reached over HTTPS: Secure cookie, HSTS
	zone        *time.Location               // the street's zone; nil: China Standard Time
	pinned      map[string]web.PinnedSetting // settings given by flags
	every, warn time.Duration                // of the webhook's reminders
	// open311Jurisdiction is the jurisdiction_id of the Open311 server;
	// "" answers any.
	open311Jurisdiction string
}

// checkJurisdiction checks an Open311 jurisdiction_id given by a flag: a
// domain-like name (letters, digits, . - _ :) of at most 100 characters,
// since clients send it back in URLs and forms as is.
func checkJurisdiction(j string) error {
	if len(j) > 100 {
		return core.Errorf(core.EINVALID, "-open311-jurisdiction 过长：最多 100 个字符")
	}
	for _, c := range j {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(".-_:", c)) {
			return core.Errorf(core.EINVALID, "-open311-jurisdiction 只能包含字母、数字和 . - _ :（如 qhw.example.gov.cn）")
		}
	}
	return nil
}

// parseFlags parses args into fs and refuses positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "多余的参数: %s\n", strings.Join(fs.Args(), " "))
		fs.Usage()
		return errUsage
	}
	return nil
}

// checkSQLiteExists refuses a SQLite path that does not exist: opening it
// would create an empty database and serve nothing, silently.
func checkSQLiteExists(dsn string) error {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return nil
	}
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return core.Errorf(core.ENOTFOUND, "数据库文件 %s 不存在。请用 -db 指定已有的数据库；新街道请先运行 jiceng init -db %s 建库并创建第一个管理员，或运行 jiceng demo 体验演示数据。", path, shellDSN(path))
	} else if err != nil {
		return fmt.Errorf("数据库文件 %s: %w", path, err)
	}
	return nil
}

// listen opens the server's socket, before any slow work, so that a busy
// port is reported at once.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("无法监听 %s: %w", addr, err)
	}
	return ln, nil
}

// serveStore serves store on ln until ctx is cancelled, with the text
// understanding u.
func serveStore(ctx context.Context, e *env, store core.Store, opt serveOptions, ln net.Listener) error {
	// An import that was stopped before it built the keyword index or made
	// its predictions leaves tickets that keyword filters find only by
	// scanning and that have no stored prediction: finish both in the
	// background while serving (the ticket page predicts on the fly until
	// then).
	// The background work ends before the caller closes the store.
	srv := &web.Server{Store: store, Log: e.log, Clock: e.clock, Understand: opt.understand, Workflow: opt.workflow,
		Dispatch: opt.dispatch, Dictionary: opt.dictionary, Rates: opt.rates, HTTPS: opt.https, Pinned: opt.pinned,
		Location: opt.zone, QualityHook: opt.webhook, Open311Jurisdiction: opt.open311Jurisdiction}
	// The settings stored through the settings pages, unless a flag
	// gave the file.
	if err := srv.LoadSettings(ctx); err != nil {
		return err
	}
	bg, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		stop()
		wg.Wait()
	}()
	ctx = bg
	wg.Go(func() {
		if ix, ok := store.(core.SearchIndexer); ok {
			if n, err := ix.IndexSearch(ctx); err != nil && ctx.Err() == nil {
				e.log.Error("keyword index", "err", err)
			} else if n > 0 {
				e.log.Info("keyword index built", "tickets", n)
			}
		}
		if u := srv.Understander(); u != nil {
			fillInBackground(ctx, e, store, u) // with the urgency rules stored
		}
	})
	if opt.webhook != nil && opt.workflow != nil {
		wg.Go(func() { remindLoop(ctx, e, store, opt.workflow, opt.webhook, opt.every, opt.warn) })
	}
	if err := srv.Serve(ctx, ln); err != nil {
		return err
	}
	e.log.Info("server stopped")
	return nil
}

// listenTLS serves TLS (1.2 and later) on ln with the PEM certificate and
// key files.
func listenTLS(ln net.Listener, certFile, keyFile string) (net.Listener, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		ln.Close()
		return nil, core.Errorf(core.EINVALID, "无法读取 TLS 证书或私钥（%s, %s）", filepath.Base(certFile), filepath.Base(keyFile))
	}
	return tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}), nil
}

// siteURL is the address to open in a browser: a wildcard listen address
// is shown as the loopback address.
func siteURL(a net.Addr, https bool) string {
	scheme := "http"
	if https {
		scheme = "https"
	}
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return scheme + "://" + a.String() + "/"
	}
	host := ta.IP.String()
	if ta.IP == nil || ta.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return fmt.Sprintf("%s://%s/", scheme, net.JoinHostPort(host, fmt.Sprint(ta.Port)))
}

// writeTable writes rows as aligned columns, counting CJK characters as two
// columns wide (text/tabwriter counts them as one).
func writeTable(w io.Writer, rows [][]string) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		fmt.Fprintln(w, "  "+b.String())
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115F || (r >= 0x2E80 && r <= 0xA4CF) || (r >= 0xAC00 && r <= 0xD7A3) ||
			(r >= 0xF900 && r <= 0xFAFF) || (r >= 0xFE30 && r <= 0xFE4F) || (r >= 0xFF00 && r <= 0xFF60) ||
			(r >= 0xFFE0 && r <= 0xFFE6)) {
			n += 2
		} else {
			n++
		}
	}
	return n
}
