package casework

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"slices"
	"strings"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// API keys. Administrators (数据管理员) issue keys to outside clients: an
// Open311 client (purpose open311) or another department reading the
// sharing API (purpose share, with the fields and communities it may
// read). A secret is "jc_" and 32 random bytes in base32 (lower case, no
// padding); it is shown once, when issued, and only its sha256 is stored,
// so that a key is looked up by its hash (no comparison of secrets that
// could leak their prefix by timing) and a stolen database holds no key.
// Issuing and revoking are entries of the audit log, never with the secret.

// SecretPrefix starts every API-key secret.
const SecretPrefix = "jc_"

// secretEncoding is the secret's alphabet: base32, lower case, no padding.
var secretEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// secretLen is the length of a secret: the prefix and 32 bytes in base32.
var secretLen = len(SecretPrefix) + secretEncoding.EncodedLen(32)

// ErrBadAPIKey answers an unknown, revoked or other-purpose key alike.
var ErrBadAPIKey = core.Errorf(core.EUNAUTHORIZED, "接口密钥无效或已停用")

// HashAPISecret is the stored sha256 of a secret.
func HashAPISecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// NewAPISecret returns a fresh secret.
func NewAPISecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("api key secret: %w", err)
	}
	return SecretPrefix + secretEncoding.EncodeToString(b[:]), nil
}

func (s *Service) apiKeyStore() (core.APIKeyStore, error) {
	ks, ok := s.Store.(core.APIKeyStore)
	if !ok {
		return nil, core.Errorf(core.EINVALID, "当前数据库不支持接口密钥")
	}
	return ks, nil
}

func keyAdmin(u core.User) error {
	if u.Role != core.RoleAdmin {
		return core.Errorf(core.EFORBIDDEN, "只有数据管理员可以管理接口密钥（当前账号：%s）", roleLabel(u.Role))
	}
	return nil
}

// ShareField is a field a share key may be given: Name is KIND.FIELD
// (person.phone) or ticket.FIELD (ticket.category).
type ShareField struct {
	Name, Kind, Label, Sensitivity string
}

// ShareFields are the fields a share key may read, by kind (the record
// kinds in their order, then ticket), for the issuing form.
func (s *Service) ShareFields() []ShareField {
	var out []ShareField
	for _, kind := range fieldset.RecordKinds {
		for _, f := range recordSets()[kind].Fields {
			out = append(out, ShareField{Name: kind + "." + f.Name, Kind: kind, Label: f.Label, Sensitivity: f.Sensitivity})
		}
	}
	for _, f := range s.fields().Fields {
		out = append(out, ShareField{Name: ShareTicketKind + "." + f.Name, Kind: ShareTicketKind, Label: f.Label, Sensitivity: f.Sensitivity})
	}
	return out
}

// ShareTicketKind is the kind of the ticket fields of a share key.
const ShareTicketKind = "ticket"

// ShareFieldNames are the names of ShareFields.
func (s *Service) ShareFieldNames() []string {
	fs := s.ShareFields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}

// CheckShareScope checks the fields and communities of a share key: every
// field a known KIND.FIELD of a registry or ticket.FIELD of the ticket
// field set, every community one of the street's. It returns the lists
// cleaned (trimmed, without duplicates, in order).
func (s *Service) CheckShareScope(ctx context.Context, fields, communities []string) ([]string, []string, error) {
	known := s.ShareFieldNames()
	var fs []string
	for _, f := range fields {
		f = strings.TrimSpace(f)
		if f == "" || slices.Contains(fs, f) {
			continue
		}
		if !slices.Contains(known, f) {
			return nil, nil, core.Errorf(core.EINVALID, "字段“%s”不存在：应为“类别.字段”，如 person.name 或 ticket.category。", f)
		}
		fs = append(fs, f)
	}
	if communities == nil {
		return fs, nil, nil
	}
	areas, err := s.Store.Areas(ctx)
	if err != nil {
		return nil, nil, err
	}
	cs := []string{}
	for _, c := range communities {
		c = strings.TrimSpace(c)
		if c == "" || slices.Contains(cs, c) {
			continue
		}
		i := slices.IndexFunc(areas.Communities, func(a core.Community) bool { return a.Name == c || a.Code == c })
		if i < 0 {
			return nil, nil, core.Errorf(core.EINVALID, "社区“%s”不在本街道。", c)
		}
		if name := areas.Communities[i].Name; !slices.Contains(cs, name) {
			cs = append(cs, name)
		}
	}
	return fs, cs, nil
}

