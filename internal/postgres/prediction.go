package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

const upsertPrediction = `INSERT INTO ticket_predictions (ticket_id, category1, category2, category3,
	category_score, intent, intent_score, urgency, time_limit, details, model, at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
	ON CONFLICT (ticket_id) DO UPDATE SET category1 = excluded.category1, category2 = excluded.category2,
	category3 = excluded.category3, category_score = excluded.category_score, intent = excluded.intent,
	intent_score = excluded.intent_score, urgency = excluded.urgency, time_limit = excluded.time_limit,
	details = excluded.details, model = excluded.model, at = excluded.at`

// PutPredictions stores predictions by TicketID, replacing earlier ones, in
// one transaction; see core.PredictionStore. A later prediction in ps for
// the ticket of an earlier one replaces it. TimeLimit is stored in whole
// seconds and At in microseconds. An unknown ticket is ENOTFOUND and
// nothing is stored.
//
// Unknown tickets are looked for first, with one query, so that the error
// can name the first of them; the upserts then go in one pipelined batch of
// one prepared statement (a batch, not one INSERT ... SELECT, because a
// ticket may appear twice in ps).
func (db *DB) PutPredictions(ctx context.Context, ps []core.Prediction) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]int64, len(ps))
	for i := range ps {
		ids[i] = ps[i].TicketID
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var missing []int64
		rows, err := tx.Query(ctx, `SELECT u.id FROM unnest($1::bigint[]) AS u (id)
			WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = u.id)`, ids)
		if err != nil {
			return err
		}
		if missing, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
			return err
		}
		if len(missing) > 0 {
			i := slices.IndexFunc(ps, func(p core.Prediction) bool { return slices.Contains(missing, p.TicketID) })
			return dbutil.UnknownTicket(i, ps[i].TicketID, nil)
		}
		b := &pgx.Batch{}
		for i := range ps {
			p := &ps[i]
			b.Queue(upsertPrediction, p.TicketID, p.Category1, p.Category2, p.Category3, p.CategoryScore,
				p.Intent, p.IntentScore, p.Urgency, int64(p.TimeLimit/time.Second),
				dbutil.DetailsOf(p), p.Model, timeArg(p.At))
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("put predictions: %w", err)
	}
	return nil
}

// Prediction returns the prediction of a ticket, or ENOTFOUND.
func (db *DB) Prediction(ctx context.Context, ticketID int64) (core.Prediction, error) {
	p := core.Prediction{TicketID: ticketID}
	var (
		limit int64
		d     dbutil.PredictionDetails
		at    *time.Time
	)
	err := db.pool.QueryRow(ctx, `SELECT category1, category2, category3, category_score, intent,
		intent_score, urgency, time_limit, details, model, at FROM ticket_predictions WHERE ticket_id = $1`, ticketID).
		Scan(&p.Category1, &p.Category2, &p.Category3, &p.CategoryScore, &p.Intent, &p.IntentScore, &p.Urgency,
			&limit, &d, &p.Model, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Prediction{}, dbutil.ErrPredictionNotFound
	}
	if err != nil {
		return core.Prediction{}, fmt.Errorf("prediction of ticket %d: %w", ticketID, err)
	}
	d.Apply(&p)
	p.TimeLimit = time.Duration(limit) * time.Second
	p.At = fromTime(at)
	return p, nil
}

// Unpredicted returns tickets above afterID without a prediction by model;
// see core.PredictionStore.
func (db *DB) Unpredicted(ctx context.Context, model string, afterID int64, limit int) ([]core.Ticket, error) {
	return db.queryTickets(ctx, "unpredicted tickets", "SELECT "+ticketColumns+` FROM tickets WHERE id > $1
		AND NOT EXISTS (SELECT 1 FROM ticket_predictions p WHERE p.ticket_id = tickets.id AND p.model = $2)
		ORDER BY id LIMIT $3`, afterID, model, limit)
}
