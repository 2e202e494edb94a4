package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"jiceng/internal/browsertest"
)

// TestBrowserAccounts: an administrator creates an account in 用户管理
// with a generated password, the new user signs in with it and changes it
// in 我的账号, and signs in again with the new one.
func TestBrowserAccounts(t *testing.T) {
	b := browsertest.New(t) // first: skipped in -short or without a browser
	f, _ := accountsFixture(t)
	b.Base = f.srv.URL
	const accountPage = `form[action="/account/password"]`

	b.SignIn("/account", "admin", testPasswords["admin"], accountPage)
	b.Load("open 用户管理", chromedp.Click(`a[href="/admin/users"]`))
	b.Do("用户管理", chromedp.WaitVisible(`table#users`))
	b.Shot("users")
	b.Do("fill in the account",
		chromedp.SendKeys(`form[action="/admin/users"] input[name=username]`, "wu"),
		chromedp.SendKeys(`form[action="/admin/users"] input[name=name]`, "吴九"),
		chromedp.SetValue(`form[action="/admin/users"] select[name=role]`, "handler"),
		chromedp.SetValue(`#unit-new`, "城市管理办公室"),
	)
	b.Load("create the account", chromedp.Submit(`form[action="/admin/users"] input[name=username]`))
	b.Do("the new password", chromedp.WaitVisible(`#new-password`))
	b.Shot("users-created")
	password := strings.TrimSpace(b.Text(`#new-password code.password`))
	if len(password) < 14 {
		t.Fatalf("generated password %q", password)
	}
	if got := b.Text(`table#users`); !strings.Contains(got, "吴九") || !strings.Contains(got, "城市管理办公室") {
		t.Errorf("the new account is not listed with its unit: %q", got)
	}
	b.SignOut()

	b.SignIn("/account", "wu", password, accountPage)
	b.Shot("account")
	if got := b.Text(`main`); !strings.Contains(got, "部门承办人") || !strings.Contains(got, "城市管理办公室") {
		t.Errorf("account page: %q", got)
	}
	const mine = "吴九自己的新密码-2025"
	b.Do("fill in the new password",
		chromedp.SendKeys(`input[name=current]`, password),
		chromedp.SendKeys(`input[name=password]`, mine),
		chromedp.SendKeys(`input[name=password2]`, mine),
	)
	b.Load("change the password", chromedp.Submit(`input[name=password2]`))
	b.Do("the page after the change", chromedp.WaitVisible(`a[href="/login?next=%2Faccount"]`))
	b.Shot("account-password-changed")
	if got := b.Text(`main`); !strings.Contains(got, "请用新密码重新登录") {
		t.Errorf("after the change: %q", got)
	}
	b.SignIn("/account", "wu", mine, accountPage)
}
