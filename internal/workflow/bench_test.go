package workflow

import (
	"fmt"
	"testing"
	"time"

	"jiceng/internal/core"
)

// BenchmarkApply runs the main flow of one ticket (7 transitions, with the
// working-day deadline of a dispatch) per iteration.
func BenchmarkApply(b *testing.B) {
	e := Engine{}
	start := at("2025-09-30 15:00")
	flow := []core.Transition{
		{Action: core.ActionDispatch, Unit: "甲社区", At: start},
		{Action: core.ActionSign, At: start.Add(time.Minute)},
		{Action: core.ActionContact, At: start.Add(time.Hour)},
		{Action: core.ActionHandle, At: start.Add(2 * time.Hour)},
		{Action: core.ActionResolve, Reply: "已办", At: start.Add(48 * time.Hour)},
		{Action: core.ActionCallback, Resolved: yes(), Satisfaction: "满意", At: start.Add(72 * time.Hour)},
		{Action: core.ActionClose, At: start.Add(73 * time.Hour)},
	}
	b.ReportAllocs()
	for b.Loop() {
		tk := core.Ticket{Status: core.StatusReceived, Urgency: "一般"}
		var w core.Workflow
		for _, tr := range flow {
			if err := e.Apply(&tk, &w, tr); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(flow)), "ns/transition")
}

// BenchmarkReminders computes the reminders of 10,000 open tickets, a
// third of them near or overdue.
func BenchmarkReminders(b *testing.B) {
	const n = 10000
	now := at("2025-03-10 10:00")
	tickets := make([]core.Ticket, n)
	flows := make(map[int64]core.Workflow, n)
	statuses := []string{core.StatusDispatched, core.StatusSigned, core.StatusContacted, core.StatusHandling, core.StatusResolved}
	for i := range tickets {
		id := int64(i + 1)
		tickets[i] = core.Ticket{ID: id, Number: fmt.Sprintf("B%06d", id), Status: statuses[i%len(statuses)],
			Unit: "城管科", Community: "甲社区", Category1: "市容环境", Urgency: "一般",
			Deadline: now.Add(time.Duration(i%72-24) * time.Hour)}
		flows[id] = core.Workflow{TicketID: id, ContactDeadline: now.Add(time.Duration(i%12-6) * time.Hour)}
	}
	e := Engine{}
	b.ReportAllocs()
	var got int
	for b.Loop() {
		got = len(e.Reminders(tickets, flows, now, 2*time.Hour))
	}
	b.ReportMetric(float64(got), "reminders")
}
