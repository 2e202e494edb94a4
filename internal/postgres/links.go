package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
)

const linkReviewColumns = `id, kind, a, b, prob, explain, status, decided_by, decided_at, note, created_at`

// ReplaceLinks implements core.LinkStore.
func (db *DB) ReplaceLinks(ctx context.Context, kind string, clusters map[int64]int64, reviews []core.LinkReview, at time.Time) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM record_links WHERE kind = $1`, kind); err != nil {
			return err
		}
		rows := make([][]any, 0, len(clusters))
		for id, c := range clusters {
			rows = append(rows, []any{id, kind, c})
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"record_links"}, []string{"record_id", "kind", "cluster"}, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM link_reviews WHERE kind = $1 AND status = $2`, kind, core.LinkPending); err != nil {
			return err
		}
		var b pgx.Batch
		for _, r := range reviews {
			explain := string(r.Explain)
			if explain == "" {
				explain = "[]"
			}
			b.Queue(`INSERT INTO link_reviews (kind, a, b, prob, explain, status, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (a, b) DO UPDATE SET prob = excluded.prob, explain = excluded.explain`,
				kind, min(r.A, r.B), max(r.A, r.B), r.Prob, explain, core.LinkPending, at)
		}
		return tx.SendBatch(ctx, &b).Close()
	})
	if err != nil {
		return fmt.Errorf("replace links: %w", err)
	}
	return nil
}

// LinkClusters implements core.LinkStore.
func (db *DB) LinkClusters(ctx context.Context, kind string) (map[int64]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT record_id, cluster FROM record_links WHERE kind = $1`, kind)
	if err != nil {
		return nil, fmt.Errorf("link clusters: %w", translate(err))
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, c int64
		if err := rows.Scan(&id, &c); err != nil {
			return nil, fmt.Errorf("link clusters: %w", err)
		}
		out[id] = c
	}
	return out, rows.Err()
}

// ClusterRecords implements core.LinkStore.
func (db *DB) ClusterRecords(ctx context.Context, recordID int64) ([]int64, error) {
	rows, err := db.pool.Query(ctx, `SELECT record_id FROM record_links
		WHERE cluster = (SELECT cluster FROM record_links WHERE record_id = $1) ORDER BY record_id`, recordID)
	if err != nil {
		return nil, fmt.Errorf("cluster records: %w", translate(err))
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("cluster records: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("cluster records: %w", err)
	}
	if len(out) == 0 {
		out = []int64{recordID}
	}
	return out, nil
}

func scanLinkReview(scan func(...any) error) (core.LinkReview, error) {
	var (
		r       core.LinkReview
		explain string
		decided *time.Time
	)
	err := scan(&r.ID, &r.Kind, &r.A, &r.B, &r.Prob, &explain, &r.Status, &r.DecidedBy, &decided, &r.Note, &r.CreatedAt)
	r.Explain = []byte(explain)
	if decided != nil {
		r.DecidedAt = *decided
	}
	return r, err
}

// LinkReviews implements core.LinkStore.
func (db *DB) LinkReviews(ctx context.Context, f core.LinkReviewFilter) ([]core.LinkReview, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Kind != "" {
		where = append(where, "kind = "+arg(f.Kind))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.Record != 0 {
		p := arg(f.Record)
		where = append(where, "(a = "+p+" OR b = "+p+")")
	}
	q := `SELECT ` + linkReviewColumns + ` FROM link_reviews`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY abs(prob - 0.5), id`
	if f.Limit > 0 {
		q += ` LIMIT ` + arg(f.Limit)
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("link reviews: %w", translate(err))
	}
	defer rows.Close()
	var out []core.LinkReview
	for rows.Next() {
		r, err := scanLinkReview(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("link reviews: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LinkReview implements core.LinkStore.
func (db *DB) LinkReview(ctx context.Context, id int64) (core.LinkReview, error) {
	r, err := scanLinkReview(db.pool.QueryRow(ctx, `SELECT `+linkReviewColumns+` FROM link_reviews WHERE id = $1`, id).Scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, core.Errorf(core.ENOTFOUND, "待核对记录对不存在")
	}
	if err != nil {
		return r, fmt.Errorf("link review: %w", translate(err))
	}
	return r, nil
}

// DecideLinkReview implements core.LinkStore.
func (db *DB) DecideLinkReview(ctx context.Context, id int64, status, by, note string, at time.Time) (core.LinkReview, error) {
	var decidedAt *time.Time
	if status == core.LinkPending {
		by, note = "", ""
	} else {
		decidedAt = &at
	}
	tag, err := db.pool.Exec(ctx, `UPDATE link_reviews SET status = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5`,
		status, by, decidedAt, note, id)
	if err != nil {
		return core.LinkReview{}, fmt.Errorf("decide link review: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return core.LinkReview{}, core.Errorf(core.ENOTFOUND, "待核对记录对不存在")
	}
	return db.LinkReview(ctx, id)
}
