package workflow

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func yes() *bool { b := true; return &b }

// base returns a ticket in status with the fields a ticket in it would
// have, and its workflow state.
func base(status string) (core.Ticket, core.Workflow) {
	t := core.Ticket{ID: 7, Number: "T0007", Status: status, Urgency: "一般", ReceivedAt: at("2025-03-03 09:00"),
		Community: "甲社区", Category1: "市容环境"}
	w := core.Workflow{TicketID: 7}
	if status != core.StatusReceived {
		t.Unit = "城管科"
		w.DispatchedAt = at("2025-03-03 09:30")
		w.ContactDeadline = at("2025-03-03 11:30")
		t.Deadline = at("2025-03-13 00:00")
	}
	return t, w
}

func code(err error) string { return core.ErrorCode(err) }

// TestApplyLegal has a case for every legal (status, action) pair of the
// table; TestApplyIllegal checks that the table has no others.
func TestApplyLegal(t *testing.T) {
	now := at("2025-03-05 10:00")
	type check func(t *testing.T, tk core.Ticket, w core.Workflow)
	var setPending func(w *core.Workflow)
	pending := func(_ *core.Ticket, w *core.Workflow) { setPending(w) }
	setPending = func(w *core.Workflow) {
		w.Extension, w.ExtensionUntil, w.ExtensionReason = core.ExtensionPending, at("2025-03-20 00:00"), "需协调物业"
	}
	cases := []struct {
		name   string
		status string
		prep   func(*core.Ticket, *core.Workflow)
		tr     core.Transition
		want   string // status after
		check  check
	}{
		{"受理/派单", core.StatusReceived, nil,
			core.Transition{Action: core.ActionDispatch, Unit: " 甲社区 ", CoUnits: []string{"城管科", "", "甲社区", "城管科"}},
			core.StatusDispatched, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Unit != "甲社区" || !slices.Equal(w.CoUnits, []string{"城管科"}) {
					t.Errorf("unit %q co %q", tk.Unit, w.CoUnits)
				}
				if !w.DispatchedAt.Equal(now) || !w.ContactDeadline.Equal(at("2025-03-05 12:00")) ||
					!tk.Deadline.Equal(at("2025-03-15 00:00")) { // Wed + 7 wd = Fri 03-14 24:00
					t.Errorf("dispatched %v contact %v deadline %v", w.DispatchedAt, w.ContactDeadline, tk.Deadline)
				}
			}},
		{"退单/派单", core.StatusReturned, func(tk *core.Ticket, w *core.Workflow) { w.ReturnedBy = []string{"城管科"} },
			core.Transition{Action: core.ActionDispatch, Unit: "城管科"},
			core.StatusDispatched, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Unit != "城管科" || !w.DispatchedAt.Equal(now) || !slices.Equal(w.ReturnedBy, []string{"城管科"}) {
					t.Errorf("got unit %q at %v returned %q", tk.Unit, w.DispatchedAt, w.ReturnedBy)
				}
			}},
		{"派单/签收", core.StatusDispatched, nil, core.Transition{Action: core.ActionSign},
			core.StatusSigned, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if !w.SignedAt.Equal(now) {
					t.Errorf("signed %v", w.SignedAt)
				}
			}},
		{"签收/先行联系", core.StatusSigned, nil, core.Transition{Action: core.ActionContact, Note: "已电话联系"},
			core.StatusContacted, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if !tk.ContactedAt.Equal(now) {
					t.Errorf("contacted %v", tk.ContactedAt)
				}
			}},
		{"先行联系/办理", core.StatusContacted, nil, core.Transition{Action: core.ActionHandle}, core.StatusHandling, nil},
		{"先行联系/办结", core.StatusContacted, nil, core.Transition{Action: core.ActionResolve, Reply: " 已清运 "},
			core.StatusResolved, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Reply != "已清运" || !tk.ResolvedAt.Equal(now) {
					t.Errorf("reply %q at %v", tk.Reply, tk.ResolvedAt)
				}
			}},
		{"办理/办结", core.StatusHandling, pending, core.Transition{Action: core.ActionResolve, Reply: "已修复"},
			core.StatusResolved, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Reply != "已修复" || !tk.ResolvedAt.Equal(now) || w.Extension != "" || !w.ExtensionUntil.IsZero() {
					t.Errorf("reply %q at %v extension %q %v", tk.Reply, tk.ResolvedAt, w.Extension, w.ExtensionUntil)
				}
			}},
		{"受理/直接答复", core.StatusReceived, nil, core.Transition{Action: core.ActionAnswer, Reply: "政策解答"},
			core.StatusResolved, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Reply != "政策解答" || !tk.ResolvedAt.Equal(now) || tk.Unit != "" {
					t.Errorf("reply %q at %v unit %q", tk.Reply, tk.ResolvedAt, tk.Unit)
				}
			}},
		{"办结/回访", core.StatusResolved, nil,
			core.Transition{Action: core.ActionCallback, Resolved: yes(), Satisfaction: "基本满意"},
			core.StatusCallback, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Resolved == nil || !*tk.Resolved || tk.Satisfaction != "基本满意" || !tk.CallbackAt.Equal(now) {
					t.Errorf("resolved %v satisfaction %q at %v", tk.Resolved, tk.Satisfaction, tk.CallbackAt)
				}
			}},
		{"回访/结案", core.StatusCallback, nil, core.Transition{Action: core.ActionClose}, core.StatusClosed, nil},
		{"回访/重办", core.StatusCallback, func(tk *core.Ticket, w *core.Workflow) {
			no := false
			tk.Unit, tk.Resolved, tk.Satisfaction = "甲社区", &no, "不满意"
		}, core.Transition{Action: core.ActionReopen, Note: "回访未解决"},
			core.StatusDispatched, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Unit != "甲社区" || !w.DispatchedAt.Equal(now) || !tk.Deadline.After(now) {
					t.Errorf("reopened: unit %q dispatched %v deadline %v", tk.Unit, w.DispatchedAt, tk.Deadline)
				}
			}},
		{"派单/退单", core.StatusDispatched, nil, core.Transition{Action: core.ActionReturn, Note: "不属本单位职责"},
			core.StatusReturned, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Unit != "城管科" || !slices.Equal(w.ReturnedBy, []string{"城管科"}) {
					t.Errorf("unit %q returned %q", tk.Unit, w.ReturnedBy)
				}
			}},
		{"签收/退单", core.StatusSigned, func(tk *core.Ticket, w *core.Workflow) { w.ReturnedBy = []string{"乙社区"}; setPending(w) },
			core.Transition{Action: core.ActionReturn, Note: "地址不在辖区"},
			core.StatusReturned, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if !slices.Equal(w.ReturnedBy, []string{"乙社区", "城管科"}) || w.Extension != "" {
					t.Errorf("returned %q extension %q", w.ReturnedBy, w.Extension)
				}
			}},
		{"派单/改派", core.StatusDispatched, nil, core.Transition{Action: core.ActionRedispatch, Unit: "房管所"},
			core.StatusDispatched, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if tk.Unit != "房管所" || !w.DispatchedAt.Equal(now) || !w.ContactDeadline.Equal(at("2025-03-05 12:00")) {
					t.Errorf("unit %q at %v contact %v", tk.Unit, w.DispatchedAt, w.ContactDeadline)
				}
			}},
		{"签收/改派", core.StatusSigned, func(tk *core.Ticket, w *core.Workflow) {
			w.SignedAt = at("2025-03-03 10:00")
			w.Extension, w.ExtensionUntil = core.ExtensionApproved, at("2025-03-20 00:00")
		}, core.Transition{Action: core.ActionRedispatch, Unit: "房管所"},
			core.StatusDispatched, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if !w.SignedAt.IsZero() || w.Extension != "" || !tk.Deadline.Equal(at("2025-03-15 00:00")) {
					t.Errorf("signed %v extension %q deadline %v", w.SignedAt, w.Extension, tk.Deadline)
				}
			}},
		{"退单/改派", core.StatusReturned, nil, core.Transition{Action: core.ActionRedispatch, Unit: "城管科"},
			core.StatusDispatched, nil},
		{"签收/延期申请", core.StatusSigned, nil,
			core.Transition{Action: core.ActionExtendRequest, Until: at("2025-03-20 00:00"), Note: "需协调物业"},
			core.StatusSigned, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if w.Extension != core.ExtensionPending || !w.ExtensionUntil.Equal(at("2025-03-20 00:00")) ||
					w.ExtensionReason != "需协调物业" || !tk.Deadline.Equal(at("2025-03-13 00:00")) {
					t.Errorf("extension %q %v %q deadline %v", w.Extension, w.ExtensionUntil, w.ExtensionReason, tk.Deadline)
				}
			}},
		{"先行联系/延期申请", core.StatusContacted, func(tk *core.Ticket, w *core.Workflow) { w.Extension = core.ExtensionDenied },
			core.Transition{Action: core.ActionExtendRequest, Until: at("2025-03-14 00:00"), Note: "再试"},
			core.StatusContacted, nil},
		{"办理/延期申请", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) { w.Extension = core.ExtensionApproved },
			core.Transition{Action: core.ActionExtendRequest, Until: at("2025-04-01 00:00"), Note: "施工"},
			core.StatusHandling, nil},
		{"签收/延期批准", core.StatusSigned, pending, core.Transition{Action: core.ActionExtendApprove},
			core.StatusSigned, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if w.Extension != core.ExtensionApproved || !tk.Deadline.Equal(at("2025-03-20 00:00")) {
					t.Errorf("extension %q deadline %v", w.Extension, tk.Deadline)
				}
			}},
		{"先行联系/延期批准(另定时间)", core.StatusContacted, pending,
			core.Transition{Action: core.ActionExtendApprove, Until: at("2025-03-17 00:00")},
			core.StatusContacted, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if !tk.Deadline.Equal(at("2025-03-17 00:00")) || !w.ExtensionUntil.Equal(at("2025-03-17 00:00")) {
					t.Errorf("deadline %v until %v", tk.Deadline, w.ExtensionUntil)
				}
			}},
		{"办理/延期批准", core.StatusHandling, pending, core.Transition{Action: core.ActionExtendApprove}, core.StatusHandling, nil},
		{"签收/延期驳回", core.StatusSigned, pending, core.Transition{Action: core.ActionExtendDeny, Note: "理由不足"},
			core.StatusSigned, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if w.Extension != core.ExtensionDenied || !tk.Deadline.Equal(at("2025-03-13 00:00")) {
					t.Errorf("extension %q deadline %v", w.Extension, tk.Deadline)
				}
			}},
		{"先行联系/延期驳回", core.StatusContacted, pending, core.Transition{Action: core.ActionExtendDeny}, core.StatusContacted, nil},
		{"办理/延期驳回", core.StatusHandling, pending, core.Transition{Action: core.ActionExtendDeny}, core.StatusHandling, nil},
		{"受理/督办", core.StatusReceived, nil, core.Transition{Action: core.ActionSupervise, Note: "尽快派单"}, core.StatusReceived, nil},
		{"派单/督办", core.StatusDispatched, nil, core.Transition{Action: core.ActionSupervise, Note: "请签收"}, core.StatusDispatched, nil},
		{"签收/督办", core.StatusSigned, nil, core.Transition{Action: core.ActionSupervise, Note: "请联系"}, core.StatusSigned, nil},
		{"先行联系/督办", core.StatusContacted, nil, core.Transition{Action: core.ActionSupervise, Note: "加快"}, core.StatusContacted, nil},
		{"办理/督办", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) { w.Supervisions = 2 },
			core.Transition{Action: core.ActionSupervise, Note: "第三次"},
			core.StatusHandling, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if w.Supervisions != 3 {
					t.Errorf("supervisions %d", w.Supervisions)
				}
			}},
		{"退单/督办", core.StatusReturned, nil, core.Transition{Action: core.ActionSupervise, Note: "尽快改派"}, core.StatusReturned, nil},
		{"受理/合并", core.StatusReceived, nil, core.Transition{Action: core.ActionMerge, MergeInto: " T0001 "},
			core.StatusClosed, func(t *testing.T, tk core.Ticket, w core.Workflow) {
				if w.MergedInto != "T0001" {
					t.Errorf("merged into %q", w.MergedInto)
				}
			}},
		{"退单/合并", core.StatusReturned, nil, core.Transition{Action: core.ActionMerge, MergeInto: "T0002"}, core.StatusClosed, nil},
		{"空状态/派单", "", nil, core.Transition{Action: core.ActionDispatch, Unit: "甲社区"}, core.StatusDispatched, nil},
	}
	var e Engine
	covered := map[[2]string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk, w := base(c.status)
			if c.prep != nil {
				c.prep(&tk, &w)
			}
			c.tr.At = now
			c.tr.Actor = "tester"
			if err := e.Apply(&tk, &w, c.tr); err != nil {
				t.Fatalf("Apply: %v", err)
			}
			if tk.Status != c.want {
				t.Errorf("status = %q, want %q", tk.Status, c.want)
			}
			if c.check != nil {
				c.check(t, tk, w)
			}
		})
		covered[[2]string{c.status, c.tr.Action}] = true
	}
	for _, a := range AllActions() {
		for _, s := range table[a].from {
			if !covered[[2]string{s, a}] {
				t.Errorf("no case for legal %s/%s", s, core.ActionLabels[a])
			}
		}
	}
}

