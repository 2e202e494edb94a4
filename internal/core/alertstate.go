package core

import (
	"context"
	"time"
)

// Alert states: what staff made of a risk alert (风险预警).
const (
	AlertAcknowledged = "ack"       // 已确认: being looked into
	AlertDismissed    = "dismissed" // 已排除: not a real rise; raises the series' threshold
)

// AlertState is staff's decision on the alert of one series (a community,
// "" for the whole street, × a top-level category or a tag) on one street
// day, or in one hour of it for an hourly alert.
type AlertState struct {
	Community string
	Category1 string    // "" for a tag's series
	Tag       string    // the tag of a tag's series (高频问题标签), else ""
	Day       time.Time // 00:00 of the day in StreetTime
	// Hourly says the alert is of the hourly counts of urgent tickets, in
	// the hour Hour (0–23) of Day.
	Hourly bool
	Hour   int
	State  string // AlertAcknowledged or AlertDismissed
	By     string // user name
	At     time.Time
	Note   string
}

// AlertStore keeps the decisions on alerts; a later decision on the same
// series and day (and hour, for an hourly alert) replaces the earlier one.
type AlertStore interface {
	SetAlertState(ctx context.Context, s AlertState) error
	// AlertStates returns the decisions on the days From..To (To exclusive,
	// street days) in the communities (nil: all, and the whole street's), by
	// day, community, category, tag and hour (the daily ones first).
	AlertStates(ctx context.Context, q CountQuery) ([]AlertState, error)
}
