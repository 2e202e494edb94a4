package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"jiceng/internal/workflow"
)

// TestHomeByRole: after signing in, each role lands on its own work, and a
// resident on the portal's list of the account's own requests.
func TestHomeByRole(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	for _, tt := range []struct{ user, home string }{
		{"staff", "/workbench"}, {"admin", "/workbench"}, {"hd01", "/workbench"}, {"cw01", "/workbench"},
		{"leader", "/rates"}, {"resident", "/portal/mine"},
	} {
		t.Run(tt.user, func(t *testing.T) {
			c := f.client(t)
			resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"username": {tt.user}, "password": {testPasswords[tt.user]}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Fatalf("login goes to %q, want /", loc)
			}
			r := f.get(t, c, "/")
			if r.status != http.StatusSeeOther || r.header.Get("Location") != tt.home {
				t.Fatalf("/ goes to %d %q, want %s", r.status, r.header.Get("Location"), tt.home)
			}
			if page := f.get(t, c, tt.home); page.status != http.StatusOK {
				t.Errorf("%s: status %d", tt.home, page.status)
			}
		})
	}
}

// TestTaskBox: the task box counts what waits for the user's own work, the
// navigation shows the sum, and a step moves the ticket to the next box at
// once, with a confirmation on the ticket page.
func TestTaskBox(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	staff := f.login(t, "staff")
	wb := string(f.get(t, staff, "/workbench").body)
	for _, want := range []string{`<div class="k">待派单</div><div class="v">1</div>`, `<div class="k">待回访</div><div class="v">1</div>`,
		`我的待办 <span class="badge">2</span>`, `class="skip"`} {
		if !strings.Contains(wb, want) {
			t.Errorf("staff workbench lacks %q", want)
		}
	}
	// Dispatch ticket 3 to 城市管理办公室: it leaves staff's box and enters hd01's.
	r := f.postJSON(t, staff, "/api/v1/tickets/3/transitions", map[string]any{"action": "dispatch", "unit": "城市管理办公室"})
	if r.status != http.StatusOK {
		t.Fatalf("dispatch: %d %s", r.status, r.body)
	}
	if wb := string(f.get(t, staff, "/workbench").body); !strings.Contains(wb, `<div class="k">待派单</div><div class="v">0</div>`) {
		t.Errorf("staff's box still counts the dispatched ticket")
	}
	hd01 := f.login(t, "hd01")
	wb = string(f.get(t, hd01, "/workbench").body)
	for _, want := range []string{`<div class="k">待签收</div><div class="v">1</div>`, `<div class="k">办理中</div><div class="v">1</div>`} {
		if !strings.Contains(wb, want) {
			t.Errorf("hd01 workbench lacks %q", want)
		}
	}
	// Signing from the ticket page confirms it.
	page := f.get(t, hd01, "/tickets/3")
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/tickets/3/transition",
		strings.NewReader(url.Values{"csrf": {csrfFromPage(t, page.body)}, "action": {"sign"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := do(t, hd01, req)
	loc := resp.header.Get("Location")
	if resp.status != http.StatusSeeOther || !strings.Contains(loc, "done=sign") {
		t.Fatalf("sign form: %d %q", resp.status, loc)
	}
	if p := f.get(t, hd01, loc); !bytes.Contains(p.body, []byte("已完成「签收」")) {
		t.Errorf("no confirmation after signing")
	}
	if wb := string(f.get(t, hd01, "/workbench").body); !strings.Contains(wb, `<div class="k">待联系</div><div class="v">1</div>`) {
		t.Errorf("the signed ticket is not waiting for contact")
	}
}
