package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"

	"jiceng/internal/core"
)

var (
	errUserNotFound    = &core.Error{Code: core.ENOTFOUND, Message: "用户不存在"}
	errSessionNotFound = &core.Error{Code: core.ENOTFOUND, Message: "会话不存在或已过期，请重新登录"}
)

// CreateUser stores u and sets its ID (and CreatedAt, if zero, from the
// clock); a taken username is ECONFLICT.
func (db *DB) CreateUser(ctx context.Context, u *core.User) error {
	if u.Username == "" {
		return core.Errorf(core.EINVALID, "用户名不能为空")
	}
	created := u.CreatedAt
	if created.IsZero() {
		created = db.now()
	}
	var id int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO users (username, name, role, unit, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.Name, u.Role, u.Unit, u.PasswordHash, created.UnixMicro()).Scan(&id)
	})
	if core.ErrorCode(err) == core.ECONFLICT {
		return &core.Error{Code: core.ECONFLICT, Message: "用户名已被占用", Err: err}
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.ID, u.CreatedAt = id, fromMicros(sql.NullInt64{Int64: created.UnixMicro(), Valid: true})
	return nil
}

const userColumns = "id, username, name, role, unit, password_hash, created_at"

func scanUser(s scanner) (core.User, error) {
	var u core.User
	var created sql.NullInt64
	err := s.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.Unit, &u.PasswordHash, &created)
	u.CreatedAt = fromMicros(created)
	return u, err
}

// UserByUsername returns the user with username, or ENOTFOUND.
func (db *DB) UserByUsername(ctx context.Context, username string) (core.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE username = ?", username))
	if err == sql.ErrNoRows {
		return core.User{}, errUserNotFound
	}
	if err != nil {
		return core.User{}, fmt.Errorf("user by username: %w", err)
	}
	return u, nil
}

// User returns the user with id, or ENOTFOUND.
func (db *DB) User(ctx context.Context, id int64) (core.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err == sql.ErrNoRows {
		return core.User{}, errUserNotFound
	}
	if err != nil {
		return core.User{}, fmt.Errorf("user: %w", err)
	}
	return u, nil
}

// tokenHash is the stored key of a session: the hex SHA-256 of its token.
func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// CreateSession stores s under the hash of its token. An unknown user is
// EINVALID; a token already in use is ECONFLICT.
func (db *DB) CreateSession(ctx context.Context, s core.Session) error {
	if s.Token == "" {
		return core.Errorf(core.EINVALID, "会话令牌不能为空")
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
			tokenHash(s.Token), s.UserID, s.ExpiresAt.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionUser returns the user of the session with token if it has not
// expired by the store's clock, or ENOTFOUND.
func (db *DB) SessionUser(ctx context.Context, token string) (core.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT u."+
		"id, u.username, u.name, u.role, u.unit, u.password_hash, u.created_at"+
		" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?",
		tokenHash(token), db.now().UnixMicro()))
	if err == sql.ErrNoRows {
		return core.User{}, errSessionNotFound
	}
	if err != nil {
		return core.User{}, fmt.Errorf("session user: %w", err)
	}
	return u, nil
}

// DeleteSession removes the session with token; deleting an unknown session
// is not an error (signing out twice is fine).
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = ?", tokenHash(token))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
