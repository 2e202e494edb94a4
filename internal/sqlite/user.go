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
		return tx.QueryRowContext(ctx, `INSERT INTO users (username, name, role, unit, password_hash, created_at,
			disabled, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Username, u.Name, u.Role, u.Unit, u.PasswordHash, created.UnixMicro(), u.Disabled, created.UnixMicro()).Scan(&id)
	})
	if core.ErrorCode(err) == core.ECONFLICT {
		return &core.Error{Code: core.ECONFLICT, Message: "用户名已被占用", Err: err}
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.ID, u.CreatedAt = id, fromMicros(sql.NullInt64{Int64: created.UnixMicro(), Valid: true})
	u.PasswordChangedAt = u.CreatedAt
	return nil
}

const userColumns = "id, username, name, role, unit, password_hash, created_at, disabled, password_changed_at"

func scanUser(s scanner) (core.User, error) {
	var u core.User
	var created, changed sql.NullInt64
	err := s.Scan(&u.ID, &u.Username, &u.Name, &u.Role, &u.Unit, &u.PasswordHash, &created, &u.Disabled, &changed)
	u.CreatedAt, u.PasswordChangedAt = fromMicros(created), fromMicros(changed)
	return u, err
}

// Users returns every user, by username.
func (db *DB) Users(ctx context.Context) ([]core.User, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY username")
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	defer rows.Close()
	var us []core.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("users: %w", err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	return us, nil
}

// UpdateUser stores u's name, role, unit, disabled flag and password hash.
// A new hash sets password_changed_at from the clock; a new hash or
// disabling deletes the user's sessions in the same transaction. An unknown
// ID is ENOTFOUND.
func (db *DB) UpdateUser(ctx context.Context, u core.User) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var oldHash string
		var wasDisabled bool
		if err := tx.QueryRowContext(ctx, "SELECT password_hash, disabled FROM users WHERE id = ?", u.ID).
			Scan(&oldHash, &wasDisabled); err == sql.ErrNoRows {
			return errUserNotFound
		} else if err != nil {
			return err
		}
		newHash := oldHash != u.PasswordHash
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = ?, role = ?, unit = ?, disabled = ?, password_hash = ?,
			password_changed_at = CASE WHEN ? THEN ? ELSE password_changed_at END WHERE id = ?`,
			u.Name, u.Role, u.Unit, u.Disabled, u.PasswordHash, newHash, db.now().UnixMicro(), u.ID); err != nil {
			return err
		}
		if newHash || u.Disabled && !wasDisabled {
			_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	return nil
}

// DeleteUserSessions deletes every session of the user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete user sessions: %w", err)
	}
	return nil
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
	created := s.CreatedAt
	if created.IsZero() {
		created = db.now()
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, expires_at, created_at) VALUES (?, ?, ?, ?)",
			tokenHash(s.Token), s.UserID, s.ExpiresAt.UnixMicro(), created.UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// SessionUser returns the user of the session with token if it has not
// expired by the store's clock and the user is not disabled, or ENOTFOUND.
func (db *DB) SessionUser(ctx context.Context, token string) (core.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, "SELECT u."+
		"id, u.username, u.name, u.role, u.unit, u.password_hash, u.created_at, u.disabled, u.password_changed_at"+
		" FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled",
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
