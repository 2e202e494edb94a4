package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/dispatch"
	"jiceng/internal/notify"
	"jiceng/internal/workflow"
)

// webhookEnv and webhookSecretEnv configure the reminder webhook (an SMS
// or IM gateway of the street's intranet).
const (
	webhookEnv       = "JICENG_WEBHOOK"
	webhookSecretEnv = "JICENG_WEBHOOK_SECRET"
)

// lifecycleFlags are the serve flags of the ticket life cycle.
type lifecycleFlags struct {
	limits, calendar, webhook *string
	every, warn               *time.Duration
}

func addLifecycleFlags(fs *flag.FlagSet) lifecycleFlags {
	return lifecycleFlags{
		limits:   fs.String("limits", "", "办理时限表 CSV（按紧急程度的联系时限和办结时限）；默认内置 2小时/24小时/7天/15天"),
		calendar: fs.String("calendar", "", "工作日历 CSV（法定节假日和调休）；默认内置 2025–2026 年"),
		webhook:  fs.String("webhook", os.Getenv(webhookEnv), "临期/超时提醒推送地址（短信、即时通讯网关）；默认取环境变量 "+webhookEnv+"，空则不推送"),
		every:    fs.Duration("remind-every", 15*time.Minute, "推送提醒的间隔"),
		warn:     fs.Duration("remind-warn", 4*time.Hour, "时限前多久开始提醒"),
	}
}

// engine checks the flags and returns the life-cycle engine they configure.
func (lf lifecycleFlags) engine() (*workflow.Engine, error) {
	if *lf.every <= 0 || *lf.warn <= 0 {
		return nil, core.Errorf(core.EINVALID, "-remind-every 和 -remind-warn 须为正的时长，如 15m、4h")
	}
	if *lf.webhook != "" {
		u, err := url.Parse(*lf.webhook)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// The URL may hold a token: do not echo it.
			return nil, core.Errorf(core.EINVALID, "-webhook 应为 http:// 或 https:// 开头的完整地址")
		}
	}
	e := &workflow.Engine{}
	load := func(path, what string, fn func(r io.Reader) error) error {
		if path == "" {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("无法打开%s %s", what, filepath.Base(path))
		}
		defer f.Close()
		if err := fn(f); err != nil {
			return fmt.Errorf("%s %s: %w", what, filepath.Base(path), err)
		}
		return nil
	}
	err := load(*lf.limits, "办理时限表", func(r io.Reader) (err error) { e.Limits, err = workflow.LoadLimits(r); return })
	if err == nil {
		err = load(*lf.calendar, "工作日历", func(r io.Reader) (err error) { e.Calendar, err = workflow.LoadCalendar(r); return })
	}
	return e, err
}

// remindLoop sends the near and overdue limits of the street's open
// tickets to the webhook every interval until ctx ends. Failures are
// logged (without personal data: reminders carry none) and retried at the
// next interval.
func remindLoop(ctx context.Context, e *env, st core.Store, eng *workflow.Engine, hook *notify.Webhook, every, warn time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if err := sendReminders(ctx, e, st, eng, hook, warn); err != nil && ctx.Err() == nil {
			e.log.Error("reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// maxRemind bounds the tickets one round of reminders reads.
const maxRemind = 5000

func sendReminders(ctx context.Context, e *env, st core.Store, eng *workflow.Engine, hook *notify.Webhook, warn time.Duration) error {
	// Reminder texts show times in the street's zone, not the server's.
	ms, err := eng.DueReminders(ctx, st, core.TicketFilter{}, e.clock.Now().In(core.StreetTime), warn, maxRemind)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return nil
	}
	if err := hook.Send(ctx, ms); err != nil {
		return err
	}
	e.log.Info("reminders sent", "count", len(ms))
	return nil
}

// startDispatch returns the smart-dispatch recommender of st: at once with
// the catalogue alone, then, when the model has trained on the street's
// history in the background, with the model.
func startDispatch(ctx context.Context, e *env, st core.Store) (*dispatch.Live, error) {
	d, err := dispatch.NewLive(ctx, st)
	if err != nil {
		return nil, err
	}
	go func() {
		t0 := e.clock.Now()
		n, err := d.Train(ctx, st, t0)
		if err != nil {
			if ctx.Err() == nil {
				e.log.Warn("dispatch model not trained: the catalogue alone recommends", "tickets", n, "err", err)
			}
			return
		}
		e.log.Info("dispatch model trained", "tickets", n, "rules", d.Get().Catalogue.Len(), "took", since(e, t0).Round(time.Millisecond))
	}()
	return d, nil
}