// validTransition has the inputs action needs, so that only the status can
// make Apply refuse it.
func validTransition(action string) core.Transition {
	return core.Transition{Action: action, At: at("2025-03-05 10:00"), Note: "说明", Unit: "房管所",
		Reply: "答复", Until: at("2025-04-01 00:00"), Resolved: yes(), Satisfaction: "满意", MergeInto: "T0001"}
}

func TestApplyIllegal(t *testing.T) {
	var e Engine
	n := 0
	for _, s := range append(slices.Clone(core.Statuses), "挂起") {
		for _, a := range AllActions() {
			if slices.Contains(table[a].from, s) {
				continue
			}
			n++
			t.Run(s+"/"+core.ActionLabels[a], func(t *testing.T) {
				tk, w := base(s)
				w.Extension = core.ExtensionPending // so that 延期批准 fails on status alone
				w.ExtensionUntil = at("2025-03-20 00:00")
				before, beforeW := tk, w
				err := e.Apply(&tk, &w, validTransition(a))
				if code(err) != core.ECONFLICT {
					t.Fatalf("err = %v, want conflict", err)
				}
				msg := core.ErrorMessage(err)
				if !strings.Contains(msg, "「"+s+"」") || !strings.Contains(msg, "「"+core.ActionLabels[a]+"」") {
					t.Errorf("message %q does not name status and action", msg)
				}
				if !reflect.DeepEqual(tk, before) || !reflect.DeepEqual(w, beforeW) {
					t.Errorf("refused Apply changed the ticket")
				}
			})
		}
	}
	if n < 100 {
		t.Errorf("only %d illegal pairs", n)
	}
}

