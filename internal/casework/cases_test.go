package casework

import (
	"context"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/search"
)

func TestSimilarCases(t *testing.T) {
	s := policyService(t)
	ctx := context.Background()
	now := s.Clock.Now()
	ts := []core.Ticket{
		{Number: "C-1", ReceivedAt: now.AddDate(0, -2, 0), Community: "望春园社区", Category1: "城乡建设", Category2: "物业服务",
			Title: "电梯故障", Content: "望春园一区5号楼电梯坏了三天，老人上下楼困难", Status: core.StatusClosed,
			Reply: "经核实，物业已联系维保单位更换电梯主板，电梯已恢复运行。联系人王师傅13812345678。", Satisfaction: core.Satisfied},
		{Number: "C-2", ReceivedAt: now.AddDate(0, -1, 0), Community: "柳荫里社区", Category1: "城乡建设", Category2: "物业服务",
			Title: "电梯停运", Content: "柳荫里小区电梯经常停运困人", Status: core.StatusClosed, Reply: "物业已维修电梯。"},
		{Number: "C-3", ReceivedAt: now.AddDate(0, -1, 0), Community: "望春园社区", Category1: "环境保护", Category2: "噪声污染",
			Title: "施工噪音", Content: "工地夜间施工噪音扰民", Status: core.StatusClosed, Reply: "已责令施工单位停止夜间施工。"},
		{Number: "C-4", ReceivedAt: now.AddDate(0, -1, 0), Community: "望春园社区", Category1: "城乡建设", Category2: "物业服务",
			Title: "电梯坏了", Content: "电梯坏了没人修", Status: core.StatusReceived}, // no reply: no case
		{Number: "C-NEW", ReceivedAt: now, Community: "望春园社区", Category1: "城乡建设", Category2: "物业服务",
			Title: "电梯又坏了", Content: "5号楼电梯又坏了，老人下不了楼", Status: core.StatusReceived},
	}
	if _, err := s.Store.UpsertTickets(ctx, ts, "import"); err != nil {
		t.Fatal(err)
	}
	ix, err := search.OpenCasesMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n, err := s.IndexCases(ctx, ix, now.AddDate(-CaseYears, 0, 0))
	if err != nil || n < 3 {
		t.Fatalf("indexed %d: %v", n, err)
	}
	target, err := s.Store.TicketByNumber(ctx, "C-NEW")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		user  string
		code  string
		first string
		not   []string
		phone string // the reply's phone as shown
	}{
		{"staff", "", "C-1", []string{"C-4", "C-NEW"}, "13812345678"},
		{"leader", "", "C-1", []string{"C-4"}, "138****5678"},
		{"cw01", "", "C-1", []string{"C-2"}, "138****5678"}, // 柳荫里 is not theirs
		{"cw02", core.ENOTFOUND, "", nil, ""},
		{"hd01", core.ENOTFOUND, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			cs, err := s.SimilarCases(ctx, users[tt.user], ix, target.ID, 5)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v, want %q", err, tt.code)
			}
			if tt.code != "" {
				return
			}
			if len(cs) == 0 || cs[0].Number != tt.first || !strings.Contains(cs[0].Reply, tt.phone) {
				t.Fatalf("cases %+v", cs)
			}
			for _, c := range cs {
				for _, no := range tt.not {
					if c.Number == no {
						t.Errorf("case %s listed", no)
					}
				}
			}
		})
	}
	if _, err := s.UploadPolicy(ctx, users["staff"], "dianti_2023.md", demoPolicy(t, "dianti_2023.md")); err != nil {
		t.Fatal(err)
	}
	d, err := s.DraftReply(ctx, users["staff"], ix, target.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text, "电梯已恢复运行") || len(d.Sources) == 0 || !strings.Contains(strings.Join(d.Sources, " "), "C-1") {
		t.Errorf("draft %+v", d)
	}
	if _, err := s.DraftReply(ctx, users["hd01"], ix, target.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("a draft of a ticket out of scope: %v", err)
	}
}
