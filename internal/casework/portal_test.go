package casework

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"jiceng/internal/core"
)

func TestParseCode(t *testing.T) {
	const canon = "7K3M9QZRAB2CDEFG"
	tests := []struct {
		name, in, want string // want "" for refused
	}{
		{"canonical", canon, canon},
		{"printed form", "7K3M-9QZR-AB2C-DEFG", canon},
		{"lower case", "7k3m-9qzr-ab2c-defg", canon},
		{"spaces and tabs", " 7K3M 9QZR\tAB2C DEFG ", canon},
		{"full-width", "７Ｋ３Ｍ－９ＱＺＲ－ＡＢ２Ｃ－ＤＥＦＧ", canon},
		{"O read as zero", "O000-0000-0000-0000", "0000000000000000"},
		{"I and L read as one", "IiLl-1111-1111-1111", "1111111111111111"},
		{"empty", "", ""},
		{"too short", "7K3M-9QZR-AB2C-DEF", ""},
		{"too long", canon + "H", ""},
		{"U is not in the alphabet", "UK3M9QZRAB2CDEFG", ""},
		{"punctuation", "7K3M.9QZR.AB2C.DEFG", ""},
		{"chinese", "查询码7K3M9QZRAB2CDEFG", ""},
		{"invalid utf-8", "7K3M9QZRAB2CDEF\xff", ""},
		{"very long", strings.Repeat("-", 10000) + canon, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCode(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("ParseCode(%q) = %q, want refused", tt.in, got)
				}
				if err != ErrNoCode {
					t.Errorf("error %v, want ErrNoCode", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseCode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNewCode(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		c, err := NewCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeLen+3 || c[4] != '-' || c[9] != '-' || c[14] != '-' {
			t.Fatalf("code %q is not XXXX-XXXX-XXXX-XXXX", c)
		}
		p, err := ParseCode(c)
		if err != nil || p != strings.ReplaceAll(c, "-", "") {
			t.Fatalf("ParseCode(%q) = %q, %v", c, p, err)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice", c)
		}
		seen[c] = true
		for _, r := range p {
			counts[r]++
		}
	}
	// Every character of the alphabet is drawn (32 000 draws of 32).
	if len(counts) != len(codeAlphabet) {
		t.Errorf("%d distinct characters drawn, want %d", len(counts), len(codeAlphabet))
	}
	// 16 characters of a 32-letter alphabet: 80 bits, above the 60 asked.
	if bits := CodeLen * 5; bits < 60 {
		t.Errorf("codes carry %d bits", bits)
	}
}

func TestHashCode(t *testing.T) {
	a, err := HashCode("7K3M-9QZR-AB2C-DEFG")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := HashCode("7k3m 9qzr ab2c defg")
	c, _ := HashCode("7K3M-9QZR-AB2C-DEFH")
	if a != b {
		t.Errorf("one code, two hashes: %s, %s", a, b)
	}
	if a == c {
		t.Error("two codes, one hash")
	}
	if len(a) != 64 || strings.Contains(strings.ToUpper(a), "7K3M") {
		t.Errorf("hash %q", a)
	}
	if _, err := HashCode("short"); err != ErrNoCode {
		t.Errorf("hash of a malformed code: %v", err)
	}
}

// portalService is the test street's service with a resident account of
// its own and one of another resident.
func portalService(t *testing.T) *Service {
	s, _, _ := newService(t)
	return s
}

var (
	wei = core.User{ID: 31, Username: "wei", Name: "卫小明", Role: core.RoleResident}
	liu = core.User{ID: 32, Username: "liu", Name: "刘大妈", Role: core.RoleResident}
)

func submission() PortalSubmission {
	return PortalSubmission{Text: "小区门口的路灯坏了三天，晚上很黑", Community: "望春园社区", Address: "望春园一区东门",
		Phone: "138 1234 5678", Contact: core.ContactSMS}
}

func TestPortalSubmitRefused(t *testing.T) {
	s := portalService(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		edit  func(*PortalSubmission)
		code  string
		field string
	}{
		{"no text", func(p *PortalSubmission) { p.Text = "  " }, core.EINVALID, "text"},
		{"text too short", func(p *PortalSubmission) { p.Text = "路灯" }, core.EINVALID, "text"},
		{"text too long", func(p *PortalSubmission) { p.Text = strings.Repeat("路", PortalMaxTextRunes+1) }, core.EINVALID, "text"},
		{"no community", func(p *PortalSubmission) { p.Community = "" }, core.EINVALID, "community"},
		{"unknown community", func(p *PortalSubmission) { p.Community = "不存在社区" }, core.EINVALID, "community"},
		{"address too long", func(p *PortalSubmission) { p.Address = strings.Repeat("号", PortalMaxAddressRunes+1) }, core.EINVALID, "address"},
		{"no contact preference", func(p *PortalSubmission) { p.Contact = "" }, core.EINVALID, "contact"},
		{"unknown contact preference", func(p *PortalSubmission) { p.Contact = "微信" }, core.EINVALID, "contact"},
		{"sms without a phone", func(p *PortalSubmission) { p.Phone = "" }, core.EINVALID, "phone"},
		{"call without a phone", func(p *PortalSubmission) { p.Phone, p.Contact = "", core.ContactCall }, core.EINVALID, "phone"},
		{"malformed phone", func(p *PortalSubmission) { p.Phone = "12ab" }, core.EINVALID, "phone"},
		{"too few digits", func(p *PortalSubmission) { p.Phone = "12345" }, core.EINVALID, "phone"},
		{"too many photos", func(p *PortalSubmission) {
			p.Photos = make([]NewAttachment, PortalMaxPhotos+1)
		}, core.EINVALID, "photos"},
		{"a photo that is no image", func(p *PortalSubmission) {
			p.Photos = []NewAttachment{{Name: "a.jpg", Data: []byte("<html>not an image</html>")}}
		}, core.EINVALID, "attachments"},
		{"a staff account", func(p *PortalSubmission) { p.Resident = users["staff"]; p.Resident.ID = 5 }, core.EFORBIDDEN, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := submission()
			tt.edit(&sub)
			_, before, _ := s.Store.Tickets(ctx, core.TicketFilter{})
			r, err := s.PortalSubmit(ctx, sub)
			if core.ErrorCode(err) != tt.code {
				t.Fatalf("error %v (%s), want %s", err, core.ErrorCode(err), tt.code)
			}
			var fe *core.FieldError
			if tt.field != "" && (!errors.As(err, &fe) || fe.Field != tt.field) {
				t.Errorf("error %v, want one about %s", err, tt.field)
			}
			if r.Code != "" {
				t.Errorf("refused submission got code %q", r.Code)
			}
			if _, after, _ := s.Store.Tickets(ctx, core.TicketFilter{}); after != before {
				t.Errorf("refused submission stored a ticket: %d → %d", before, after)
			}
		})
	}
}

func TestPortalSubmit(t *testing.T) {
	s := portalService(t)
	ctx := context.Background()
	sub := submission()
	sub.Photos = []NewAttachment{{Name: "../../etc/路灯.png", Data: testImage(t, "image/png")}}
	r, err := s.PortalSubmit(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseCode(r.Code); err != nil || r.Code == r.Number || strings.Contains(r.Number, strings.ReplaceAll(r.Code, "-", "")) {
		t.Fatalf("receipt %+v", r)
	}
	tk, err := s.Store.TicketByNumber(ctx, r.Number)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Channel != core.ChannelWebForm || tk.Status != core.StatusReceived || tk.Community != "望春园社区" ||
		tk.CallerPhone != "13812345678" || tk.Address != "望春园一区东门" || !strings.Contains(tk.Content, "路灯坏了") ||
		!strings.Contains(tk.Content, core.ContactSMS) {
		t.Errorf("stored ticket %+v", tk)
	}
	events, _ := s.Store.TicketEvents(ctx, tk.ID)
	if len(events) != 1 || events[0].Actor != PortalActor || events[0].Action != core.EventCreate {
		t.Errorf("history %+v", events)
	}
	atts, _ := s.Store.(core.IntakeStore).Attachments(ctx, tk.ID)
	if len(atts) != 1 || atts[0].ContentType != "image/png" || atts[0].Name != "路灯.png" {
		t.Errorf("attachments %+v", atts)
	}
	// The code is stored hashed only.
	hash, _ := HashCode(r.Code)
	pr, err := s.Store.(core.PortalStore).PortalRequestByCode(ctx, hash)
	if err != nil || pr.TicketID != tk.ID || pr.Resident != "" || pr.Contact != core.ContactSMS {
		t.Errorf("portal request %+v, %v", pr, err)
	}
	if strings.Contains(pr.CodeHash, strings.ReplaceAll(r.Code, "-", "")) {
		t.Error("the stored hash holds the code")
	}
	// A second submission gets another code.
	r2, err := s.PortalSubmit(ctx, submission())
	if err != nil || r2.Code == r.Code || r2.Number == r.Number {
		t.Errorf("second receipt %+v (%v) after %+v", r2, err, r)
	}
}

// resolve dispatches the ticket of number to 望春园社区 and has its
// community worker resolve it with reply.
func resolve(t *testing.T, s *Service, number, reply string) {
	t.Helper()
	ctx := context.Background()
	tk, err := s.Store.TicketByNumber(ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		user string
		tr   core.Transition
	}{
		{"staff", core.Transition{Action: core.ActionDispatch, Unit: "望春园社区"}},
		{"cw01", core.Transition{Action: core.ActionSign}},
		{"cw01", core.Transition{Action: core.ActionContact, Note: "已电话联系卫小明 13812345678"}},
		{"cw01", core.Transition{Action: core.ActionResolve, Reply: reply}},
	}
	for _, st := range steps {
		if _, _, err := s.Transition(ctx, users[st.user], tk.ID, st.tr); err != nil {
			t.Fatalf("%s: %v", st.tr.Action, err)
		}
	}
}

func TestPortalLifeCycle(t *testing.T) {
	s := portalService(t)
	ctx := context.Background()
	sub := submission()
	sub.Text = "我叫卫小明，身份证110101199003074514，楼下路灯坏了，请回电13812345678"
	sub.Resident = wei
	r, err := s.PortalSubmit(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	rating := PortalRating{Resolved: &yes, Satisfaction: core.Satisfied, Comment: "修得很快"}

	st, err := s.PortalTrack(ctx, strings.ToLower(r.Code))
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != core.StatusReceived || st.Words != statusWords[core.StatusReceived] || !st.Steps[0].Done || st.Steps[1].Done || st.CanRate {
		t.Errorf("received: %+v", st)
	}
	if _, err := s.PortalRate(ctx, r.Code, rating); core.ErrorCode(err) != core.EINVALID {
		t.Errorf("rating before 办结: %v, want invalid", err)
	}

	resolve(t, s, r.Number, "已更换路灯。如有问题请联系李师傅13900001111")
	st, err = s.PortalTrack(ctx, r.Code)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != core.StatusResolved || !st.CanRate || st.Reply == "" {
		t.Errorf("resolved: %+v", st)
	}
	for i, label := range []string{"受理", "派单", "办理", "办结"} {
		if st.Steps[i].Label != label || !st.Steps[i].Done || !st.Steps[i].At.Equal(now) {
			t.Errorf("step %d: %+v, want %s done at %v", i, st.Steps[i], label, now)
		}
	}
	// Masked for residents: no one's phone or ID number (the resident's
	// own included), no staff names, units or notes.
	out, _ := json.Marshal(st)
	for _, leak := range []string{"13812345678", "13900001111", "110101199003074514", "cw01", "staff", "已电话联系", "portal"} {
		if strings.Contains(string(out), leak) {
			t.Errorf("status shows %q: %s", leak, out)
		}
	}
	if st.Phone != "" || strings.Contains(st.Text, "居民端提交") {
		t.Errorf("phone %q, text %q", st.Phone, st.Text)
	}

	// Unknown and malformed codes read alike.
	for _, c := range []string{"0000-0000-0000-0000", "nonsense"} {
		if _, err := s.PortalTrack(ctx, c); err != ErrNoCode {
			t.Errorf("track %q: %v, want ErrNoCode", c, err)
		}
		if _, err := s.PortalRate(ctx, c, rating); err != ErrNoCode {
			t.Errorf("rate %q: %v, want ErrNoCode", c, err)
		}
	}
	for _, bad := range []PortalRating{{Resolved: &yes}, {Resolved: &yes, Satisfaction: "很好"}, {Satisfaction: core.Satisfied},
		{Resolved: &yes, Satisfaction: core.Satisfied, Comment: strings.Repeat("好", PortalMaxCommentRunes+1)}} {
		if _, err := s.PortalRate(ctx, r.Code, bad); core.ErrorCode(err) != core.EINVALID {
			t.Errorf("rating %+v: %v, want invalid", bad, err)
		}
	}

	st, err = s.PortalRate(ctx, r.Code, rating)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Rated || st.CanRate || st.Status != core.StatusCallback || !st.Steps[4].Done {
		t.Errorf("rated: %+v", st)
	}
	// The rating is the callback a desk records: status, satisfaction,
	// resolved, in the history; for the resident's account.
	tk, _ := s.Store.TicketByNumber(ctx, r.Number)
	if tk.Satisfaction != core.Satisfied || tk.Resolved == nil || !*tk.Resolved || !tk.CallbackAt.Equal(now) {
		t.Errorf("ticket after rating: %+v", tk)
	}
	events, _ := s.Store.TicketEvents(ctx, tk.ID)
	last := events[len(events)-1]
	if last.Action != core.ActionCallback || last.Actor != "wei" || !strings.Contains(last.Note, "修得很快") {
		t.Errorf("callback event %+v", last)
	}
	if _, err := s.PortalRate(ctx, r.Code, rating); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("second rating: %v, want conflict", err)
	}
}

func TestPortalRateAfterStaffCallback(t *testing.T) {
	s := portalService(t)
	ctx := context.Background()
	r, err := s.PortalSubmit(ctx, submission())
	if err != nil {
		t.Fatal(err)
	}
	resolve(t, s, r.Number, "已修复")
	tk, _ := s.Store.TicketByNumber(ctx, r.Number)
	no := false
	if _, _, err := s.Transition(ctx, users["staff"], tk.ID, core.Transition{Action: core.ActionCallback,
		Resolved: &no, Satisfaction: core.Dissatisfied}); err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := s.PortalRate(ctx, r.Code, PortalRating{Resolved: &yes, Satisfaction: core.Satisfied}); core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("rating after the desk's callback: %v, want conflict", err)
	}
	if tk, _ := s.Store.TicketByNumber(ctx, r.Number); tk.Satisfaction != core.Dissatisfied {
		t.Errorf("the desk's callback was overwritten: %s", tk.Satisfaction)
	}
	st, err := s.PortalTrack(ctx, r.Code)
	if err != nil || st.CanRate || st.Satisfaction != core.Dissatisfied {
		t.Errorf("status %+v, %v", st, err)
	}
}

func TestPortalMine(t *testing.T) {
	s := portalService(t)
	ctx := context.Background()
	mk := func(u core.User, text string) PortalReceipt {
		sub := submission()
		sub.Resident, sub.Text = u, text
		r, err := s.PortalSubmit(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	w1 := mk(wei, "卫小明的第一件诉求：路灯")
	mk(liu, "刘大妈的诉求：楼道堆物")
	mk(core.User{}, "匿名诉求：噪音扰民严重")
	w2 := mk(wei, "卫小明的第二件诉求：井盖")
	mine, err := s.PortalMine(ctx, wei)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range mine {
		got = append(got, m.Number)
	}
	if len(got) != 2 || !(got[0] == w2.Number && got[1] == w1.Number || got[0] == w1.Number && got[1] == w2.Number) {
		t.Errorf("wei's requests %v, want %s and %s", got, w1.Number, w2.Number)
	}
	// The texts are wei's, masked as every resident sees them (the
	// caller's name in the text too).
	for _, m := range mine {
		if !strings.Contains(m.Text, "的第") || strings.Contains(m.Text, "卫小明") {
			t.Errorf("wei sees %q", m.Text)
		}
	}
	// The caller of a signed-in request is the account's name (for the
	// staff), which the resident column masks.
	tk, _ := s.Store.TicketByNumber(ctx, w1.Number)
	if tk.CallerName != "卫小明" {
		t.Errorf("caller %q", tk.CallerName)
	}
	for _, u := range []core.User{users["staff"], users["admin"], {Role: core.RoleResident}} {
		if _, err := s.PortalMine(ctx, u); core.ErrorCode(err) != core.EFORBIDDEN {
			t.Errorf("%s's list: %v, want forbidden", u.Role, err)
		}
	}
}

// FuzzParseCode: a code typed by anyone is refused or canonical, and the
// canonical form parses to itself.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"7K3M-9QZR-AB2C-DEFG", "ｏｏｏｏ-iiii-llll-0000", "", "-", "U", strings.Repeat("A", 17)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			if err != ErrNoCode || c != "" {
				t.Fatalf("ParseCode(%q) = %q, %v", s, c, err)
			}
			return
		}
		if len(c) != CodeLen || strings.Trim(c, codeAlphabet) != "" {
			t.Fatalf("ParseCode(%q) = %q: not canonical", s, c)
		}
		if again, err := ParseCode(c); err != nil || again != c {
			t.Fatalf("ParseCode(%q) = %q, %v", c, again, err)
		}
	})
}