func TestApplyMessage(t *testing.T) {
	tk, w := base(core.StatusDispatched)
	err := new(Engine).Apply(&tk, &w, core.Transition{Action: core.ActionResolve, Reply: "x", At: at("2025-03-05 10:00")})
	if got, want := core.ErrorMessage(err), "工单当前状态为「派单」，不能「办结」：需先签收并联系来电人"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestApplyInvalid(t *testing.T) {
	cases := []struct {
		name   string
		status string
		prep   func(*core.Ticket, *core.Workflow)
		tr     core.Transition
		code   string
		msg    string // substring
	}{
		{"未知动作", core.StatusReceived, nil, core.Transition{Action: "fly"}, core.EINVALID, "未知的流转动作"},
		{"创建不是流转", core.StatusReceived, nil, core.Transition{Action: core.EventCreate}, core.EINVALID, "未知的流转动作"},
		{"缺时间", core.StatusReceived, nil, core.Transition{Action: core.ActionDispatch, Unit: "甲"}, core.EINVALID, "流转时间"},
		{"派单缺单位", core.StatusReceived, nil, core.Transition{Action: core.ActionDispatch, Unit: "  "}, core.EINVALID, "承办单位"},
		{"改派同一单位", core.StatusSigned, nil, core.Transition{Action: core.ActionRedispatch, Unit: "城管科"}, core.EINVALID, "另一承办单位"},
		{"改派缺单位", core.StatusDispatched, nil, core.Transition{Action: core.ActionRedispatch}, core.EINVALID, "承办单位"},
		{"办结缺答复", core.StatusHandling, nil, core.Transition{Action: core.ActionResolve, Reply: " "}, core.EINVALID, "答复内容"},
		{"直接答复缺答复", core.StatusReceived, nil, core.Transition{Action: core.ActionAnswer}, core.EINVALID, "答复内容"},
		{"回访缺是否解决", core.StatusResolved, nil, core.Transition{Action: core.ActionCallback, Satisfaction: "满意"}, core.EINVALID, "是否解决"},
		{"回访满意度不对", core.StatusResolved, nil, core.Transition{Action: core.ActionCallback, Resolved: yes(), Satisfaction: "很好"}, core.EINVALID, "满意度"},
		{"退单缺理由", core.StatusDispatched, nil, core.Transition{Action: core.ActionReturn}, core.EINVALID, "退单理由"},
		{"延期缺理由", core.StatusHandling, nil, core.Transition{Action: core.ActionExtendRequest, Until: at("2025-04-01 00:00")}, core.EINVALID, "延期理由"},
		{"延期缺时间", core.StatusHandling, nil, core.Transition{Action: core.ActionExtendRequest, Note: "x"}, core.EINVALID, "延至的时间"},
		{"延期不晚于时限", core.StatusHandling, nil, core.Transition{Action: core.ActionExtendRequest, Note: "x", Until: at("2025-03-13 00:00")}, core.EINVALID, "须晚于当前办理时限（2025-03-13 00:00）"},
		{"延期超过一年", core.StatusHandling, nil, core.Transition{Action: core.ActionExtendRequest, Note: "x", Until: at("2026-04-01 00:00")}, core.EINVALID, "超过一年"},
		{"无时限时延期须晚于现在", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) { tk.Deadline = time.Time{} },
			core.Transition{Action: core.ActionExtendRequest, Note: "x", Until: at("2025-03-05 09:00")}, core.EINVALID, "须晚于"},
		{"重复延期申请", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) { w.Extension = core.ExtensionPending },
			core.Transition{Action: core.ActionExtendRequest, Note: "x", Until: at("2025-04-01 00:00")}, core.ECONFLICT, "已有待审批的延期申请"},
		{"无申请不能批准", core.StatusHandling, nil, core.Transition{Action: core.ActionExtendApprove}, core.ECONFLICT, "没有待审批的延期申请"},
		{"已批准不能再批准", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) { w.Extension = core.ExtensionApproved },
			core.Transition{Action: core.ActionExtendApprove}, core.ECONFLICT, "没有待审批"},
		{"无申请不能驳回", core.StatusSigned, nil, core.Transition{Action: core.ActionExtendDeny}, core.ECONFLICT, "不能「延期驳回」"},
		{"批准时间早于时限", core.StatusHandling, func(tk *core.Ticket, w *core.Workflow) {
			w.Extension, w.ExtensionUntil = core.ExtensionPending, at("2025-03-20 00:00")
		}, core.Transition{Action: core.ActionExtendApprove, Until: at("2025-03-10 00:00")}, core.EINVALID, "批准延至的时间"},
		{"督办缺意见", core.StatusHandling, nil, core.Transition{Action: core.ActionSupervise}, core.EINVALID, "督办意见"},
		{"重办缺理由", core.StatusCallback, nil, core.Transition{Action: core.ActionReopen}, core.EINVALID, "重办理由"},
		{"已解决且满意不重办", core.StatusCallback, func(tk *core.Ticket, w *core.Workflow) {
			yes := true
			tk.Unit, tk.Resolved, tk.Satisfaction = "甲社区", &yes, "满意"
		}, core.Transition{Action: core.ActionReopen, Note: "再看看"}, core.ECONFLICT, "无需重办"},
		{"合并缺编号", core.StatusReceived, nil, core.Transition{Action: core.ActionMerge}, core.EINVALID, "工单编号"},
		{"合并到自身", core.StatusReceived, nil, core.Transition{Action: core.ActionMerge, MergeInto: "T0007"}, core.EINVALID, "自身"},
		{"退单理由过长", core.StatusDispatched, nil, core.Transition{Action: core.ActionReturn, Note: strings.Repeat("理", MaxNote+1)}, core.EINVALID, "不能超过 2000 字"},
		{"督办意见过长", core.StatusHandling, nil, core.Transition{Action: core.ActionSupervise, Note: strings.Repeat("x", 1<<20)}, core.EINVALID, "不能超过"},
		{"答复过长", core.StatusHandling, nil, core.Transition{Action: core.ActionResolve, Reply: strings.Repeat("答", MaxReply+1)}, core.EINVALID, "答复内容不能超过"},
		{"协办单位过多", core.StatusReceived, nil, core.Transition{Action: core.ActionDispatch, Unit: "甲", CoUnits: make([]string, MaxUnits+1)}, core.EINVALID, "协办单位不能超过"},
		{"单位名过长", core.StatusReceived, nil, core.Transition{Action: core.ActionDispatch, Unit: strings.Repeat("甲", MaxName+1)}, core.EINVALID, "过长"},
	}
	var e Engine
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk, w := base(c.status)
			if c.prep != nil {
				c.prep(&tk, &w)
			}
			if c.name != "缺时间" {
				c.tr.At = at("2025-03-05 10:00")
			}
			before, beforeW := tk, w
			err := e.Apply(&tk, &w, c.tr)
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != c.code || !strings.Contains(ce.Message, c.msg) {
				t.Fatalf("err = %v, want %s containing %q", err, c.code, c.msg)
			}
			if !reflect.DeepEqual(tk, before) || !reflect.DeepEqual(w, beforeW) {
				t.Errorf("refused Apply changed the ticket")
			}
		})
	}
}

