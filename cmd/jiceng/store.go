package main

import (
	"context"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/postgres"
	"jiceng/internal/sqlite"
	"jiceng/internal/taxonomy"
)

// openStore opens the store named by dsn: a postgres:// or postgresql:// URL
// is a PostgreSQL database, anything else the path of a SQLite file. A
// database without a taxonomy gets the built-in one, so that a new street
// starts from a sound default ("jiceng registry -taxonomy FILE" replaces it).
func openStore(ctx context.Context, dsn string, clock core.Clock) (core.Store, error) {
	var (
		st  core.Store
		err error
	)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		st, err = postgres.Open(ctx, dsn, clock)
	} else {
		st, err = sqlite.Open(ctx, dsn, clock)
	}
	if err != nil {
		return nil, err
	}
	cats, err := st.Categories(ctx)
	if err == nil && len(cats) == 0 {
		err = st.ReplaceCategories(ctx, taxonomy.Default())
	}
	if err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
