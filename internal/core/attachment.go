package core

import (
	"context"
	"time"
)

// Limits of a ticket's attachments (附件: photos taken on a patrol or sent
// by a caller).
const (
	// MaxAttachmentSize is the largest attachment, in bytes (10 MB).
	MaxAttachmentSize = 10 << 20
	// MaxAttachments is how many attachments a ticket may have.
	MaxAttachments = 5
)

// Attachment is a file attached to a ticket: a photo whose type was
// checked by its content. N numbers a ticket's attachments from 1 in the
// order they were added; it is how pages and the API name one.
type Attachment struct {
	ID          int64
	TicketID    int64
	N           int
	Name        string // a safe display name (see the web layer), never a path
	ContentType string // sniffed from the content: image/jpeg, image/png, image/webp, image/gif
	Size        int64
	SHA256      string // hex
	Data        []byte // nil in listings
	CreatedBy   string // username
	CreatedAt   time.Time
}

// AttachmentStore stores the attachments of tickets, in the database.
type AttachmentStore interface {
	// AddAttachment stores a (its TicketID, Name, ContentType, Data and
	// CreatedBy; Size and SHA256 must describe Data) and sets its ID, N
	// and CreatedAt (the store's clock). A missing ticket is ENOTFOUND; a
	// ticket that has MaxAttachments already is EINVALID, checked in the
	// same transaction, so that concurrent adds cannot exceed it.
	AddAttachment(ctx context.Context, a *Attachment) error
	// Attachments lists the attachments of a ticket by N, without Data.
	Attachments(ctx context.Context, ticketID int64) ([]Attachment, error)
	// Attachment returns attachment n of a ticket with its Data, or
	// ENOTFOUND.
	Attachment(ctx context.Context, ticketID int64, n int) (Attachment, error)
}

// Idempotency keys of the ticket API.
const (
	// IdempotencyKeyTTL is how long a key is kept: a repeat within it
	// answers the ticket the key created (at least 24 hours are promised).
	IdempotencyKeyTTL = 48 * time.Hour
	// IdempotencyClaimTTL is how long a claimed key may wait for its
	// ticket: a claim older than this was abandoned (its request died) and
	// may be claimed again.
	IdempotencyClaimTTL = 2 * time.Minute
)

// IdempotencyKey is a client's Idempotency-Key for one user: the request
// body it came with (by SHA-256) and the ticket it created (0 while the
// request runs).
type IdempotencyKey struct {
	Key        string
	Username   string
	BodySHA256 string // hex
	TicketID   int64
	CreatedAt  time.Time
}

// IdempotencyStore keeps the idempotency keys of ticket creation.
type IdempotencyStore interface {
	// ClaimIdempotencyKey claims k.Key for k.Username (CreatedAt is the
	// store's clock). It returns the key as stored and whether this call
	// claimed it: false when the key is held already (by a finished
	// request, or one still running within IdempotencyClaimTTL), in which
	// case the stored key says which body and ticket. Keys older than
	// IdempotencyKeyTTL are forgotten.
	ClaimIdempotencyKey(ctx context.Context, k IdempotencyKey) (IdempotencyKey, bool, error)
	// CompleteIdempotencyKey records the ticket a claimed key created.
	CompleteIdempotencyKey(ctx context.Context, username, key string, ticketID int64) error
	// ReleaseIdempotencyKey forgets a claimed key whose request failed,
	// so that it may be used again; a completed key is kept.
	ReleaseIdempotencyKey(ctx context.Context, username, key string) error
}

// IntakeStore is what taking tickets in needs beyond TicketStore and
// HistoryStore (which writes a new ticket with a create event that notes
// its channel, in one transaction).
type IntakeStore interface {
	AttachmentStore
	IdempotencyStore
}
