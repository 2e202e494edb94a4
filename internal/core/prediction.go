package core

import (
	"context"
	"time"
)

// Prediction is what jiceng's text understanding made of a ticket: its
// category, intent, urgency and places, each with a confidence and the
// evidence staff need to judge it. It is kept apart from the human labels on
// Ticket, which always win: a prediction never overwrites them.
type Prediction struct {
	TicketID int64

	// Category path predicted by the street's classifier model; empty when
	// no model is configured.
	Category1, Category2, Category3 string
	CategoryScore                   float64  // probability of the path, 0..1
	CategoryTerms                   []string // the terms that drove it

	Intent      Intent
	IntentScore float64
	IntentCues  []string

	Urgency        Urgency
	TimeLimit      time.Duration // the time limit of Urgency
	UrgencyReasons []string

	// Places mentioned in the text: communities of the registry, 小区, roads,
	// buildings, organisations.
	Places []Mention

	Model string // the classifier model's name and version; "" for rules only
	At    time.Time
}

// Mention is one entity found in a text, with character (code point)
// offsets into the field it was found in.
type Mention struct {
	Type  string  `json:"type"`
	Field string  `json:"field,omitempty"` // "title" or "content"
	Text  string  `json:"text"`
	Value string  `json:"value,omitempty"`
	Start int     `json:"start"`
	End   int     `json:"end"`
	Score float64 `json:"score"`
}

// PredictionStore stores predictions, one per ticket, apart from the tickets.
type PredictionStore interface {
	// PutPredictions stores predictions by TicketID, replacing earlier ones,
	// in one transaction. An unknown ticket is ENOTFOUND.
	PutPredictions(ctx context.Context, ps []Prediction) error
	// Prediction returns the prediction of a ticket, or ENOTFOUND.
	Prediction(ctx context.Context, ticketID int64) (Prediction, error)
	// Unpredicted returns up to limit tickets with an ID above afterID, by
	// increasing ID, that have no prediction by model (none at all, or one
	// made by another model). Paging by afterID lets a caller store
	// predictions between pages.
	Unpredicted(ctx context.Context, model string, afterID int64, limit int) ([]Ticket, error)
}
