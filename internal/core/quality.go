package core

import (
	"context"
	"time"
)

// QualityRun is one stored run of the data-quality checks (数据质量) over a
// registry kind, or over every kind: when, by whom, its overall score and
// worst status, and the whole result as the quality package's JSON.
type QualityRun struct {
	ID     int64
	Kind   string // a record kind, or "" for a run over every kind
	At     time.Time
	By     string  // user name, or "system" for a scheduled run
	Score  float64 // 0–100
	Status string  // pass, warn or fail: the worst check's
	Checks int     // checks run
	Failed int     // checks that warned or failed
	Result []byte  // JSON; empty in QualityRuns' list
}

// QualityStore keeps the data-quality runs, the history the quality page's
// trend is drawn from.
type QualityStore interface {
	// AddQualityRun stores a run and returns its ID.
	AddQualityRun(ctx context.Context, r QualityRun) (int64, error)
	// QualityRuns returns the newest runs first, at most limit, of kind
	// (all kinds when kind is "*"), without their Result.
	QualityRuns(ctx context.Context, kind string, limit int) ([]QualityRun, error)
	// QualityRun returns a run with its Result; an unknown ID is an
	// ENOTFOUND error.
	QualityRun(ctx context.Context, id int64) (QualityRun, error)
}
