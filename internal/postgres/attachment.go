package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
)

var _ core.IntakeStore = (*DB)(nil)

var errNoAttachment = &core.Error{Code: core.ENOTFOUND, Message: "附件不存在"}

// AddAttachment stores a as the ticket's next attachment; see
// core.AttachmentStore. The ticket's row is locked for the count, so that
// concurrent adds cannot exceed the limit.
func (db *DB) AddAttachment(ctx context.Context, a *core.Attachment) error {
	now := db.now()
	var n int
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var one int
		err := tx.QueryRow(ctx, "SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE", a.TicketID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return errTicketNotFound
		}
		if err != nil {
			return err
		}
		var count, last int
		if err := tx.QueryRow(ctx, "SELECT count(*), coalesce(max(n), 0) FROM ticket_attachments WHERE ticket_id = $1",
			a.TicketID).Scan(&count, &last); err != nil {
			return err
		}
		if count >= core.MaxAttachments {
			return core.InvalidField("attachments", "每张工单最多 %d 个附件", core.MaxAttachments)
		}
		n = last + 1
		return tx.QueryRow(ctx, `INSERT INTO ticket_attachments
			(ticket_id, n, name, content_type, size, sha256, data, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			a.TicketID, n, a.Name, a.ContentType, a.Size, a.SHA256, a.Data, a.CreatedBy, now).Scan(&a.ID)
	})
	if err != nil {
		return fmt.Errorf("add attachment: %w", err)
	}
	a.N, a.CreatedAt = n, now
	return nil
}

const attachmentColumns = "id, ticket_id, n, name, content_type, size, sha256, created_by, created_at"

func scanAttachment(row pgx.Row, data *[]byte) (core.Attachment, error) {
	var a core.Attachment
	dst := []any{&a.ID, &a.TicketID, &a.N, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedBy, &a.CreatedAt}
	if data != nil {
		dst = append(dst, data)
	}
	err := row.Scan(dst...)
	return a, err
}

// Attachments lists a ticket's attachments by n, without their data.
func (db *DB) Attachments(ctx context.Context, ticketID int64) ([]core.Attachment, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+attachmentColumns+" FROM ticket_attachments WHERE ticket_id = $1 ORDER BY n", ticketID)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", translate(err))
	}
	defer rows.Close()
	var out []core.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows, nil)
		if err != nil {
			return nil, fmt.Errorf("attachments: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
	}
	return out, nil
}

// Attachment returns attachment n of a ticket with its data.
func (db *DB) Attachment(ctx context.Context, ticketID int64, n int) (core.Attachment, error) {
	var data []byte
	a, err := scanAttachment(db.pool.QueryRow(ctx, "SELECT "+attachmentColumns+", data FROM ticket_attachments WHERE ticket_id = $1 AND n = $2",
		ticketID, n), &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Attachment{}, errNoAttachment
	}
	if err != nil {
		return core.Attachment{}, fmt.Errorf("attachment: %w", translate(err))
	}
	a.Data = data
	return a, nil
}

// ClaimIdempotencyKey claims k for its user; see core.IdempotencyStore.
// A concurrent claim of the same key waits on the row's lock.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, k core.IdempotencyKey) (core.IdempotencyKey, bool, error) {
	now := db.now()
	var (
		out     core.IdempotencyKey
		claimed bool
	)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM idempotency_keys WHERE created_at < $1", now.Add(-core.IdempotencyKeyTTL)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (username, key, body_sha256, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (username, key) DO NOTHING`, k.Username, k.Key, k.BodySHA256, now)
		if err != nil {
			return err
		}
		out = core.IdempotencyKey{Key: k.Key, Username: k.Username, BodySHA256: k.BodySHA256, CreatedAt: now}
		if tag.RowsAffected() == 1 {
			claimed = true
			return nil
		}
		var (
			ticket *int64
			at     time.Time
		)
		if err := tx.QueryRow(ctx, "SELECT body_sha256, ticket_id, created_at FROM idempotency_keys WHERE username = $1 AND key = $2 FOR UPDATE",
			k.Username, k.Key).Scan(&out.BodySHA256, &ticket, &at); err != nil {
			return err
		}
		if ticket == nil && at.Before(now.Add(-core.IdempotencyClaimTTL)) {
			// An abandoned claim: its request died before it finished.
			out.BodySHA256, claimed = k.BodySHA256, true
			_, err := tx.Exec(ctx, "UPDATE idempotency_keys SET body_sha256 = $1, created_at = $2 WHERE username = $3 AND key = $4",
				k.BodySHA256, now, k.Username, k.Key)
			return err
		}
		if ticket != nil {
			out.TicketID = *ticket
		}
		out.CreatedAt = at
		return nil
	})
	if err != nil {
		return core.IdempotencyKey{}, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	return out, claimed, nil
}

// CompleteIdempotencyKey records the ticket a claimed key created.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, username, key string, ticketID int64) error {
	tag, err := db.pool.Exec(ctx, "UPDATE idempotency_keys SET ticket_id = $1 WHERE username = $2 AND key = $3", ticketID, username, key)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("complete idempotency key: %w", errNotFound)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claimed key that created no ticket.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, username, key string) error {
	if _, err := db.pool.Exec(ctx, "DELETE FROM idempotency_keys WHERE username = $1 AND key = $2 AND ticket_id IS NULL",
		username, key); err != nil {
		return fmt.Errorf("release idempotency key: %w", translate(err))
	}
	return nil
}
