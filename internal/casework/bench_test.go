package casework

import (
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/storetest"
)

// BenchmarkMaskTicket masks generated tickets (every field filled, 200–400
// characters of text) for the roles that see them masked: the cost of a
// list page's rows and of every exported row.
func BenchmarkMaskTicket(b *testing.B) {
	tickets := storetest.NewGen(1).Tickets(0, 200)
	s := &Service{}
	for _, role := range []string{core.RoleStaff, core.RoleLeader, core.RoleHandler} {
		b.Run(role, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				s.MaskTicket(role, tickets[i%len(tickets)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
		})
	}
}