// TestApplyNoAliasing checks that Apply does not write through slices or
// pointers the caller still holds.
func TestApplyNoAliasing(t *testing.T) {
	tk, w := base(core.StatusSigned)
	w.ReturnedBy = make([]string, 1, 4)
	w.ReturnedBy[0] = "乙社区"
	held := w.ReturnedBy
	var e Engine
	if err := e.Apply(&tk, &w, core.Transition{Action: core.ActionReturn, Note: "x", At: at("2025-03-05 10:00")}); err != nil {
		t.Fatal(err)
	}
	if got := held[:2][1]; got != "" {
		t.Errorf("Apply wrote %q into the caller's backing array", got)
	}
	tk, _ = base(core.StatusResolved)
	b := true
	tw := core.Workflow{}
	if err := e.Apply(&tk, &tw, core.Transition{Action: core.ActionCallback, Resolved: &b, Satisfaction: "满意", At: at("2025-03-05 10:00")}); err != nil {
		t.Fatal(err)
	}
	b = false
	if !*tk.Resolved {
		t.Errorf("ticket shares the transition's Resolved pointer")
	}
}

// TestLifeCycle walks one ticket through the main flow and a detour.
func TestLifeCycle(t *testing.T) {
	e := Engine{}
	tk := core.Ticket{ID: 1, Number: "A1", Status: core.StatusReceived, Urgency: "加急", ReceivedAt: at("2025-09-30 16:00")}
	var w core.Workflow
	steps := []core.Transition{
		{Action: core.ActionDispatch, Unit: "甲社区", At: at("2025-09-30 16:10")},
		{Action: core.ActionReturn, Note: "非本社区", At: at("2025-09-30 16:40")},
		{Action: core.ActionDispatch, Unit: "乙社区", At: at("2025-09-30 17:00")},
		{Action: core.ActionSign, At: at("2025-09-30 17:05")},
		{Action: core.ActionContact, At: at("2025-09-30 18:00")},
		{Action: core.ActionHandle, At: at("2025-09-30 18:01")},
		{Action: core.ActionExtendRequest, Until: at("2025-10-09 00:00"), Note: "节日期间无法施工", At: at("2025-10-01 09:00")},
		{Action: core.ActionExtendApprove, At: at("2025-10-01 10:00")},
		{Action: core.ActionSupervise, Note: "请节后第一天处理", At: at("2025-10-02 10:00")},
		{Action: core.ActionResolve, Reply: "已修复", At: at("2025-10-08 15:00")},
		{Action: core.ActionCallback, Resolved: yes(), Satisfaction: "满意", At: at("2025-10-09 10:00")},
		{Action: core.ActionClose, At: at("2025-10-09 10:05")},
	}
	for _, tr := range steps {
		if err := e.Apply(&tk, &w, tr); err != nil {
			t.Fatalf("%s: %v", core.ActionLabels[tr.Action], err)
		}
		if tr.Action == core.ActionDispatch && tk.Unit == "乙社区" {
			if want := at("2025-10-01 17:00"); !tk.Deadline.Equal(want) { // 加急: 24 natural hours
				t.Errorf("deadline %v, want %v", tk.Deadline, want)
			}
			if want := at("2025-09-30 19:00"); !w.ContactDeadline.Equal(want) {
				t.Errorf("contact deadline %v, want %v", w.ContactDeadline, want)
			}
		}
	}
	if tk.Status != core.StatusClosed || !slices.Equal(w.ReturnedBy, []string{"甲社区"}) || w.Supervisions != 1 ||
		!tk.Deadline.Equal(at("2025-10-09 00:00")) || w.Extension != core.ExtensionApproved {
		t.Errorf("end state %+v %+v", tk, w)
	}
}

