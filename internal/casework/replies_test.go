package casework

import (
	"context"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/replycheck"
)

func TestReplyQuality(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	now := s.Clock.Now()
	from, to := now.AddDate(0, 0, -30), now.Add(time.Hour)
	day := func(d int) time.Time { return now.AddDate(0, 0, -d) }
	ts := []core.Ticket{
		{Number: "R-GOOD", ReceivedAt: day(10), Deadline: day(3), ResolvedAt: day(8), Community: "望春园社区", Unit: "望春园社区",
			Category1: "城乡建设", Title: "楼道灯不亮", Content: "望春园一区5号楼楼道灯坏了", Status: core.StatusClosed,
			Reply: "经望春园社区核实，5号楼楼道灯损坏，物业已于当日更换灯泡，楼道照明已恢复。如有问题请联系社区010-62301234。"},
		{Number: "R-BAD", ReceivedAt: day(20), Deadline: day(13), ResolvedAt: day(2), Community: "柳荫里社区", Unit: "城市管理办公室",
			Category1: "环境保护", Title: "夜间施工噪音", Content: "柳荫街工地夜里十一点还在施工", Status: core.StatusClosed,
			Reply: "已转相关部门处理。联系人王五13812345678"},
		{Number: "R-OLD", ReceivedAt: day(80), ResolvedAt: day(60), Community: "望春园社区", Title: "旧", Content: "旧", Reply: "已处理", Status: core.StatusClosed},
	}
	if _, err := s.Store.UpsertTickets(ctx, ts, "import"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user    string
		code    string
		checked int
		worst   string
	}{
		{"leader", "", 2, "R-BAD"},
		{"staff", "", 2, "R-BAD"},
		{"cw01", "", 1, "R-GOOD"},
		{"hd01", core.EFORBIDDEN, 0, ""},
		{"resident", core.EFORBIDDEN, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			rep, err := s.ReplyQuality(ctx, users[tt.user], from, to)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if rep.Checked != tt.checked || len(rep.Worst) != tt.checked || rep.Worst[0].Number != tt.worst {
				t.Fatalf("report %+v", rep)
			}
			if tt.worst == "R-BAD" {
				bad := rep.Worst[0].Result
				if !bad.Has(replycheck.Timeliness) || !bad.Has(replycheck.Completeness) || bad.Score >= rep.Worst[1].Result.Score {
					t.Errorf("the late, empty reply: %+v", bad)
				}
				m := s.MaskReplyReport(users[tt.user].Role, rep)
				if tt.user == "leader" && strings.Contains(m.Worst[0].Reply, "13812345678") {
					t.Errorf("a leader sees the phone: %q", m.Worst[0].Reply)
				}
			}
		})
	}
	if _, err := s.ReplyQuality(ctx, users["staff"], to, from); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("reversed period: %v", err)
	}
	// One ticket's check, for those who see it.
	good, err := s.Store.TicketByNumber(ctx, "R-GOOD")
	if err != nil {
		t.Fatal(err)
	}
	c, ok, err := s.CheckTicketReply(ctx, users["cw01"], good.ID)
	if err != nil || !ok || c.Result.Score < 60 {
		t.Errorf("check of a good reply: %+v %v %v", c.Result, ok, err)
	}
	if _, _, err := s.CheckTicketReply(ctx, users["cw02"], good.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("another community's ticket: %v", err)
	}
}
