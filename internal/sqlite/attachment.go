package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"jiceng/internal/core"
)

var _ core.IntakeStore = (*DB)(nil)

var errNoAttachment = &core.Error{Code: core.ENOTFOUND, Message: "附件不存在"}

// AddAttachment stores a as the ticket's next attachment; see
// core.AttachmentStore. The count is checked in the write transaction, and
// there is one writer, so concurrent adds cannot exceed the limit.
func (db *DB) AddAttachment(ctx context.Context, a *core.Attachment) error {
	now := db.now()
	var n int
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var count, last int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM tickets WHERE id = ?", a.TicketID).Scan(&count); err != nil {
			return err
		}
		if count == 0 {
			return errTicketNotFound
		}
		if err := tx.QueryRowContext(ctx, "SELECT count(*), coalesce(max(n), 0) FROM ticket_attachments WHERE ticket_id = ?",
			a.TicketID).Scan(&count, &last); err != nil {
			return err
		}
		if count >= core.MaxAttachments {
			return core.InvalidField("attachments", "每张工单最多 %d 个附件", core.MaxAttachments)
		}
		n = last + 1
		res, err := tx.ExecContext(ctx, `INSERT INTO ticket_attachments
			(ticket_id, n, name, content_type, size, sha256, data, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.TicketID, n, a.Name, a.ContentType, a.Size, a.SHA256, a.Data, a.CreatedBy, micros(now))
		if err != nil {
			return err
		}
		a.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return fmt.Errorf("add attachment: %w", err)
	}
	a.N, a.CreatedAt = n, now
	return nil
}

const attachmentColumns = "id, ticket_id, n, name, content_type, size, sha256, created_by, created_at"

func scanAttachment(s scanner, data *[]byte) (core.Attachment, error) {
	var (
		a  core.Attachment
		at sql.NullInt64
	)
	dst := []any{&a.ID, &a.TicketID, &a.N, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.CreatedBy, &at}
	if data != nil {
		dst = append(dst, data)
	}
	if err := s.Scan(dst...); err != nil {
		return a, err
	}
	a.CreatedAt = fromMicros(at)
	return a, nil
}

// Attachments lists a ticket's attachments by n, without their data.
func (db *DB) Attachments(ctx context.Context, ticketID int64) ([]core.Attachment, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+attachmentColumns+" FROM ticket_attachments WHERE ticket_id = ? ORDER BY n", ticketID)
	if err != nil {
		return nil, fmt.Errorf("attachments: %w", err)
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
	a, err := scanAttachment(db.read.QueryRowContext(ctx, "SELECT "+attachmentColumns+", data FROM ticket_attachments WHERE ticket_id = ? AND n = ?",
		ticketID, n), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Attachment{}, errNoAttachment
	}
	if err != nil {
		return core.Attachment{}, fmt.Errorf("attachment: %w", err)
	}
	a.Data = data
	return a, nil
}

// ClaimIdempotencyKey claims k for its user; see core.IdempotencyStore.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, k core.IdempotencyKey) (core.IdempotencyKey, bool, error) {
	now := db.now()
	var (
		out     core.IdempotencyKey
		claimed bool
	)
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < ?", micros(now.Add(-core.IdempotencyKeyTTL))); err != nil {
			return err
		}
		var (
			ticket sql.NullInt64
			at     sql.NullInt64
		)
		out = core.IdempotencyKey{Key: k.Key, Username: k.Username}
		err := tx.QueryRowContext(ctx, "SELECT body_sha256, ticket_id, created_at FROM idempotency_keys WHERE username = ? AND key = ?",
			k.Username, k.Key).Scan(&out.BodySHA256, &ticket, &at)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = tx.ExecContext(ctx, "INSERT INTO idempotency_keys (username, key, body_sha256, created_at) VALUES (?, ?, ?, ?)",
				k.Username, k.Key, k.BodySHA256, micros(now))
		case err != nil:
			return err
		case !ticket.Valid && fromMicros(at).Before(now.Add(-core.IdempotencyClaimTTL)):
			// An abandoned claim: its request died before it finished.
			_, err = tx.ExecContext(ctx, "UPDATE idempotency_keys SET body_sha256 = ?, created_at = ? WHERE username = ? AND key = ?",
				k.BodySHA256, micros(now), k.Username, k.Key)
		default:
			out.TicketID, out.CreatedAt = ticket.Int64, fromMicros(at)
			return nil
		}
		if err != nil {
			return err
		}
		out.BodySHA256, out.TicketID, out.CreatedAt, claimed = k.BodySHA256, 0, now, true
		return nil
	})
	if err != nil {
		return core.IdempotencyKey{}, false, fmt.Errorf("claim idempotency key: %w", err)
	}
	return out, claimed, nil
}

// CompleteIdempotencyKey records the ticket a claimed key created.
func (db *DB) CompleteIdempotencyKey(ctx context.Context, username, key string, ticketID int64) error {
	res, err := db.write.ExecContext(ctx, "UPDATE idempotency_keys SET ticket_id = ? WHERE username = ? AND key = ?", ticketID, username, key)
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", translate(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("complete idempotency key: %w", errNotFound)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a claimed key that created no ticket.
func (db *DB) ReleaseIdempotencyKey(ctx context.Context, username, key string) error {
	if _, err := db.write.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE username = ? AND key = ? AND ticket_id IS NULL",
		username, key); err != nil {
		return fmt.Errorf("release idempotency key: %w", translate(err))
	}
	return nil
}
