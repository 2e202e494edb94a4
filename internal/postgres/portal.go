package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
	_, err := db.pool.Exec(ctx, `INSERT INTO portal_requests (ticket_id, code_hash, resident, contact, created_at, rated_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, r.TicketID, r.CodeHash, r.Resident, r.Contact, at, timeArg(r.RatedAt))
	if err != nil {
		return fmt.Errorf("add portal request: %w", translate(err))
	}
	return nil
}

const portalColumns = `ticket_id, code_hash, resident, contact, created_at, rated_at`

func scanPortalRequest(sc interface{ Scan(...any) error }) (core.PortalRequest, error) {
	var (
		r     core.PortalRequest
		rated *time.Time
	)
	if err := sc.Scan(&r.TicketID, &r.CodeHash, &r.Resident, &r.Contact, &r.CreatedAt, &rated); err != nil {
		return r, err
	}
	if rated != nil {
		r.RatedAt = *rated
	}
	return r, nil
}

// PortalRequestByCode implements core.PortalStore.
func (db *DB) PortalRequestByCode(ctx context.Context, codeHash string) (core.PortalRequest, error) {
	r, err := scanPortalRequest(db.pool.QueryRow(ctx,
		`SELECT `+portalColumns+` FROM portal_requests WHERE code_hash = $1`, codeHash))
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
	rows, err := db.pool.Query(ctx, `SELECT `+portalColumns+` FROM portal_requests
		WHERE resident = $1 ORDER BY created_at DESC, ticket_id DESC LIMIT $2`, resident, limit)
	if err != nil {
		return nil, fmt.Errorf("portal requests: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.PortalRequest, error) { return scanPortalRequest(r) })
	if err != nil {
		return nil, fmt.Errorf("portal requests: %w", translate(err))
	}
	return out, nil
}

// MarkPortalRated implements core.PortalStore. One conditional update: of
// two concurrent ratings one wins.
func (db *DB) MarkPortalRated(ctx context.Context, ticketID int64, at time.Time) error {
	tag, err := db.pool.Exec(ctx, `UPDATE portal_requests SET rated_at = $1 WHERE ticket_id = $2 AND rated_at IS NULL`, at, ticketID)
	if err != nil {
		return fmt.Errorf("mark portal rated: %w", translate(err))
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM portal_requests WHERE ticket_id = $1`, ticketID).Scan(&n); err != nil {
		return fmt.Errorf("mark portal rated: %w", translate(err))
	}
	if n == 0 {
		return errNotFound
	}
	return core.Errorf(core.ECONFLICT, "该诉求已经评价过")
}
