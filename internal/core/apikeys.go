package core

import (
	"context"
	"time"
)

// The purposes an API key is issued for: a key of one purpose is refused
// by the other's routes.
const (
	APIKeyOpen311 = "open311" // Open311 GeoReport v2 clients
	APIKeyShare   = "share"   // the sharing API for other departments (数据共享)
)

// APIKeyPurposes lists the purposes in the order forms show them.
var APIKeyPurposes = []string{APIKeyShare, APIKeyOpen311}

// APIKey is a key issued to an outside client or department. The secret
// itself is never stored: the store keeps its sha256, and Prefix (its
// first 8 characters) to recognise it in lists.
type APIKey struct {
	ID          int64
	Name        string // client or department, e.g. 区民政局
	Purpose     string
	Fields      []string // share: KIND.FIELD record fields and ticket fields it may read; empty: none
	Communities []string // share: communities it may read; nil: the whole street
	Prefix      string   // first 8 characters of the secret, to recognise it
	CreatedBy   string
	CreatedAt   time.Time
	RevokedAt   time.Time // zero: in force
	LastUsedAt  time.Time
}

// Revoked reports whether the key has been revoked.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// APIUse is one request made with an API key: the usage log.
type APIUse struct {
	ID, KeyID int64
	At        time.Time
	Method    string
	Path      string // the path only, never the query (it may carry personal data)
	Status    int
	Rows      int
	Ticket    string // ticket number the department cites, "" none
}

// CheckAPIKey reports an invalid key as an EINVALID error in Chinese.
func CheckAPIKey(k APIKey) error {
	switch {
	case k.Name == "":
		return Errorf(EINVALID, "请填写密钥的使用单位名称。")
	case len([]rune(k.Name)) > 100:
		return Errorf(EINVALID, "使用单位名称不能超过 100 个字。")
	case k.Purpose != APIKeyShare && k.Purpose != APIKeyOpen311:
		return Errorf(EINVALID, "密钥用途“%s”无效：应为 share 或 open311。", k.Purpose)
	case len(k.Prefix) != 8:
		return Errorf(EINVALID, "密钥前缀应为 8 个字符。")
	}
	return nil
}

// APIKeyStore keeps the API keys (by the sha256 of their secret) and their
// usage log.
type APIKeyStore interface {
	// CreateAPIKey stores k with the sha256 hash of its secret and returns
	// its id. k.CreatedAt zero means now.
	CreateAPIKey(ctx context.Context, k APIKey, hash []byte) (int64, error)
	// APIKeys lists all keys, revoked ones too, newest first.
	APIKeys(ctx context.Context) ([]APIKey, error)
	// APIKeyByHash returns the key with that hash, revoked or not; ENOTFOUND.
	APIKeyByHash(ctx context.Context, hash []byte) (APIKey, error)
	// RevokeAPIKey marks the key revoked at at; ENOTFOUND for an unknown
	// id. Revoking a revoked key keeps the first time.
	RevokeAPIKey(ctx context.Context, id int64, at time.Time) error
	// LogAPIUse appends u to the usage log and sets the key's LastUsedAt.
	LogAPIUse(ctx context.Context, u APIUse) error
	// APIUses lists the uses of keyID (0: every key) in [from, to) (zero
	// bounds: open), newest first, at most limit (0: all).
	APIUses(ctx context.Context, keyID int64, from, to time.Time, limit int) ([]APIUse, error)
}

// AuditAPIKey is the audit action of issuing and revoking an API key
// (接口密钥管理): the key's id, name and purpose, never its secret.
const AuditAPIKey = "api_key"

func init() {
	AuditActions = append(AuditActions, AuditAPIKey)
	AuditLabels[AuditAPIKey] = "接口密钥管理"
}
