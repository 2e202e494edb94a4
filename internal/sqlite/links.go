package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"jiceng/internal/core"
)

const linkReviewColumns = `id, kind, a, b, prob, explain, status, decided_by, decided_at, note, created_at`

// ReplaceLinks implements core.LinkStore.
func (db *DB) ReplaceLinks(ctx context.Context, kind string, clusters map[int64]int64, reviews []core.LinkReview, at time.Time) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM record_links WHERE kind = ?`, kind); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO record_links (record_id, kind, cluster) VALUES (?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for id, c := range clusters {
			if _, err := ins.ExecContext(ctx, id, kind, c); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM link_reviews WHERE kind = ? AND status = ?`, kind, core.LinkPending); err != nil {
			return err
		}
		rev, err := tx.PrepareContext(ctx, `INSERT INTO link_reviews (kind, a, b, prob, explain, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (a, b) DO UPDATE SET prob = excluded.prob, explain = excluded.explain`)
		if err != nil {
			return err
		}
		defer rev.Close()
		for _, r := range reviews {
			a, b := min(r.A, r.B), max(r.A, r.B)
			if _, err := rev.ExecContext(ctx, kind, a, b, r.Prob, string(explainOrEmpty(r.Explain)), core.LinkPending, micros(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace links: %w", err)
	}
	return nil
}

func explainOrEmpty(b []byte) []byte {
	if len(b) == 0 {
		return []byte("[]")
	}
	return b
}

// LinkClusters implements core.LinkStore.
func (db *DB) LinkClusters(ctx context.Context, kind string) (map[int64]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT record_id, cluster FROM record_links WHERE kind = ?`, kind)
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
	rows, err := db.read.QueryContext(ctx, `SELECT record_id FROM record_links
		WHERE cluster = (SELECT cluster FROM record_links WHERE record_id = ?) ORDER BY record_id`, recordID)
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
		r                  core.LinkReview
		explain            string
		decided, createdAt sql.NullInt64
	)
	err := scan(&r.ID, &r.Kind, &r.A, &r.B, &r.Prob, &explain, &r.Status, &r.DecidedBy, &decided, &r.Note, &createdAt)
	r.Explain = []byte(explain)
	r.DecidedAt, r.CreatedAt = fromMicros(decided), fromMicros(createdAt)
	return r, err
}

// LinkReviews implements core.LinkStore.
func (db *DB) LinkReviews(ctx context.Context, f core.LinkReviewFilter) ([]core.LinkReview, error) {
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.Record != 0 {
		where, args = append(where, "(a = ? OR b = ?)"), append(args, f.Record, f.Record)
	}
	q := `SELECT ` + linkReviewColumns + ` FROM link_reviews`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY abs(prob - 0.5), id`
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
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
	r, err := scanLinkReview(db.read.QueryRowContext(ctx, `SELECT `+linkReviewColumns+` FROM link_reviews WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return r, core.Errorf(core.ENOTFOUND, "待核对记录对不存在")
	}
	if err != nil {
		return r, fmt.Errorf("link review: %w", translate(err))
	}
	return r, nil
}

// DecideLinkReview implements core.LinkStore.
func (db *DB) DecideLinkReview(ctx context.Context, id int64, status, by, note string, at time.Time) (core.LinkReview, error) {
	var decidedAt any = micros(at)
	if status == core.LinkPending {
		by, note, decidedAt = "", "", nil
	}
	res, err := db.write.ExecContext(ctx, `UPDATE link_reviews SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ?`,
		status, by, decidedAt, note, id)
	if err != nil {
		return core.LinkReview{}, fmt.Errorf("decide link review: %w", translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return core.LinkReview{}, fmt.Errorf("decide link review: %w", err)
	} else if n == 0 {
		return core.LinkReview{}, core.Errorf(core.ENOTFOUND, "待核对记录对不存在")
	}
	return db.LinkReview(ctx, id)
}
