package core

import (
	"context"
	"time"
)

// Link review statuses: a clerical-review pair is pending until a steward
// decides it is the same person (same) or not (different).
const (
	LinkPending   = "pending"   // 待核对
	LinkSame      = "same"      // 是同一人
	LinkDifferent = "different" // 不是同一人
)

// LinkReview is one pair of records the record linkage (一人一档) could not
// decide: A < B are record IDs of one kind, Prob the model's match
// probability, Explain the per-field explanation as JSON (levels and
// weights, never values).
type LinkReview struct {
	ID      int64
	Kind    string
	A, B    int64
	Prob    float64
	Explain []byte
	Status  string // a Link status constant
	// DecidedBy, DecidedAt and Note are the clerical decision (empty while
	// pending).
	DecidedBy string
	DecidedAt time.Time
	Note      string
	CreatedAt time.Time
}

// LinkReviewFilter selects review pairs. Zero fields do not filter.
type LinkReviewFilter struct {
	Kind   string
	Status string
	// Record keeps the pairs of which this record is one side.
	Record int64
	Limit  int // 0 means no limit
}

// LinkStore keeps the result of the last record-linkage run of each kind:
// which records are one person (clusters) and the pairs for clerical
// review with their decisions.
type LinkStore interface {
	// ReplaceLinks replaces kind's clusters (record ID → cluster ID, the
	// smallest record ID of its cluster; records alone are left out) and
	// its pending review pairs in one transaction. A pair already decided
	// keeps its decision (its probability and explanation are updated);
	// a decided pair that reviews does not list is kept too.
	ReplaceLinks(ctx context.Context, kind string, clusters map[int64]int64, reviews []LinkReview, at time.Time) error
	// LinkClusters returns kind's clusters, record ID → cluster ID.
	LinkClusters(ctx context.Context, kind string) (map[int64]int64, error)
	// ClusterRecords returns the IDs of the records of recordID's cluster,
	// itself included, ascending; just recordID when it is linked to none.
	ClusterRecords(ctx context.Context, recordID int64) ([]int64, error)
	// LinkReviews returns the pairs matching f, most uncertain (closest to
	// probability 0.5) first, then by ID.
	LinkReviews(ctx context.Context, f LinkReviewFilter) ([]LinkReview, error)
	// LinkReview returns one pair, or ENOTFOUND.
	LinkReview(ctx context.Context, id int64) (LinkReview, error)
	// DecideLinkReview records a clerical decision (LinkSame, LinkDifferent,
	// or LinkPending to undo one) and returns the pair; ENOTFOUND for an
	// unknown ID.
	DecideLinkReview(ctx context.Context, id int64, status, by, note string, at time.Time) (LinkReview, error)
}