func TestDispatchDeadlines(t *testing.T) {
	cases := []struct {
		name, urgency, at string
		contact, resolve  string
	}{
		{"紧急", "紧急", "2025-03-07 23:30", "2025-03-08 00:30", "2025-03-08 01:30"},
		{"加急跨周末", "加急", "2025-03-07 18:00", "2025-03-07 20:00", "2025-03-08 18:00"},
		{"一般周五", "一般", "2025-03-07 18:00", "2025-03-07 20:00", "2025-03-19 00:00"},
		{"空紧急程度按一般", "", "2025-03-07 18:00", "2025-03-07 20:00", "2025-03-19 00:00"},
		{"未知紧急程度按一般", "特急", "2025-03-07 18:00", "2025-03-07 20:00", "2025-03-19 00:00"},
		{"一般跨国庆", "一般", "2025-09-30 15:00", "2025-09-30 17:00", "2025-10-17 00:00"},
		{"复杂跨春节", "复杂", "2026-02-13 09:00", "2026-02-13 11:00", "2026-03-13 00:00"}, // 02-14 班, 02-28 班,
	}
	e := Engine{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tk := core.Ticket{Status: core.StatusReceived, Urgency: core.Urgency(c.urgency)}
			var w core.Workflow
			if err := e.Apply(&tk, &w, core.Transition{Action: core.ActionDispatch, Unit: "甲", At: at(c.at)}); err != nil {
				t.Fatal(err)
			}
			if !w.ContactDeadline.Equal(at(c.contact)) || !tk.Deadline.Equal(at(c.resolve)) {
				t.Errorf("contact %v resolve %v, want %s %s", w.ContactDeadline, tk.Deadline, c.contact, c.resolve)
			}
			cd, rd := e.Deadlines(core.Urgency(c.urgency), at(c.at))
			if !cd.Equal(w.ContactDeadline) || !rd.Equal(tk.Deadline) {
				t.Errorf("Deadlines = %v %v, Apply set %v %v", cd, rd, w.ContactDeadline, tk.Deadline)
			}
		})
	}
}

