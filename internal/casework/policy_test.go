package casework

import (
	"context"
	"strings"
	"testing"

	"jiceng/internal/core"
	"jiceng/internal/demo"
	"jiceng/internal/policy"
	"jiceng/internal/search"
)

// demoPolicy returns the demo base's file name.
func demoPolicy(t testing.TB, name string) []byte {
	t.Helper()
	b, ok := demo.Policy(name)
	if !ok {
		t.Fatalf("no demo policy %s", name)
	}
	return b
}

func policyService(t *testing.T) *Service {
	t.Helper()
	s, _, _ := newService(t)
	ix, err := search.OpenMem(search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	s.Policies = NewPolicyBase(ix)
	return s
}

func TestPolicyUploadRoles(t *testing.T) {
	s := policyService(t)
	ctx := context.Background()
	doc := demoPolicy(t, "dibao_2024.md")
	tests := []struct {
		user string
		code string
	}{
		{"admin", ""}, {"staff", ""}, {"leader", core.EFORBIDDEN}, {"cw01", core.EFORBIDDEN},
		{"hd01", core.EFORBIDDEN}, {"resident", core.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			_, err := s.UploadPolicy(ctx, users[tt.user], "dibao_2024.md", doc)
			if core.ErrorCode(err) != tt.code {
				t.Errorf("upload: %v, want %q", err, tt.code)
			}
			_, err = s.PolicyFiles(ctx, users[tt.user])
			if want := tt.code; tt.user == "leader" && core.ErrorCode(err) != "" || tt.user != "leader" && core.ErrorCode(err) != want {
				t.Errorf("list: %v", err)
			}
			if err := s.SetPolicyValidity(ctx, users[tt.user], "dibao_2024", "", ""); core.ErrorCode(err) != tt.code {
				t.Errorf("validity: %v, want %q", err, tt.code)
			}
		})
	}
	if err := s.DeletePolicy(ctx, users["cw01"], "dibao_2024"); core.ErrorCode(err) != core.EFORBIDDEN {
		t.Errorf("community worker deletes: %v", err)
	}
}

func TestPolicyBase(t *testing.T) {
	s := policyService(t)
	ctx := context.Background()
	staff := users["staff"]
	for _, name := range []string{"dibao_2021.md", "dibao_2024.md", "qa.csv", "tingche_2019.md"} {
		info, err := s.UploadPolicy(ctx, staff, name, demoPolicy(t, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(info.Documents) == 0 || info.Documents[0].Passages == 0 {
			t.Fatalf("%s: %+v", name, info)
		}
	}
	// Bad files are refused with the reason, and nothing is stored.
	for _, tt := range []struct{ name, content, want string }{
		{"empty.txt", "", "空文件"},
		{"scan.pdf", "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", ""},
		{"junk.docx", "PK\x03\x04junk", ""},
		{"qa2.csv", "标题,正文\n甲,乙\n", "表头"},
	} {
		_, err := s.UploadPolicy(ctx, staff, tt.name, []byte(tt.content))
		if core.ErrorCode(err) != core.EINVALID || !strings.Contains(core.ErrorMessage(err), tt.want) {
			t.Errorf("%s: %v, want EINVALID with %q", tt.name, err, tt.want)
		}
	}
	files, err := s.PolicyFiles(ctx, users["leader"])
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range files {
		ids = append(ids, f.ID)
	}
	if strings.Join(ids, " ") != "dibao_2021 dibao_2024 qa tingche_2019" {
		t.Fatalf("files %v", ids)
	}

	// The current 低保 standard is the 2024 document's; the 2021 one is
	// superseded by it.
	ask := func(u core.User, q string) PolicyAnswer {
		t.Helper()
		a, err := s.AskPolicy(ctx, u, q, 5)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	for _, tt := range []struct {
		name string
		user core.User
	}{{"resident", users["resident"]}, {"visitor", core.User{}}, {"staff", staff}} {
		t.Run(tt.name, func(t *testing.T) {
			a := ask(tt.user, "低保标准现在每人每月多少钱？")
			if len(a.Hits) == 0 || a.Hits[0].DocID != "dibao_2024" && !strings.HasPrefix(a.Hits[0].DocID, "qa") || !a.Confident || !strings.Contains(a.Text, "1410") {
				t.Fatalf("answer %+v", a.Answered)
			}
			for _, h := range a.Hits {
				if public(tt.user) && h.Validity != policy.Effective {
					t.Errorf("a resident is shown %s (%s)", h.DocID, h.Validity)
				}
			}
		})
	}
	// A question outside the base has no confident answer.
	if a := ask(users["resident"], "火星移民签证怎么办理"); a.Confident {
		t.Errorf("confident about Mars: %+v", a.Answered)
	}
	for _, q := range []string{"", "  ", strings.Repeat("问", MaxQuestionRunes+1)} {
		if _, err := s.AskPolicy(ctx, users["resident"], q, 5); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("question of %d runes: %v", len([]rune(q)), err)
		}
	}

	// Staff mark the 2019 parking rules in force again by mistake, then
	// repealed; a resident never sees them, staff see them ranked down.
	if err := s.SetPolicyValidity(ctx, staff, "tingche_2019", policy.Repealed, ""); err != nil {
		t.Fatal(err)
	}
	for _, h := range ask(users["resident"], "小区里能装地锁吗").Hits {
		if h.DocID == "tingche_2019" {
			t.Errorf("a resident is shown the repealed parking rules")
		}
	}
	if err := s.SetPolicyValidity(ctx, staff, "tingche_2019", "作废", ""); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("unknown validity: %v", err)
	}

	// Deleted: gone from the index at once.
	if err := s.DeletePolicy(ctx, staff, "dibao_2024"); err != nil {
		t.Fatal(err)
	}
	for _, h := range ask(staff, "低保标准每人每月多少钱").Hits {
		if h.DocID == "dibao_2024" {
			t.Fatal("a deleted document is found")
		}
	}
	if err := s.DeletePolicy(ctx, staff, "dibao_2024"); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("deleted twice: %v", err)
	}
}

