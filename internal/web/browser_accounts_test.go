package web

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAccounts: an administrator creates an account in 用户管理
// with a generated password, the new user signs in with it and changes it
// in 我的账号, and signs in again with the new one.
func TestBrowserAccounts(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := chromium(t)
	f, _ := accountsFixture(t)
	ctx := browser(t, exe)
	// Screenshots of the pages go to $JICENG_SCREENSHOTS when it is set
	// (test artefacts for a person to look at).
	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("JICENG_SCREENSHOTS")
		if dir == "" {
			return
		}
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	signIn := func(username, password string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(f.srv.URL+"/account"),
			chromedp.WaitVisible(`#username`),
			chromedp.SendKeys(`#username`, username),
			chromedp.SendKeys(`#password`, password),
			chromedp.Submit(`#password`),
			chromedp.WaitVisible(`form[action="/account/password"]`),
		); err != nil {
			t.Fatalf("sign in as %s: %v", username, err)
		}
	}

	signIn("admin", testPasswords["admin"])
	if err := chromedp.Do(ctx,
		chromedp.Click(`a[href="/admin/users"]`),
		chromedp.WaitVisible(`table#users`),
	); err != nil {
		t.Fatalf("open 用户管理: %v", err)
	}
	shot("users")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(`form[action="/admin/users"] input[name=username]`, "wu"),
		chromedp.SendKeys(`form[action="/admin/users"] input[name=name]`, "吴九"),
		chromedp.SetValue(`form[action="/admin/users"] select[name=role]`, "handler"),
		chromedp.SetValue(`#unit-new`, "城市管理办公室"),
		chromedp.Submit(`form[action="/admin/users"] input[name=username]`),
		chromedp.WaitVisible(`#new-password`),
	); err != nil {
		t.Fatalf("create an account: %v", err)
	}
	shot("users-created")
	password := strings.TrimSpace(text(`#new-password code.password`))
	if len(password) < 14 {
		t.Fatalf("generated password %q", password)
	}
	if got := text(`table#users`); !strings.Contains(got, "吴九") || !strings.Contains(got, "城市管理办公室") {
		t.Errorf("the new account is not listed with its unit: %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Submit(`form[action="/logout"] button`), chromedp.WaitVisible(`#username`)); err != nil {
		t.Fatalf("sign out: %v", err)
	}

	signIn("wu", password)
	shot("account")
	if got := text(`main`); !strings.Contains(got, "部门承办人") || !strings.Contains(got, "城市管理办公室") {
		t.Errorf("account page: %q", got)
	}
	const mine = "吴九自己的新密码-2025"
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(`input[name=current]`, password),
		chromedp.SendKeys(`input[name=password]`, mine),
		chromedp.SendKeys(`input[name=password2]`, mine),
		chromedp.Submit(`input[name=password2]`),
		chromedp.WaitVisible(`a[href="/login?next=%2Faccount"]`),
	); err != nil {
		t.Fatalf("change the password: %v", err)
	}
	shot("account-password-changed")
	if got := text(`main`); !strings.Contains(got, "请用新密码重新登录") {
		t.Errorf("after the change: %q", got)
	}
	signIn("wu", mine)
}