func TestActions(t *testing.T) {
	cases := []struct {
		status string
		want   []string
	}{
		{core.StatusReceived, []string{core.ActionDispatch, core.ActionAnswer, core.ActionSupervise, core.ActionMerge}},
		{"", []string{core.ActionDispatch, core.ActionAnswer, core.ActionSupervise, core.ActionMerge}},
		{core.StatusDispatched, []string{core.ActionSign, core.ActionReturn, core.ActionRedispatch, core.ActionSupervise}},
		{core.StatusSigned, []string{core.ActionContact, core.ActionReturn, core.ActionRedispatch, core.ActionExtendRequest,
			core.ActionExtendApprove, core.ActionExtendDeny, core.ActionSupervise}},
		{core.StatusContacted, []string{core.ActionHandle, core.ActionResolve, core.ActionExtendRequest,
			core.ActionExtendApprove, core.ActionExtendDeny, core.ActionSupervise}},
		{core.StatusHandling, []string{core.ActionResolve, core.ActionExtendRequest, core.ActionExtendApprove,
			core.ActionExtendDeny, core.ActionSupervise}},
		{core.StatusResolved, []string{core.ActionCallback}},
		{core.StatusCallback, []string{core.ActionClose, core.ActionReopen}},
		{core.StatusClosed, nil},
		{core.StatusReturned, []string{core.ActionDispatch, core.ActionRedispatch, core.ActionSupervise, core.ActionMerge}},
		{"挂起", nil},
	}
	for _, c := range cases {
		t.Run("status="+c.status, func(t *testing.T) {
			if got := Actions(c.status); !slices.Equal(got, c.want) {
				t.Errorf("Actions = %q, want %q", got, c.want)
			}
			if got := new(Engine).Actions(c.status); !slices.Equal(got, c.want) {
				t.Errorf("Engine.Actions = %q", got)
			}
		})
	}
	for _, a := range AllActions() {
		if _, ok := core.ActionLabels[a]; !ok {
			t.Errorf("action %q has no label", a)
		}
	}
}

