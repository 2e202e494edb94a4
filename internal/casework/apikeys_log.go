package casework

import (
	"context"
	"slices"
	"time"

	"jiceng/internal/core"
)

// APIKeyLog returns the key id and its usage log, newest first, at most
// limit uses (0: all), for administrators only; ENOTFOUND for an unknown
// key. The log holds paths and counts, never a query or a secret.
func (s *Service) APIKeyLog(ctx context.Context, u core.User, id int64, limit int) (core.APIKey, []core.APIUse, error) {
	if err := keyAdmin(u); err != nil {
		return core.APIKey{}, nil, err
	}
	ks, err := s.apiKeyStore()
	if err != nil {
		return core.APIKey{}, nil, err
	}
	keys, err := ks.APIKeys(ctx)
	if err != nil {
		return core.APIKey{}, nil, err
	}
	i := slices.IndexFunc(keys, func(k core.APIKey) bool { return k.ID == id })
	if i < 0 {
		return core.APIKey{}, nil, core.Errorf(core.ENOTFOUND, "接口密钥 #%d 不存在", id)
	}
	uses, err := ks.APIUses(ctx, id, time.Time{}, time.Time{}, limit)
	if err != nil {
		return core.APIKey{}, nil, err
	}
	return keys[i], uses, nil
}
