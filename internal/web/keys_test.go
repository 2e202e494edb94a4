package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
)

// secretRE finds an API-key secret on a page.
var secretRE = regexp.MustCompile(`jc_[a-z2-7]{52}`)

// postKeyForm posts a keys form as the client c with its form token.
func postKeyForm(t *testing.T, f *fixture, c *http.Client, path string, form url.Values) response {
	t.Helper()
	return postMatrixForm(t, f, c, path, csrfToken(sessionOf(t, f, c)), form)
}

// TestKeysPage: an administrator issues a share key on /admin/keys; the
// answer shows its secret once (not cached), the secret works for its
// purpose, the list shows the key but never the secret again; revoking
// needs the confirm box and ends the key; the audit log has both.
func TestKeysPage(t *testing.T) {
	f := newFixture(t)
	admin := f.login(t, "admin")
	ctx := context.Background()

	r := f.get(t, admin, "/admin/keys")
	if r.status != http.StatusOK {
		t.Fatalf("GET /admin/keys: %d %.300s", r.status, r.body)
	}
	body := string(r.body)
	for _, want := range []string{"签发密钥", `name="field" value="person.phone"`, `name="field" value="ticket.category1"`, "人口", "工单",
		`name="community" value="望春园社区"`, `name="community" value="柳荫里社区"`, "还没有签发任何接口密钥", `href="/admin/keys"`} {
		if !strings.Contains(body, want) {
			t.Errorf("keys page lacks %q", want)
		}
	}

	r = postKeyForm(t, f, admin, "/admin/keys", url.Values{"name": {"区民政局"}, "purpose": {core.APIKeyShare},
		"field": {"person.name", "person.phone"}, "community": {"望春园社区"}})
	if r.status != http.StatusOK {
		t.Fatalf("issue: %d %.500s", r.status, r.body)
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q, want no-store", cc)
	}
	secrets := secretRE.FindAllString(string(r.body), -1)
	if len(secrets) != 1 {
		t.Fatalf("the answer shows %d secrets, want 1:\n%s", len(secrets), r.body)
	}
	secret := secrets[0]
	for _, want := range []string{"请立即复制，关闭后无法再次查看", "区民政局", "数据共享", "姓名（person.name）", "望春园社区", secret[:8] + "…"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("secret page lacks %q", want)
		}
	}
	k, err := f.server.cases().APIClient(ctx, secret, core.APIKeyShare)
	if err != nil {
		t.Fatalf("the shown secret is no share key: %v", err)
	}
	if k.Name != "区民政局" || strings.Join(k.Fields, ",") != "person.name,person.phone" || strings.Join(k.Communities, ",") != "望春园社区" || k.CreatedBy != "admin" {
		t.Errorf("issued %+v", k)
	}
	if _, err := f.server.cases().APIClient(ctx, secret, core.APIKeyOpen311); err == nil {
		t.Error("a share key is taken as an Open311 key")
	}

	// The list shows the key, never its secret.
	r = f.get(t, admin, "/admin/keys")
	body = string(r.body)
	if strings.Contains(body, secret) || secretRE.MatchString(body) {
		t.Fatal("the list shows a secret again")
	}
	for _, want := range []string{"#" + strconv.FormatInt(k.ID, 10), "区民政局", "数据共享", secret[:8], "望春园社区", "在用", "从未使用", "/admin/keys/" + strconv.FormatInt(k.ID, 10)} {
		if !strings.Contains(body, want) {
			t.Errorf("list lacks %q", want)
		}
	}

	// An Open311 key keeps no share scope; none ticked is the whole street.
	r = postKeyForm(t, f, admin, "/admin/keys", url.Values{"name": {"市民随手拍"}, "purpose": {core.APIKeyOpen311}, "field": {"person.phone"}})
	o311 := secretRE.FindString(string(r.body))
	if r.status != http.StatusOK || o311 == "" {
		t.Fatalf("issue open311: %d %.300s", r.status, r.body)
	}
	if ok, err := f.server.cases().Open311Client(ctx, o311); err != nil || len(ok.Fields) != 0 || ok.Communities != nil {
		t.Errorf("open311 key %+v %v", ok, err)
	}
	r = postKeyForm(t, f, admin, "/admin/keys", url.Values{"name": {"区残联"}, "purpose": {core.APIKeyShare}, "field": {"person.name"}})
	whole, err := f.server.cases().APIClient(ctx, secretRE.FindString(string(r.body)), core.APIKeyShare)
	if err != nil || whole.Communities != nil {
		t.Errorf("no community ticked: %+v %v, want the whole street", whole, err)
	}

	// Revoking asks for the confirm box, then ends the key.
	keyPath := "/admin/keys/" + strconv.FormatInt(k.ID, 10)
	r = postKeyForm(t, f, admin, keyPath+"/revoke", nil)
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "确认停用") {
		t.Fatalf("revoke without confirm: %d %.300s", r.status, r.body)
	}
	if _, err := f.server.cases().APIClient(ctx, secret, core.APIKeyShare); err != nil {
		t.Fatalf("revoked without the confirm box: %v", err)
	}
	r = postKeyForm(t, f, admin, keyPath+"/revoke", url.Values{"confirm": {"yes"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin/keys?done=revoked" {
		t.Fatalf("revoke: %d %q", r.status, r.header.Get("Location"))
	}
	if _, err := f.server.cases().APIClient(ctx, secret, core.APIKeyShare); err == nil {
		t.Fatal("a revoked key still works")
	}
	r = f.get(t, admin, "/admin/keys?done=revoked")
	if !strings.Contains(string(r.body), "已停用该密钥") || !strings.Contains(string(r.body), `<span class="warn">已停用</span>`) {
		t.Errorf("after revoking: %.300s", r.body)
	}
	r = f.get(t, admin, keyPath)
	if r.status != http.StatusOK || strings.Contains(string(r.body), `action="`+keyPath+`/revoke"`) || !strings.Contains(string(r.body), `<span class="warn">已停用</span>`) {
		t.Errorf("revoked key's page: %d, still offers revoking or is not marked", r.status)
	}

	// Both are in the audit log, without the secret.
	entries, _, err := f.store.Audit(ctx, core.AuditFilter{Action: core.AuditAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	var issued, revoked bool
	for _, e := range entries {
		if strings.Contains(e.Detail, secret) || strings.Contains(e.Detail, o311) {
			t.Errorf("audit entry shows a secret: %+v", e)
		}
		issued = issued || e.Actor == "admin" && strings.Contains(e.Detail, "签发密钥 #"+strconv.FormatInt(k.ID, 10))
		revoked = revoked || e.Actor == "admin" && strings.Contains(e.Detail, "停用密钥 #"+strconv.FormatInt(k.ID, 10))
	}
	if !issued || !revoked {
		t.Errorf("audit: issued %v, revoked %v: %+v", issued, revoked, entries)
	}
}

// TestKeysFormRefusals: every refusal shows the form again with a message
// in Chinese and what was sent kept, and issues nothing.
func TestKeysFormRefusals(t *testing.T) {
	f := newFixture(t)
	admin := f.login(t, "admin")
	for _, tc := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no name", url.Values{"purpose": {core.APIKeyShare}, "field": {"person.name"}}, "请填写密钥的使用单位名称"},
		{"blank name", url.Values{"name": {"  "}, "purpose": {core.APIKeyOpen311}}, "请填写密钥的使用单位名称"},
		{"long name", url.Values{"name": {strings.Repeat("局", 101)}, "purpose": {core.APIKeyOpen311}}, "不能超过 100 个字"},
		{"no purpose", url.Values{"name": {"区民政局"}}, "请选择密钥用途"},
		{"bad purpose", url.Values{"name": {"区民政局"}, "purpose": {"admin"}}, "请选择密钥用途"},
		{"no field", url.Values{"name": {"区民政局"}, "purpose": {core.APIKeyShare}}, "请至少选择一个共享字段"},
		{"unknown field", url.Values{"name": {"区民政局"}, "purpose": {core.APIKeyShare}, "field": {"person.salary"}}, "字段“person.salary”不存在"},
		{"unknown community", url.Values{"name": {"区民政局"}, "purpose": {core.APIKeyShare}, "field": {"person.name"}, "community": {"火星社区"}}, "社区“火星社区”不在本街道"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := postKeyForm(t, f, admin, "/admin/keys", tc.form)
			body := string(r.body)
			if r.status != http.StatusBadRequest || !strings.Contains(body, tc.want) || !strings.Contains(body, `id="keys-error"`) {
				t.Fatalf("status %d, want 400 with %q: %.400s", r.status, tc.want, body)
			}
			if secretRE.MatchString(body) {
				t.Error("a refusal shows a secret")
			}
			if n := tc.form.Get("name"); n != "" && len(n) < 50 && !strings.Contains(body, `value="`+n+`"`) {
				t.Errorf("the name %q is not kept", n)
			}
			for _, fld := range tc.form["field"] {
				if strings.Contains(body, `value="`+fld+`"`) && !strings.Contains(body, `value="`+fld+`" checked`) {
					t.Errorf("field %s not kept ticked", fld)
				}
			}
		})
	}
	keys, err := f.server.cases().APIKeys(context.Background(), core.User{Username: "admin", Role: core.RoleAdmin})
	if err != nil || len(keys) != 0 {
		t.Errorf("refusals issued %d keys (%v)", len(keys), err)
	}
	// A form without its token is refused.
	r := postMatrixForm(t, f, admin, "/admin/keys", "wrong", url.Values{"name": {"区民政局"}, "purpose": {core.APIKeyOpen311}})
	if r.status != http.StatusForbidden {
		t.Errorf("without the form token: %d, want 403", r.status)
	}
}

// TestKeyUsesPage: a key's page lists its uses, newest first, at most
// keyUsesShown, and only its own; an unknown key is missing.
func TestKeyUsesPage(t *testing.T) {
	f := newFixture(t)
	admin := f.login(t, "admin")
	ctx := context.Background()
	_, id := open311Key(t, f, "市民随手拍", core.APIKeyOpen311)
	_, other := open311Key(t, f, "区民政局", core.APIKeyShare)
	start := fixedClock()
	for i := range keyUsesShown + 5 {
		u := core.APIUse{KeyID: id, At: start.Add(-time.Duration(i) * time.Minute), Method: "POST", Path: "/open311/v2/requests.xml", Status: 201, Rows: 1}
		if i == 0 {
			u.Path = "/open311/v2/requests/newest.xml"
		}
		if i == keyUsesShown+4 {
			u.Path = "/open311/v2/requests/oldest.xml"
		}
		if err := f.server.cases().LogAPIUse(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.server.cases().LogAPIUse(ctx, core.APIUse{KeyID: other, At: start, Method: "GET", Path: "/api/share/v1/other-key", Status: 200}); err != nil {
		t.Fatal(err)
	}
	r := f.get(t, admin, "/admin/keys/"+strconv.FormatInt(id, 10))
	if r.status != http.StatusOK {
		t.Fatalf("status %d %.300s", r.status, r.body)
	}
	body := string(r.body)
	if n := strings.Count(body, "/open311/v2/requests"); n != keyUsesShown {
		t.Errorf("%d uses shown, want %d", n, keyUsesShown)
	}
	if !strings.Contains(body, "newest.xml") || strings.Contains(body, "oldest.xml") || strings.Contains(body, "other-key") {
		t.Error("not the newest uses of this key only")
	}
	if !strings.Contains(body, "市民随手拍") || !strings.Contains(body, `id="revoke"`) || strings.Contains(body, "从未使用") {
		t.Errorf("key details: %.300s", body)
	}
	for _, missing := range []string{"999", "abc", "0", "-1"} {
		if r := f.get(t, admin, "/admin/keys/"+missing); r.status != http.StatusNotFound {
			t.Errorf("key %s: %d, want 404", missing, r.status)
		}
	}
	if r := postKeyForm(t, f, admin, "/admin/keys/999/revoke", url.Values{"confirm": {"yes"}}); r.status != http.StatusNotFound {
		t.Errorf("revoke unknown: %d, want 404", r.status)
	}
}
