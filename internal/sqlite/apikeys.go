package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

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
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_keys (name, purpose, fields, communities, prefix, hash, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, k.Name, k.Purpose, fields, comms, k.Prefix, hash, k.CreatedBy, micros(at))
		if err != nil {
			return fmt.Errorf("create api key: %w", translate(err))
		}
		id, err = res.LastInsertId()
		return err
	})
	return id, err
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
		k                  core.APIKey
		fields, comms      string
		created, rev, used sql.NullInt64
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
	k.CreatedAt, k.RevokedAt, k.LastUsedAt = fromMicros(created), fromMicros(rev), fromMicros(used)
	return k, nil
}

// APIKeys implements core.APIKeyStore.
func (db *DB) APIKeys(ctx context.Context) ([]core.APIKey, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+apiKeyCols+` FROM api_keys ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("api keys: %w", translate(err))
	}
	defer rows.Close()
	var out []core.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows)
		if err != nil {
			return nil, fmt.Errorf("api keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// APIKeyByHash implements core.APIKeyStore.
func (db *DB) APIKeyByHash(ctx context.Context, hash []byte) (core.APIKey, error) {
	k, err := scanAPIKey(db.read.QueryRowContext(ctx, `SELECT `+apiKeyCols+` FROM api_keys WHERE hash = ?`, hash))
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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, micros(at), id)
		if err != nil {
			return fmt.Errorf("revoke api key: %w", translate(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("revoke api key %d: %w", id, errNotFound)
		}
		return nil
	})
}

// LogAPIUse implements core.APIKeyStore.
func (db *DB) LogAPIUse(ctx context.Context, u core.APIUse) error {
	at := u.At
	if at.IsZero() {
		at = db.now()
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_uses (key_id, at, method, path, status, n_rows, ticket)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.KeyID, micros(at), u.Method, u.Path, u.Status, u.Rows, u.Ticket); err != nil {
			return fmt.Errorf("log api use: %w", translate(err))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?`,
			micros(at), u.KeyID); err != nil {
			return fmt.Errorf("log api use: %w", translate(err))
		}
		return nil
	})
}

// APIUses implements core.APIKeyStore.
func (db *DB) APIUses(ctx context.Context, keyID int64, from, to time.Time, limit int) ([]core.APIUse, error) {
	q := `SELECT id, key_id, at, method, path, status, n_rows, ticket FROM api_uses WHERE 1 = 1`
	var args []any
	if keyID != 0 {
		q += ` AND key_id = ?`
		args = append(args, keyID)
	}
	if !from.IsZero() {
		q += ` AND at >= ?`
		args = append(args, micros(from))
	}
	if !to.IsZero() {
		q += ` AND at < ?`
		args = append(args, micros(to))
	}
	q += ` ORDER BY at DESC, id DESC`
	if limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, limit)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("api uses: %w", translate(err))
	}
	defer rows.Close()
	var out []core.APIUse
	for rows.Next() {
		var (
			u  core.APIUse
			at sql.NullInt64
		)
		if err := rows.Scan(&u.ID, &u.KeyID, &at, &u.Method, &u.Path, &u.Status, &u.Rows, &u.Ticket); err != nil {
			return nil, fmt.Errorf("api uses: %w", err)
		}
		u.At = fromMicros(at)
		out = append(out, u)
	}
	return out, rows.Err()
}
