package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"jiceng/internal/core"
)

// AddPortalRequest implements core.PortalStore.
func (db *DB) AddPortalRequest(ctx context.Context, r core.PortalRequest) error {
	if err := core.CheckPortalRequest(r); err != nil {
		return err
	}
	at := r.CreatedAt
	if at.IsZero() {
		at = db.now()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO portal_requests (ticket_id, code_hash, resident, contact, created_at, rated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, r.TicketID, r.CodeHash, r.Resident, r.Contact, micros(at), micros(r.RatedAt))
		if err != nil {
			return fmt.Errorf("add portal request: %w", translate(err))
		}
		return nil
	})
}

const portalColumns = `ticket_id, code_hash, resident, contact, created_at, rated_at`

func scanPortalRequest(sc interface{ Scan(...any) error }) (core.PortalRequest, error) {
	var (
		r         core.PortalRequest
		at, rated sql.NullInt64
	)
	if err := sc.Scan(&r.TicketID, &r.CodeHash, &r.Resident, &r.Contact, &at, &rated); err != nil {
		return r, err
	}
	r.CreatedAt, r.RatedAt = fromMicros(at), fromMicros(rated)
	return r, nil
}

// PortalRequestByCode implements core.PortalStore.
func (db *DB) PortalRequestByCode(ctx context.Context, codeHash string) (core.PortalRequest, error) {
	r, err := scanPortalRequest(db.read.QueryRowContext(ctx,
		`SELECT `+portalColumns+` FROM portal_requests WHERE code_hash = ?`, codeHash))
	if err != nil {
		return core.PortalRequest{}, translate(err)
	}
	return r, nil
}

// PortalRequests implements core.PortalStore.
func (db *DB) PortalRequests(ctx context.Context, resident string, limit int) ([]core.PortalRequest, error) {
	if resident == "" {
		return nil, core.InvalidField("resident", "缺少居民账号")
	}
	if limit <= 0 {
		limit = core.DefaultLimit
	}
	rows, err := db.read.QueryContext(ctx, `SELECT `+portalColumns+` FROM portal_requests
		WHERE resident = ? ORDER BY created_at DESC, ticket_id DESC LIMIT ?`, resident, limit)
	if err != nil {
		return nil, fmt.Errorf("portal requests: %w", translate(err))
	}
	defer rows.Close()
	var out []core.PortalRequest
	for rows.Next() {
		r, err := scanPortalRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("portal requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// MarkPortalRated implements core.PortalStore.
func (db *DB) MarkPortalRated(ctx context.Context, ticketID int64, at time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		var rated sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT rated_at FROM portal_requests WHERE ticket_id = ?`, ticketID).Scan(&rated)
		if err != nil {
			return translate(err)
		}
		if rated.Valid {
			return core.Errorf(core.ECONFLICT, "该诉求已经评价过")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE portal_requests SET rated_at = ? WHERE ticket_id = ?`, micros(at), ticketID); err != nil {
			return fmt.Errorf("mark portal rated: %w", err)
		}
		return nil
	})
}
