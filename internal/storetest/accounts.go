package storetest

import (
	"context"
	"testing"
	"time"

	"jiceng/internal/core"
)

// Accounts: listing and updating users, and the sessions a change of
// password or a disable ends.

// sameUser compares two users with their times as instants.
func sameUser(t *testing.T, what string, got, want core.User) {
	t.Helper()
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.PasswordChangedAt.Equal(want.PasswordChangedAt) {
		t.Errorf("%s: created %v, password changed %v; want %v, %v", what, got.CreatedAt, got.PasswordChangedAt,
			want.CreatedAt, want.PasswordChangedAt)
	}
	got.CreatedAt, got.PasswordChangedAt, want.CreatedAt, want.PasswordChangedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if got != want {
		t.Errorf("%s: got %+v, want %+v", what, got, want)
	}
}

func testUsersList(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	us, err := s.Users(ctx)
	if err != nil || len(us) != 0 {
		t.Fatalf("empty store: %d users, %v", len(us), err)
	}
	var made []core.User
	for i, name := range []string{"wang", "admin", "li-si", "zhao"} {
		u := core.User{Username: name, Name: "用户" + name, Role: core.RoleStaff, Unit: "", PasswordHash: "$argon2id$" + name,
			Disabled: i == 2}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		if !u.PasswordChangedAt.Equal(u.CreatedAt) {
			t.Errorf("CreateUser: password changed %v, created %v", u.PasswordChangedAt, u.CreatedAt)
		}
		made = append(made, u)
		c.Advance(time.Minute)
	}
	us, err = s.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// By username (lower case: the databases' collations agree on it).
	order := []int{1, 2, 0, 3}
	if len(us) != len(order) {
		t.Fatalf("got %d users, want %d", len(us), len(order))
	}
	for i, j := range order {
		sameUser(t, "Users()["+us[i].Username+"]", us[i], made[j])
	}
}

func testUpdateUser(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	u := core.User{Username: "chen", Name: "陈一", Role: core.RoleHandler, Unit: "城管办", PasswordHash: "$argon2id$old"}
	if err := s.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	created := u.CreatedAt
	tests := []struct {
		name   string
		change func(u *core.User)
		// passwordChanged: the update sets a new hash.
		passwordChanged bool
	}{
		{"name role and unit", func(u *core.User) { u.Name, u.Role, u.Unit = "陈二", core.RoleCommunity, "望春园社区" }, false},
		{"disable", func(u *core.User) { u.Disabled = true }, false},
		{"enable", func(u *core.User) { u.Disabled = false }, false},
		{"new password", func(u *core.User) { u.PasswordHash = "$argon2id$new" }, true},
		{"back to staff without unit", func(u *core.User) { u.Role, u.Unit = core.RoleStaff, "" }, false},
	}
	want := u
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.Advance(time.Hour)
			tt.change(&want)
			if tt.passwordChanged {
				want.PasswordChangedAt = c.Now()
			}
			if err := s.UpdateUser(ctx, want); err != nil {
				t.Fatal(err)
			}
			got, err := s.User(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			sameUser(t, "after the update", got, want)
			if !got.CreatedAt.Equal(created) {
				t.Errorf("created changed to %v", got.CreatedAt)
			}
		})
	}
	// Only the user's own row changes; the username is not updated.
	other := core.User{Username: "zhou", Role: core.RoleLeader}
	if err := s.CreateUser(ctx, &other); err != nil {
		t.Fatal(err)
	}
	renamed := want
	renamed.Username = "zhou"
	if err := s.UpdateUser(ctx, renamed); err != nil {
		t.Fatal(err)
	}
	if got, err := s.User(ctx, u.ID); err != nil || got.Username != "chen" {
		t.Errorf("username after UpdateUser: %q, %v; want chen", got.Username, err)
	}
	if got, err := s.UserByUsername(ctx, "zhou"); err != nil || got.ID != other.ID || got.Role != core.RoleLeader {
		t.Errorf("other user after UpdateUser: %+v, %v", got, err)
	}
	wantCode(t, s.UpdateUser(ctx, core.User{ID: 424242, Username: "nobody", Role: core.RoleStaff}), core.ENOTFOUND)
}

// testSessionsEnd: a new password and a disable end the user's sessions
// (and only theirs); a disabled user's session is never returned; signing
// out everywhere ends every session of the user.
func testSessionsEnd(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	newUser := func(name string) core.User {
		u := core.User{Username: name, Role: core.RoleStaff, PasswordHash: "$argon2id$" + name}
		if err := s.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	signIn := func(u core.User, token string) {
		t.Helper()
		if err := s.CreateSession(ctx, core.Session{Token: token, UserID: u.ID, ExpiresAt: c.Now().Add(12 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	signedIn := func(token string) bool {
		t.Helper()
		_, err := s.SessionUser(ctx, token)
		if err != nil && core.ErrorCode(err) != core.ENOTFOUND {
			t.Fatal(err)
		}
		return err == nil
	}
	bystander := newUser("bystander")
	signIn(bystander, "bystander-1")

	tests := []struct {
		name   string
		change func(u *core.User) error
		ends   bool // the user's sessions end
	}{
		{"new name keeps sessions", func(u *core.User) error { u.Name = "新名字"; return s.UpdateUser(ctx, *u) }, false},
		{"new role keeps sessions", func(u *core.User) error { u.Role = core.RoleLeader; return s.UpdateUser(ctx, *u) }, false},
		{"same hash keeps sessions", func(u *core.User) error { return s.UpdateUser(ctx, *u) }, false},
		{"new password ends sessions", func(u *core.User) error { u.PasswordHash += "-new"; return s.UpdateUser(ctx, *u) }, true},
		{"disable ends sessions", func(u *core.User) error { u.Disabled = true; return s.UpdateUser(ctx, *u) }, true},
		{"sign out everywhere", func(u *core.User) error { return s.DeleteUserSessions(ctx, u.ID) }, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newUser("user" + string(rune('a'+i)))
			signIn(u, u.Username+"-1")
			signIn(u, u.Username+"-2")
			if err := tt.change(&u); err != nil {
				t.Fatal(err)
			}
			for _, tok := range []string{u.Username + "-1", u.Username + "-2"} {
				if got := signedIn(tok); got == tt.ends {
					t.Errorf("session %s: signed in %v, want %v", tok, got, !tt.ends)
				}
			}
			if !signedIn("bystander-1") {
				t.Error("another user's session ended")
			}
		})
	}
	if err := s.DeleteUserSessions(ctx, 424242); err != nil {
		t.Errorf("sign out everywhere of an unknown user: %v", err)
	}

	// A disabled user's session that exists (stored before the disable by
	// a store that did not end it) is not returned either; enabling the
	// user does not bring ended sessions back.
	u := newUser("returning")
	signIn(u, "returning-1")
	u.Disabled = true
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	signIn(u, "returning-2") // a session created while disabled
	if signedIn("returning-2") {
		t.Error("SessionUser returned a disabled user")
	}
	u.Disabled = false
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if signedIn("returning-1") {
		t.Error("enabling brought back a session ended by the disable")
	}
	if !signedIn("returning-2") {
		t.Error("a session that was never ended does not work after enabling")
	}
	got, err := s.SessionUser(ctx, "returning-2")
	if err != nil || got.ID != u.ID || got.Disabled {
		t.Errorf("SessionUser = %+v, %v", got, err)
	}
}
