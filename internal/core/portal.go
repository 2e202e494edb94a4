package core

import (
	"context"
	"time"
)

// Contact preferences a resident gives with a request from the residents'
// portal (居民端): how the handling unit should get back to them.
const (
	ContactCall = "电话联系"
	ContactSMS  = "短信联系"
	ContactNone = "无需联系"
)

// Contacts lists the contact preferences, in the order the form offers them.
var Contacts = []string{ContactCall, ContactSMS, ContactNone}

// PortalRequest is a ticket a resident submitted through the portal: the
// hash of its tracking code (查询码; the code itself is shown once and never
// stored), the resident account it belongs to and whether the resident has
// rated it.
type PortalRequest struct {
	TicketID int64
	// CodeHash is the hex SHA-256 of the tracking code (see package
	// casework); unique.
	CodeHash string
	// Resident is the user name of the signed-in resident who submitted
	// it; "" for a request made without an account.
	Resident string
	// Contact is one of Contacts.
	Contact   string
	CreatedAt time.Time
	// RatedAt is when the resident rated the result (满意度); zero: not yet.
	RatedAt time.Time
}

// PortalStore keeps the portal's requests.
type PortalStore interface {
	// AddPortalRequest stores r (CreatedAt zero: the store's clock). A
	// TicketID <= 0, a CodeHash that is not 64 hex digits or a Contact not
	// in Contacts is EINVALID; a ticket or a hash stored already is
	// ECONFLICT; a missing ticket is EINVALID.
	AddPortalRequest(ctx context.Context, r PortalRequest) error
	// PortalRequestByCode returns the request with codeHash, or ENOTFOUND.
	PortalRequestByCode(ctx context.Context, codeHash string) (PortalRequest, error)
	// PortalRequests returns the requests of resident (a user name, not
	// ""), newest first, at most limit (0: DefaultLimit).
	PortalRequests(ctx context.Context, resident string, limit int) ([]PortalRequest, error)
	// MarkPortalRated records that the request of ticketID was rated at
	// at: ENOTFOUND for no such request, ECONFLICT when it was rated
	// already (a request is rated once).
	MarkPortalRated(ctx context.Context, ticketID int64, at time.Time) error
}

// CheckPortalRequest is the validation AddPortalRequest does in every store.
func CheckPortalRequest(r PortalRequest) error {
	switch {
	case r.TicketID <= 0:
		return InvalidField("ticket_id", "缺少工单")
	case !isHex64(r.CodeHash):
		return InvalidField("code_hash", "查询码摘要应为 64 位十六进制数")
	}
	for _, c := range Contacts {
		if r.Contact == c {
			return nil
		}
	}
	return InvalidField("contact", "联系方式偏好应为 电话联系、短信联系 或 无需联系")
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
