package web

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
	"jiceng/internal/core"
)

// TestBrowserKeys: an administrator opens 接口密钥 from the top bar,
// issues a share key for one community with two fields ticked, copies the
// secret shown once, finds the key in the list without it, and revokes it
// on the key's page after ticking 确认停用; staff are neither offered
// nor shown the page.
func TestBrowserKeys(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f := newFixture(t)
	b.Base = f.srv.URL
	ctx := context.Background()

	b.SignIn("/account", "admin", testPasswords["admin"], `form[action="/account/password"]`)
	b.Load("open 接口密钥", chromedp.Click(`a[href="/admin/keys"]`))
	b.Do("接口密钥", chromedp.WaitVisible(`form[action="/admin/keys"]`))
	b.Shot("keys")
	b.Do("fill in the key",
		chromedp.SendKeys(`form[action="/admin/keys"] input[name=name]`, "区民政局"),
		chromedp.Click(`input[name=field][value="person.name"]`),
		chromedp.Click(`input[name=field][value="person.phone"]`),
		chromedp.Click(`input[name=community][value="望春园社区"]`),
	)
	if st := b.Load("issue the key", chromedp.Submit(`form[action="/admin/keys"] input[name=name]`)); st != 200 {
		t.Fatalf("issue: status %d: %s", st, b.Text("main"))
	}
	b.Do("the new secret", chromedp.WaitVisible(`#new-secret code.secret`))
	b.Shot("keys-secret")
	secret := strings.TrimSpace(b.Text(`#new-secret code.secret`))
	if !secretRE.MatchString(secret) || !strings.Contains(b.Text(`#new-secret`), "请立即复制，关闭后无法再次查看") {
		t.Fatalf("secret %q: %s", secret, b.Text(`#new-secret`))
	}
	k, err := f.server.cases().APIClient(ctx, secret, core.APIKeyShare)
	if err != nil || strings.Join(k.Fields, ",") != "person.name,person.phone" || strings.Join(k.Communities, ",") != "望春园社区" {
		t.Fatalf("issued %+v %v", k, err)
	}

	b.Load("back to the list", chromedp.Click(`main a[href="/admin/keys"]`))
	b.Do("the list", chromedp.WaitVisible(`table#keys`))
	if got := b.Text(`table#keys`); !strings.Contains(got, "区民政局") || !strings.Contains(got, "在用") || strings.Contains(b.Text(`main`), secret) {
		t.Fatalf("list: %q", got)
	}
	b.Load("open the key", chromedp.Click(`table#keys a[href$="#revoke"]`))
	b.Do("the key's page", chromedp.WaitVisible(`#revoke`))
	b.Do("confirm", chromedp.Click(`#revoke input[name=confirm]`))
	if st := b.Load("revoke", chromedp.Submit(`#revoke input[name=confirm]`)); st != 200 {
		t.Fatalf("revoke: status %d", st)
	}
	b.Do("the list after revoking", chromedp.WaitVisible(`table#keys`))
	b.Shot("keys-revoked")
	if got := b.Text(`main`); !strings.Contains(got, "已停用该密钥") || !strings.Contains(b.Text(`table#keys`), "已停用") {
		t.Errorf("after revoking: %q", got)
	}
	if _, err := f.server.cases().APIClient(ctx, secret, core.APIKeyShare); err == nil {
		t.Error("the revoked key still works")
	}
	b.SignOut()

	b.SignIn("/account", "staff", testPasswords["staff"], `form[action="/account/password"]`)
	if strings.Contains(b.Text(`header`), "接口密钥") {
		t.Error("staff are offered 接口密钥 in the top bar")
	}
	b.Refused("/admin/keys", 403, "keys-staff")
}