// TestPolicySync: a second server of the same database sees the files the
// first uploaded and removed, at its next sync.
func TestPolicySync(t *testing.T) {
	s := policyService(t)
	ctx := context.Background()
	if _, err := s.UploadPolicy(ctx, users["staff"], "dibao_2024.md", demoPolicy(t, "dibao_2024.md")); err != nil {
		t.Fatal(err)
	}
	ix, err := search.OpenMem(search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	other := NewPolicyBase(ix)
	ps := s.Store.(core.PolicyStore)
	if err := other.Sync(ctx, ps, s.Clock.Now(), false); err != nil {
		t.Fatal(err)
	}
	if n, _ := other.Index.Count(); n == 0 {
		t.Fatal("the second server indexed nothing")
	}
	if err := s.DeletePolicy(ctx, users["staff"], "dibao_2024"); err != nil {
		t.Fatal(err)
	}
	// Not stale yet: a sync without force keeps the index as it is.
	if err := other.Sync(ctx, ps, s.Clock.Now(), false); err != nil {
		t.Fatal(err)
	}
	if n, _ := other.Index.Count(); n == 0 {
		t.Fatal("a fresh base synced again")
	}
	if err := other.Sync(ctx, ps, s.Clock.Now().Add(PolicySyncEvery), false); err != nil {
		t.Fatal(err)
	}
	if n, _ := other.Index.Count(); n != 0 {
		t.Errorf("%d passages left of a removed file", n)
	}
}

// TestTicketPolicies: the suggestions of a ticket are for those who see it.
func TestTicketPolicies(t *testing.T) {
	s := policyService(t)
	ctx := context.Background()
	if _, err := s.UploadPolicy(ctx, users["staff"], "dibao_2024.md", demoPolicy(t, "dibao_2024.md")); err != nil {
		t.Fatal(err)
	}
	tk := core.Ticket{Number: "GD-P1", Channel: "12345", ReceivedAt: s.Clock.Now(), Community: "望春园社区",
		Title: "咨询低保申请", Content: "我家老人没有收入，想问问低保怎么申请，需要什么材料。", Status: core.StatusReceived}
	if _, err := s.Store.UpsertTickets(ctx, []core.Ticket{tk}, "import"); err != nil {
		t.Fatal(err)
	}
	got, err := s.Store.TicketByNumber(ctx, "GD-P1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		user string
		code string
	}{{"staff", ""}, {"cw01", ""}, {"cw02", core.ENOTFOUND}, {"hd01", core.ENOTFOUND}} {
		a, err := s.TicketPolicies(ctx, users[tt.user], got.ID, 3)
		if core.ErrorCode(err) != tt.code {
			t.Errorf("%s: %v, want %q", tt.user, err, tt.code)
			continue
		}
		if tt.code == "" && (len(a.Hits) == 0 || a.Hits[0].DocID != "dibao_2024") {
			t.Errorf("%s: suggestions %+v", tt.user, a.Hits)
		}
	}
}

func TestPolicyFileID(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"dibao_2024.md", "dibao_2024"},
		{"海川区低保办法（2024）.docx", "海川区低保办法_2024"},
		{"../../etc/passwd", "passwd"},
		{"问答 表.xlsx", "问答_表"},
		{"!!!.txt", "policy-"},
	} {
		if got := PolicyFileID(tt.name); !strings.HasPrefix(got, tt.want) || tt.want != "policy-" && got != tt.want {
			t.Errorf("%q: %q, want %q", tt.name, got, tt.want)
		}
	}
}
