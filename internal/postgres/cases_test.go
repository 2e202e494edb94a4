package postgres

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/search"
)

// TestSimilarCasesOnPostgres: the similar cases of a ticket (the case
// index built from the store, then read through the service's scope) work
// on a PostgreSQL deployment as on SQLite.
func TestSimilarCasesOnPostgres(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	db := mustOpen(t, func() time.Time { return now })
	ctx := context.Background()
	ts := []core.Ticket{
		{Number: "P-1", ReceivedAt: now.AddDate(0, -1, 0), Community: "望春园社区", Category2: "物业服务", Title: "电梯故障",
			Content: "5号楼电梯坏了三天", Status: core.StatusClosed, Reply: "物业已更换电梯主板，电梯已恢复运行。", Satisfaction: core.Satisfied},
		{Number: "P-2", ReceivedAt: now.AddDate(0, -1, 0), Community: "望春园社区", Category2: "噪声污染", Title: "施工噪音",
			Content: "工地夜间施工", Status: core.StatusClosed, Reply: "已责令停止夜间施工。"},
		{Number: "P-NEW", ReceivedAt: now, Community: "望春园社区", Category2: "物业服务", Title: "电梯又坏了",
			Content: "电梯又坏了，老人下不了楼", Status: core.StatusReceived},
	}
	if _, err := db.UpsertTickets(ctx, ts, "import"); err != nil {
		t.Fatal(err)
	}
	s := &casework.Service{Store: db, Clock: func() time.Time { return now }}
	ix, err := search.OpenCasesMem()
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := s.IndexCases(ctx, ix, now.AddDate(-casework.CaseYears, 0, 0)); err != nil || n != 2 {
		t.Fatalf("indexed %d: %v", n, err)
	}
	target, err := db.TicketByNumber(ctx, "P-NEW")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.SimilarCases(ctx, core.User{Username: "staff", Role: core.RoleStaff}, ix, target.ID, 3)
	if err != nil || len(cs) == 0 || cs[0].Number != "P-1" || cs[0].Reply == "" {
		t.Fatalf("cases %+v, %v", cs, err)
	}
}