// IssueAPIKey issues a key (administrators only) and returns it with its
// secret, which is not kept and cannot be shown again.
func (s *Service) IssueAPIKey(ctx context.Context, u core.User, k core.APIKey) (core.APIKey, string, error) {
	if err := keyAdmin(u); err != nil {
		return core.APIKey{}, "", err
	}
	ks, err := s.apiKeyStore()
	if err != nil {
		return core.APIKey{}, "", err
	}
	k.Name = strings.TrimSpace(k.Name)
	switch k.Purpose {
	case core.APIKeyShare:
		if k.Fields, k.Communities, err = s.CheckShareScope(ctx, k.Fields, k.Communities); err != nil {
			return core.APIKey{}, "", err
		}
		if len(k.Fields) == 0 {
			return core.APIKey{}, "", core.Errorf(core.EINVALID, "请至少选择一个共享字段。")
		}
	case core.APIKeyOpen311:
		k.Fields, k.Communities = nil, nil
	}
	secret, err := NewAPISecret()
	if err != nil {
		return core.APIKey{}, "", err
	}
	k.ID, k.Prefix, k.CreatedBy, k.CreatedAt = 0, secret[:8], u.Username, s.now()
	k.RevokedAt, k.LastUsedAt = time.Time{}, time.Time{}
	if err := core.CheckAPIKey(k); err != nil {
		return core.APIKey{}, "", err
	}
	id, err := ks.CreateAPIKey(ctx, k, HashAPISecret(secret))
	if err != nil {
		return core.APIKey{}, "", err
	}
	k.ID = id
	if k.Fields == nil {
		k.Fields = []string{}
	}
	s.auditKey(ctx, u, k, fmt.Sprintf("签发密钥 #%d（%s，%s）：%d 个字段，%s", id, k.Name, k.Purpose, len(k.Fields), communitiesLabel(k.Communities)))
	return k, secret, nil
}

// communitiesLabel says which communities a key reads, for the audit log.
func communitiesLabel(cs []string) string {
	if cs == nil {
		return "全街道"
	}
	if len(cs) == 0 {
		return "无社区"
	}
	return strings.Join(cs, "、")
}

func (s *Service) auditKey(ctx context.Context, u core.User, k core.APIKey, detail string) {
	if s.Audit == nil {
		return
	}
	e := core.AuditEntry{At: s.now(), Actor: u.Username, Role: u.Role, Action: core.AuditAPIKey, Field: k.Purpose, Detail: detail}
	_ = s.Audit.AddAudit(ctx, e.Clean())
}

// APIKeys lists the keys (administrators only), newest first.
func (s *Service) APIKeys(ctx context.Context, u core.User) ([]core.APIKey, error) {
	if err := keyAdmin(u); err != nil {
		return nil, err
	}
	ks, err := s.apiKeyStore()
	if err != nil {
		return nil, err
	}
	return ks.APIKeys(ctx)
}

// RevokeAPIKey revokes a key (administrators only): from now on it is
// refused. Revoking a revoked key changes nothing.
func (s *Service) RevokeAPIKey(ctx context.Context, u core.User, id int64) error {
	if err := keyAdmin(u); err != nil {
		return err
	}
	ks, err := s.apiKeyStore()
	if err != nil {
		return err
	}
	keys, err := ks.APIKeys(ctx)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(keys, func(k core.APIKey) bool { return k.ID == id })
	if i < 0 {
		return core.Errorf(core.ENOTFOUND, "接口密钥 #%d 不存在", id)
	}
	if keys[i].Revoked() {
		return nil
	}
	if err := ks.RevokeAPIKey(ctx, id, s.now()); err != nil {
		return err
	}
	s.auditKey(ctx, u, keys[i], fmt.Sprintf("停用密钥 #%d（%s，%s）", id, keys[i].Name, keys[i].Purpose))
	return nil
}

// APIClient returns the key of secret if it is in force and issued for
// purpose; ErrBadAPIKey (EUNAUTHORIZED) for an unknown, revoked or
// other-purpose key alike. The key is looked up by the secret's sha256.
func (s *Service) APIClient(ctx context.Context, secret, purpose string) (core.APIKey, error) {
	if len(secret) != secretLen || !strings.HasPrefix(secret, SecretPrefix) {
		return core.APIKey{}, ErrBadAPIKey
	}
	ks, err := s.apiKeyStore()
	if err != nil {
		return core.APIKey{}, err
	}
	k, err := ks.APIKeyByHash(ctx, HashAPISecret(secret))
	switch {
	case core.ErrorCode(err) == core.ENOTFOUND:
		return core.APIKey{}, ErrBadAPIKey
	case err != nil:
		return core.APIKey{}, err
	case k.Revoked() || k.Purpose != purpose:
		return core.APIKey{}, ErrBadAPIKey
	}
	return k, nil
}

// LogAPIUse writes a request made with key k to the usage log.
func (s *Service) LogAPIUse(ctx context.Context, u core.APIUse) error {
	ks, err := s.apiKeyStore()
	if err != nil {
		return err
	}
	if u.At.IsZero() {
		u.At = s.now()
	}
	return ks.LogAPIUse(ctx, u)
}
