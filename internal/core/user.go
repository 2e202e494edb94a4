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
	// Disabled accounts cannot sign in and have no sessions.
	Disabled bool
	// PasswordChangedAt is when the password hash was last set (at
	// creation, then by UpdateUser).
	PasswordChangedAt time.Time
}

// Session is a signed-in browser session.
type Session struct {
	Token     string // stored hashed by implementations
	UserID    int64
	ExpiresAt time.Time
	CreatedAt time.Time // zero: the store's clock
}

// UserStore stores users and sessions.
type UserStore interface {
	// CreateUser stores u and sets its ID; a taken username is ECONFLICT.
	CreateUser(ctx context.Context, u *User) error
	UserByUsername(ctx context.Context, username string) (User, error)
	User(ctx context.Context, id int64) (User, error)
	CreateSession(ctx context.Context, s Session) error
	// SessionUser returns the user of an unexpired session, or ENOTFOUND;
	// never a disabled user.
	SessionUser(ctx context.Context, token string) (User, error)
	DeleteSession(ctx context.Context, token string) error
	// Users returns every user, by username.
	Users(ctx context.Context) ([]User, error)
	// UpdateUser stores u's name, role, unit, disabled flag and password
	// hash (by u.ID; an unknown ID is ENOTFOUND). A new password hash sets
	// PasswordChangedAt; a new hash or disabling the user deletes the user's
	// sessions in the same transaction.
	UpdateUser(ctx context.Context, u User) error
	// DeleteUserSessions deletes every session of the user (sign out
	// everywhere); a user without sessions is not an error.
	DeleteUserSessions(ctx context.Context, userID int64) error
}

// Store is everything a storage backend provides.
type Store interface {
	TicketStore
	AreaStore
	UserStore
	PredictionStore
	WorkflowStore
	DispatchRuleStore
	SettingStore
	IntakeStore
	AuditStore
	CountStore
	AlertStore
	RecordStore
	QualityStore
	VisitStore
	LinkStore
	APIKeyStore
	PortalStore
	Close() error
}
