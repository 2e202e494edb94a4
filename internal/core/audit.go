package core

import (
	"context"
	"time"
	"unicode/utf8"
)

// The access audit (审计日志): who saw what. Every reveal of a masked value,
// every export, every sign-in (and failed one), every change of a setting
// or an account is one AuditEntry, appended and never changed. An entry
// names people by their account and tickets by id and number; it holds no
// personal value of a ticket: Detail describes what was done (a filter, a
// count), never the values seen.

// Audit actions.
const (
	AuditLogin          = "login"           // 登录
	AuditLoginFailed    = "login_failed"    // 登录失败
	AuditLoginThrottled = "login_throttled" // 登录被限制（失败次数过多）
	AuditReveal         = "reveal"          // 查看完整信息
	AuditExport         = "export"          // 导出
	AuditSetting        = "setting"         // 修改设置
	AuditUser           = "user"            // 账号管理
	AuditLinkReview     = "link_review"     // 一人一档核对
)

// AuditActions are the audit actions, in the order pages list them.
var AuditActions = []string{AuditReveal, AuditExport, AuditLogin, AuditLoginFailed, AuditLoginThrottled, AuditSetting, AuditUser, AuditLinkReview}

// AuditLabels gives each audit action's Chinese name.
var AuditLabels = map[string]string{
	AuditLogin:          "登录",
	AuditLoginFailed:    "登录失败",
	AuditLoginThrottled: "登录受限",
	AuditReveal:         "查看完整信息",
	AuditExport:         "导出",
	AuditSetting:        "修改设置",
	AuditUser:           "账号管理",
	AuditLinkReview:     "一人一档核对",
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID int64
	At time.Time // zero: the store's clock
	// Actor is the account that acted (as typed, for a failed sign-in;
	// "cli" for the command line); Role its role then.
	Actor string
	Role  string
	// Action is one of the Audit* actions.
	Action string
	// TicketID and TicketNumber name the ticket acted on (0 and "" for
	// none).
	TicketID     int64
	TicketNumber string
	// Field is the field revealed (caller_phone, ...), or the setting
	// changed.
	Field string
	// Reason is why, as the user gave it (a reveal's reason).
	Reason string
	// Detail says what was done without personal values: an export's
	// filter and row count, a setting's version.
	Detail string
	// Address is the client's network address ("" from the command line).
	Address string
}

// Bounds of an audit entry's text, in runes; longer values are cut by
// Clean, so that a hostile username or a long filter cannot bloat the log.
const (
	MaxAuditText   = 200  // actor, role, action, ticket number, field, reason, address
	MaxAuditDetail = 2000 // detail
)

// Clean returns e with its texts made valid UTF-8 and cut to their
// bounds. Stores call it before writing.
func (e AuditEntry) Clean() AuditEntry {
	for _, p := range []*string{&e.Actor, &e.Role, &e.Action, &e.TicketNumber, &e.Field, &e.Reason, &e.Address} {
		*p = cutRunes(*p, MaxAuditText)
	}
	e.Detail = cutRunes(e.Detail, MaxAuditDetail)
	return e
}

// Check returns an EINVALID error if e cannot be stored: it has no action.
func (e AuditEntry) Check() error {
	if e.Action == "" {
		return Errorf(EINVALID, "审计记录缺少操作类型")
	}
	return nil
}

func cutRunes(s string, n int) string {
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // invalid bytes become U+FFFD
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// AuditFilter selects audit entries. Empty fields do not filter. Times
// are half-open: From <= at < To.
type AuditFilter struct {
	Action string
	Actor  string // the account, exactly
	Ticket string // the ticket number, exactly
	From   time.Time
	To     time.Time

	Offset int
	Limit  int // 0 means DefaultLimit; capped at MaxLimit
}

// AuditStore keeps the audit log: append-only (a store refuses to change
// or delete an entry).
type AuditStore interface {
	// AddAudit appends e (cleaned, see AuditEntry.Clean); an entry without
	// an action is EINVALID. A zero At is the store's clock.
	AddAudit(ctx context.Context, e AuditEntry) error
	// Audit returns the entries of f, newest first (by time, then by the
	// order they were added), and how many match f in all.
	Audit(ctx context.Context, f AuditFilter) ([]AuditEntry, int, error)
}
