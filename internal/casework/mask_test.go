package casework

import (
	"strings"
	"testing"
	"unicode/utf8"

	"jiceng/internal/core"
)

func TestMaskValue(t *testing.T) {
	s := &Service{}
	tests := []struct {
		name, role, field, value, want string
	}{
		{"name", core.RoleLeader, "caller_name", "张三丰", "张**"},
		{"two-character name", core.RoleCommunity, "caller_name", "李四", "李*"},
		{"mobile", core.RoleLeader, "caller_phone", "13812345678", "138****5678"},
		{"id number", core.RoleLeader, "caller_id", "110101199001011234", "110***********1234"},
		{"resident sees no phone", core.RoleResident, "caller_phone", "13812345678", ""},
		{"address generalised for a leader", core.RoleLeader, "address", "海川区望春园一区5号楼2单元301", "海川区望春园一区"},
		{"address: a community worker sees the building", core.RoleCommunity, "address", "柳荫街12号", "柳荫街12号"},
		{"empty stays empty", core.RoleLeader, "caller_name", "", ""},
		{"admin sees all", core.RoleAdmin, "caller_phone", "13812345678", "13812345678"},
		{"staff sees all", core.RoleStaff, "content", "我叫张三，电话13812345678", "我叫张三，电话13812345678"},
		{"content scanned for a leader", core.RoleLeader, "content", "我叫张三，电话13812345678", "我叫张*，电话138****5678"},
		{"raw value kept beside a field is masked like it", core.RoleLeader, "联系电话（原值）", "138-1234-5678", "138****5678"},
		{"public field", core.RoleResident, "community", "望春园社区", "望春园社区"},
		{"unknown role sees nothing personal", "", "caller_name", "张三", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.MaskValue(tt.role, tt.field, tt.value); got != tt.want {
				t.Fatalf("MaskValue(%q, %q, %q) = %q, want %q", tt.role, tt.field, tt.value, got, tt.want)
			}
		})
	}
}

// FuzzMaskValue checks that a masked personal field never reveals more
// than its rule keeps, whatever the input.
func FuzzMaskValue(f *testing.F) {
	for _, v := range []string{"张三", "13812345678", "110101199001011234", "望春园一区5号楼", "", "\xff"} {
		f.Add(v)
	}
	s := &Service{}
	keeps := map[string]int{"caller_name": 1, "caller_phone": 7, "caller_id": 10}
	f.Fuzz(func(t *testing.T, v string) {
		for field, n := range keeps {
			got := s.MaskValue(core.RoleLeader, field, v)
			if shown := utf8.RuneCountInString(strings.ReplaceAll(got, "*", "")); shown > n {
				t.Fatalf("%s: %q shows %d characters, at most %d", field, got, shown, n)
			}
			if got := s.MaskValue(core.RoleResident, field, v); got != "" {
				t.Fatalf("%s: a resident sees %q", field, got)
			}
		}
	})
}