func TestAvailable(t *testing.T) {
	tk, w := base(core.StatusHandling)
	if got, want := Available(tk, w), []string{core.ActionResolve, core.ActionExtendRequest, core.ActionSupervise}; !slices.Equal(got, want) {
		t.Errorf("no request: %q, want %q", got, want)
	}
	w.Extension = core.ExtensionPending
	if got, want := Available(tk, w), []string{core.ActionResolve, core.ActionExtendApprove, core.ActionExtendDeny, core.ActionSupervise}; !slices.Equal(got, want) {
		t.Errorf("pending: %q, want %q", got, want)
	}
}

func TestNeeds(t *testing.T) {
	cases := []struct {
		action string
		want   Fields
	}{
		{core.ActionDispatch, Fields{Unit: true, NoteLabel: "派单说明"}},
		{core.ActionRedispatch, Fields{Unit: true, NoteLabel: "派单说明"}},
		{core.ActionResolve, Fields{Reply: true, NoteLabel: "备注"}},
		{core.ActionAnswer, Fields{Reply: true, NoteLabel: "备注"}},
		{core.ActionCallback, Fields{Callback: true, NoteLabel: "回访记录"}},
		{core.ActionReturn, Fields{Note: true, NoteLabel: "退单理由"}},
		{core.ActionExtendRequest, Fields{Until: true, Note: true, NoteLabel: "延期理由"}},
		{core.ActionSupervise, Fields{Note: true, NoteLabel: "督办意见"}},
		{core.ActionMerge, Fields{MergeInto: true, NoteLabel: "合并说明"}},
		{core.ActionSign, Fields{NoteLabel: "备注"}},
	}
	for _, c := range cases {
		if got := Needs(c.action); got != c.want {
			t.Errorf("Needs(%s) = %+v, want %+v", c.action, got, c.want)
		}
	}
	// Whatever Needs marks required, Apply refuses without it.
	var e Engine
	for _, a := range AllActions() {
		n := Needs(a)
		s := table[a].from[0]
		for field, drop := range map[string]func(*core.Transition){
			"Unit": func(tr *core.Transition) { tr.Unit = "" }, "Reply": func(tr *core.Transition) { tr.Reply = "" },
			"Note": func(tr *core.Transition) { tr.Note = "" }, "Callback": func(tr *core.Transition) { tr.Resolved = nil },
			"MergeInto": func(tr *core.Transition) { tr.MergeInto = "" },
		} {
			required := map[string]bool{"Unit": n.Unit, "Reply": n.Reply, "Note": n.Note, "Callback": n.Callback, "MergeInto": n.MergeInto}[field]
			tk, w := base(s)
			w.Extension = core.ExtensionPending
			w.ExtensionUntil = at("2025-03-20 00:00")
			if a == core.ActionExtendRequest {
				w.Extension = ""
			}
			tr := validTransition(a)
			drop(&tr)
			err := e.Apply(&tk, &w, tr)
			if required && code(err) != core.EINVALID {
				t.Errorf("%s without %s: err = %v, want invalid", a, field, err)
			}
			if !required && err != nil {
				t.Errorf("%s without %s (optional): %v", a, field, err)
			}
		}
	}
}
