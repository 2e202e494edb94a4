package main

import (
	"context"
	"strings"

	"jiceng/internal/core"
	"jiceng/internal/postgres"
	"jiceng/internal/sqlite"
)

// openStore opens the store named by dsn: a postgres:// or postgresql:// URL
// is a PostgreSQL database, anything else the path of a SQLite file.
func openStore(ctx context.Context, dsn string, clock core.Clock) (core.Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return postgres.Open(ctx, dsn, clock)
	}
	return sqlite.Open(ctx, dsn, clock)
}
