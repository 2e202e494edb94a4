package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"jiceng/internal/core"
)

// BenchmarkAudit measures the audit page's queries (a page of 50 with its
// total) on a log of a million entries, about two years of a street's
// sign-ins, reveals and exports. JICENG_BENCH_AUDIT sets another size.
func BenchmarkAudit(b *testing.B) {
	n := 1_000_000
	if v := os.Getenv("JICENG_BENCH_AUDIT"); v != "" {
		n, _ = strconv.Atoi(v)
	}
	ctx := context.Background()
	db := mustOpen(b, nil)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, core.StreetTime)
	step := 2 * 365 * 24 * time.Hour / time.Duration(n)
	actions := []string{core.AuditLogin, core.AuditLogin, core.AuditLogin, core.AuditReveal, core.AuditReveal, core.AuditExport, core.AuditLoginFailed}
	if err := db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO audit_log (at, actor, role, action, ticket_id, ticket_number, field, reason, detail, address)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := 0; i < n; i++ {
			a := actions[i%len(actions)]
			var id any
			number, field, reason := "", "", ""
			if a == core.AuditReveal {
				id, number, field, reason = int64(i%50_000+1), fmt.Sprintf("QHW%010d", i%50_000), "caller_phone", "先行联系来电人"
			}
			if _, err := st.ExecContext(ctx, start.Add(time.Duration(i)*step).UnixMicro(), fmt.Sprintf("user%03d", i%300), core.RoleHandler, a,
				id, number, field, reason, "", "10.0.0.1"); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, "PRAGMA optimize"); err != nil {
		b.Fatal(err)
	}
	month := time.Date(2025, 6, 1, 0, 0, 0, 0, core.StreetTime)
	for _, bc := range []struct {
		name string
		f    core.AuditFilter
	}{
		{"first_page", core.AuditFilter{}},
		{"page_200", core.AuditFilter{Offset: 199 * 50}},
		{"reveals_of_a_month", core.AuditFilter{Action: core.AuditReveal, From: month, To: month.AddDate(0, 1, 0)}},
		{"reveals", core.AuditFilter{Action: core.AuditReveal}},
		{"an_actor", core.AuditFilter{Actor: "user042"}},
		{"a_ticket", core.AuditFilter{Ticket: "QHW0000012345"}},
		{"a_day", core.AuditFilter{From: month, To: month.AddDate(0, 0, 1)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			bc.f.Limit = 50
			for b.Loop() {
				if _, _, err := db.Audit(ctx, bc.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
