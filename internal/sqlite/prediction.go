package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"jiceng/internal/core"
	"jiceng/internal/dbutil"
)

const upsertPrediction = `INSERT INTO ticket_predictions (ticket_id, category1, category2, category3,
	category_score, intent, intent_score, urgency, time_limit, details, model, at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
// One statement, prepared once, is run per prediction: with one writer and
// no network between, that is as fast as SQLite gets (multi-row VALUES
// save little and cap at the variable limit).
func (db *DB) PutPredictions(ctx context.Context, ps []core.Prediction) error {
	if len(ps) == 0 {
		return nil
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, upsertPrediction)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range ps {
			p := &ps[i]
			details, err := json.Marshal(dbutil.DetailsOf(p))
			if err != nil {
				return fmt.Errorf("prediction of ticket %d: %w", p.TicketID, err)
			}
			_, err = st.ExecContext(ctx, p.TicketID, p.Category1, p.Category2, p.Category3, p.CategoryScore,
				p.Intent, p.IntentScore, p.Urgency, int64(p.TimeLimit/time.Second), string(details), p.Model,
				micros(p.At))
			if err != nil {
				var se *sqlite.Error
				if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
					return dbutil.UnknownTicket(i, p.TicketID, err)
				}
				return err
			}
		}
		return nil
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
		limit   int64
		details string
		at      sql.NullInt64
	)
	err := db.read.QueryRowContext(ctx, `SELECT category1, category2, category3, category_score, intent,
		intent_score, urgency, time_limit, details, model, at FROM ticket_predictions WHERE ticket_id = ?`, ticketID).
		Scan(&p.Category1, &p.Category2, &p.Category3, &p.CategoryScore, &p.Intent, &p.IntentScore, &p.Urgency,
			&limit, &details, &p.Model, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return core.Prediction{}, dbutil.ErrPredictionNotFound
	}
	if err != nil {
		return core.Prediction{}, fmt.Errorf("prediction of ticket %d: %w", ticketID, err)
	}
	var d dbutil.PredictionDetails
	if err := json.Unmarshal([]byte(details), &d); err != nil {
		return core.Prediction{}, fmt.Errorf("prediction of ticket %d details: %w", ticketID, err)
	}
	d.Apply(&p)
	p.TimeLimit = time.Duration(limit) * time.Second
	p.At = fromMicros(at)
	return p, nil
}

// Unpredicted returns tickets above afterID without a prediction by model;
// see core.PredictionStore.
func (db *DB) Unpredicted(ctx context.Context, model string, afterID int64, limit int) ([]core.Ticket, error) {
	return db.queryTickets(ctx, "unpredicted tickets", "SELECT "+ticketColumns+` FROM tickets WHERE id > ?
		AND NOT EXISTS (SELECT 1 FROM ticket_predictions p WHERE p.ticket_id = tickets.id AND p.model = ?)
		ORDER BY id LIMIT ?`, afterID, model, limit)
}
