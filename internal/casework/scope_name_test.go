package casework

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

// TestScopeOfCommunityName: a community worker's account may name its
// community (by name or code, as package account stores it) rather than
// the code of the community's unit; a community without a unit of its own
// is scoped all the same.
func TestScopeOfCommunityName(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "jiceng.db"), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	withNoUnit := areas
	withNoUnit.Communities = append(append([]core.Community(nil), areas.Communities...), core.Community{Code: "QHW03", Name: "青石社区"})
	if err := st.ReplaceAreas(ctx, withNoUnit); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceUnits(ctx, units); err != nil {
		t.Fatal(err)
	}
	s := &Service{Store: st}
	tests := []struct {
		name, unit string
		want       Scope
	}{
		{"unit code", "C01", Scope{Unit: "望春园社区", Community: "望春园社区"}},
		{"community name with a unit of that name", "柳荫里社区", Scope{Unit: "柳荫里社区", Community: "柳荫里社区"}},
		{"community code", "QHW02", Scope{Unit: "柳荫里社区", Community: "柳荫里社区"}},
		{"community without a unit", "青石社区", Scope{Unit: "青石社区", Community: "青石社区"}},
		{"unknown: fail closed", "不存在社区", Scope{Unit: "不存在社区"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Scope(ctx, core.User{Role: core.RoleCommunity, Unit: tt.unit})
			if err != nil || got != tt.want {
				t.Fatalf("Scope = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
	// A handler's unit is never read as a community.
	if got, _ := s.Scope(ctx, core.User{Role: core.RoleHandler, Unit: "青石社区"}); got != (Scope{Unit: "青石社区"}) {
		t.Errorf("handler scope = %+v", got)
	}
}
