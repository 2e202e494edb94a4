package core

import (
	"context"
	"time"
)

// Visit is one service given to a person of a key population (重点人群精准
// 服务): a visit (走访), a call or a policy pushed, done under one
// eligibility rule on one day. The visits drive the due-visit schedule: the
// latest visit of a person under a rule is its last service.
type Visit struct {
	ID int64
	// PersonID is the person record (Record.ID, kind person) served.
	PersonID int64
	// Rule is the eligibility rule's ID (Rule.ID: "R01").
	Rule string
	// Date is the day of the service, at 00:00 in StreetTime.
	Date time.Time
	// By is the user name of who recorded it; Note what was done (may hold
	// personal data: masked as a record's note is).
	By   string
	Note string
	// Community is the person record's community when the visit was
	// recorded, for role scoping.
	Community string
	// CreatedAt is when the visit was recorded.
	CreatedAt time.Time
}

// VisitFilter selects visits. Zero fields do not filter.
type VisitFilter struct {
	// PersonIDs limits the visits to these person records; nil means all.
	PersonIDs []int64
	Rule      string
	// Communities limits the visits to these communities (role scoping);
	// nil means all, an empty non-nil slice none.
	Communities []string
	// Since and Until bound Date (inclusive); zero does not bound.
	Since, Until time.Time
	Limit        int // 0: every match
}

// VisitStore keeps the services given to the persons of the key
// populations.
type VisitStore interface {
	// AddVisit stores a visit and returns its ID. A PersonID <= 0, an
	// empty Rule or By, or a zero Date is EINVALID.
	AddVisit(ctx context.Context, v Visit) (int64, error)
	// Visits returns the visits matching f, newest Date first (then
	// newest ID first).
	Visits(ctx context.Context, f VisitFilter) ([]Visit, error)
}

// CheckVisit is the validation AddVisit does in every store.
func CheckVisit(v Visit) error {
	switch {
	case v.PersonID <= 0:
		return InvalidField("person_id", "缺少服务对象（人口记录编号）")
	case v.Rule == "":
		return InvalidField("rule", "缺少服务规则编号")
	case v.By == "":
		return InvalidField("by", "缺少登记人")
	case v.Date.IsZero():
		return InvalidField("date", "缺少服务日期")
	}
	return nil
}
