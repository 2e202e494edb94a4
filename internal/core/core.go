// Package core holds jiceng's domain: tickets and their history, areas, units,
// the category taxonomy, users and roles, the application error type and the
// service interfaces that storage and web implement or consume.
//
// core imports nothing else of jiceng's, and no database, HTTP or ML code.
package core

import "time"

// Clock returns the current time. Everything that reads the time takes a Clock,
// so that deadlines and histories can be tested; nil means time.Now.
type Clock func() time.Time

// Now calls c, or time.Now when c is nil.
func (c Clock) Now() time.Time {
	if c == nil {
		return time.Now()
	}
	return c()
}

// StreetTime is the time zone of China's streets (UTC+8, no daylight
// saving): working days, deadlines and dates on pages count in it whatever
// the server's zone. A fixed zone avoids depending on a tzdata install.
var StreetTime = time.FixedZone("CST", 8*60*60)
