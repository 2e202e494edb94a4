package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"jiceng/internal/core"
)

// CreateAPIKey implements core.APIKeyStore.
func (db *DB) CreateAPIKey(ctx context.Context, k core.APIKey, hash []byte) (int64, error) {
	if err := core.CheckAPIKey(k); err != nil {
		return 0, err
	}
	if len(hash) == 0 {
		return 0, core.Errorf(core.EINVALID, "密钥摘要不能为空。")
	}
	fields, comms, err := apiKeyLists(k)
	if err != nil {
		return 0, err
	}
	at := k.CreatedAt
	if at.IsZero() {
		at = db.now()
	}
	var id int64
	err = db.pool.QueryRow(ctx, `INSERT INTO api_keys (name, purpose, fields, communities, prefix, hash, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		k.Name, k.Purpose, fields, comms, k.Prefix, hash, k.CreatedBy, at).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("create api key: %w", translate(err))
	}
	return id, nil
}

// apiKeyLists is the stored JSON of a key's fields (never null) and
// communities (null: the whole street).
func apiKeyLists(k core.APIKey) (fields, comms string, err error) {
	f := k.Fields
	if f == nil {
		f = []string{}
	}
	b, err := json.Marshal(f)
	if err != nil {
		return "", "", err
	}
	c, err := json.Marshal(k.Communities)
	if err != nil {
		return "", "", err
	}
	return string(b), string(c), nil
}

const apiKeyCols = `id, name, purpose, fields, communities, prefix, created_by, created_at, revoked_at, last_used_at`

func scanAPIKey(sc interface{ Scan(...any) error }) (core.APIKey, error) {
	var (
		k             core.APIKey
		fields, comms string
		created       time.Time
		rev, used     *time.Time
	)
	if err := sc.Scan(&k.ID, &k.Name, &k.Purpose, &fields, &comms, &k.Prefix, &k.CreatedBy, &created, &rev, &used); err != nil {
		return k, err
	}
	if err := json.Unmarshal([]byte(fields), &k.Fields); err != nil {
		return k, fmt.Errorf("api key %d: fields: %w", k.ID, err)
	}
	if err := json.Unmarshal([]byte(comms), &k.Communities); err != nil {
		return k, fmt.Errorf("api key %d: communities: %w", k.ID, err)
	}
	k.CreatedAt, k.RevokedAt, k.LastUsedAt = created, fromTime(rev), fromTime(used)
	return k, nil
}

// APIKeys implements core.APIKeyStore.
func (db *DB) APIKeys(ctx context.Context) ([]core.APIKey, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+apiKeyCols+` FROM api_keys ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("api keys: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.APIKey, error) { return scanAPIKey(r) })
	if err != nil {
		return nil, fmt.Errorf("api keys: %w", translate(err))
	}
	return out, nil
}

// APIKeyByHash implements core.APIKeyStore.
func (db *DB) APIKeyByHash(ctx context.Context, hash []byte) (core.APIKey, error) {
	k, err := scanAPIKey(db.pool.QueryRow(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE hash = $1`, hash))
	if err != nil {
		return core.APIKey{}, fmt.Errorf("api key by hash: %w", translate(err))
	}
	return k, nil
}

// RevokeAPIKey implements core.APIKeyStore.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	if at.IsZero() {
		at = db.now()
	}
	tag, err := db.pool.Exec(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2`, at, id)
	if err != nil {
		return fmt.Errorf("revoke api key: %w", translate(err))
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("revoke api key %d: %w", id, errNotFound)
	}
	return nil
}

// LogAPIUse implements core.APIKeyStore.
func (db *DB) LogAPIUse(ctx context.Context, u core.APIUse) error {
	at := u.At
	if at.IsZero() {
		at = db.now()
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO api_uses (key_id, at, method, path, status, n_rows, ticket)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.KeyID, at, u.Method, u.Path, u.Status, u.Rows, u.Ticket); err != nil {
			return fmt.Errorf("log api use: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE api_keys SET last_used_at = greatest(last_used_at, $1) WHERE id = $2`,
			at, u.KeyID); err != nil {
			return fmt.Errorf("log api use: %w", err)
		}
		return nil
	})
}

// APIUses implements core.APIKeyStore.
func (db *DB) APIUses(ctx context.Context, keyID int64, from, to time.Time, limit int) ([]core.APIUse, error) {
	q := `SELECT id, key_id, at, method, path, status, n_rows, ticket FROM api_uses WHERE true`
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if keyID != 0 {
		q += ` AND key_id = ` + arg(keyID)
	}
	if !from.IsZero() {
		q += ` AND at >= ` + arg(from)
	}
	if !to.IsZero() {
		q += ` AND at < ` + arg(to)
	}
	q += ` ORDER BY at DESC, id DESC`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("api uses: %w", translate(err))
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (core.APIUse, error) {
		var u core.APIUse
		err := r.Scan(&u.ID, &u.KeyID, &u.At, &u.Method, &u.Path, &u.Status, &u.Rows, &u.Ticket)
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("api uses: %w", translate(err))
	}
	return out, nil
}
