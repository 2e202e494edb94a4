package core

import "testing"

func TestCategoryPath(t *testing.T) {
	tests := []struct {
		name   string
		levels []string
		want   string
	}{
		{"three levels", []string{"城乡建设", "住房保障与房地产", "物业服务"}, "城乡建设 / 住房保障与房地产 / 物业服务"},
		{"top level only", []string{"城乡建设", "", ""}, "城乡建设"},
		{"a gap is skipped", []string{"城乡建设", "", "物业服务"}, "城乡建设 / 物业服务"},
		{"none", []string{"", "", ""}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CategoryPath(tt.levels...); got != tt.want {
				t.Errorf("CategoryPath = %q, want %q", got, tt.want)
			}
			tk := Ticket{Category1: tt.levels[0], Category2: tt.levels[1], Category3: tt.levels[2]}
			if got := tk.CategoryPath(); got != tt.want {
				t.Errorf("Ticket.CategoryPath = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestActionLabel(t *testing.T) {
	for a, want := range map[string]string{ActionDispatch: "派单", EventReveal: "查看完整信息", "unknown": "unknown"} {
		if got := ActionLabel(a); got != want {
			t.Errorf("ActionLabel(%q) = %q, want %q", a, got, want)
		}
	}
}

// TestDomainLists: every list names each of its constants once.
func TestDomainLists(t *testing.T) {
	for name, list := range map[string][]string{"Intents": Strings(Intents), "Urgencies": Strings(Urgencies), "Satisfactions": Strings(Satisfactions), "Channels": Strings(Channels), "Statuses": Statuses} {
		seen := map[string]bool{}
		for _, v := range list {
			if v == "" || seen[v] {
				t.Errorf("%s: %q empty or twice", name, v)
			}
			seen[v] = true
		}
	}
	if len(Intents) != 6 || len(Urgencies) != 4 || len(Satisfactions) != 3 {
		t.Errorf("intents %d, urgencies %d, satisfactions %d; want 6, 4, 3", len(Intents), len(Urgencies), len(Satisfactions))
	}
}
