package core

import (
	"context"
	"time"
)

// Roles (角色). What a role may see and do is decided by the masking
// dictionary and the web layer; core only names them.
const (
	RoleAdmin     = "admin"     // 数据管理员
	RoleLeader    = "leader"    // 街道领导
	RoleStaff     = "staff"     // 街道工作人员 (接诉即办)
	RoleCommunity = "community" // 社区工作者
	RoleHandler   = "handler"   // 部门承办人
	RoleResident  = "resident"  // 居民
)

// RoleLabels gives each role's Chinese name.
var RoleLabels = map[string]string{
	RoleAdmin:     "数据管理员",
	RoleLeader:    "街道领导",
	RoleStaff:     "街道工作人员",
	RoleCommunity: "社区工作者",
	RoleHandler:   "部门承办人",
	RoleResident:  "居民",
}

// User is a person who signs in.
type User struct {
	ID           int64
	Username     string
	Name         string
	Role         string
	Unit         string // unit code for handlers and community workers
	PasswordHash string // argon2id, encoded
	CreatedAt    time.Time
}

// Session is a signed-in browser session.
type Session struct {
	Token     string // stored hashed by implementations
	UserID    int64
	ExpiresAt time.Time
}

// UserStore stores users and sessions.
type UserStore interface {
	// CreateUser stores u and sets its ID; a taken username is ECONFLICT.
	CreateUser(ctx context.Context, u *User) error
	UserByUsername(ctx context.Context, username string) (User, error)
	User(ctx context.Context, id int64) (User, error)
	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns the user of an unexpired session, or ENOTFOUND.
	SessionUser(ctx context.Context, token string) (User, error)
	DeleteSession(ctx context.Context, token string) error
}

// Store is everything a storage backend provides.
type Store interface {
	TicketStore
	AreaStore
	UserStore
	PredictionStore
	WorkflowStore
	DispatchRuleStore
	AuditStore
	Close() error
}
