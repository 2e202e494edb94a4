// Package browsertest drives a headless Chromium for jiceng's browser tests
// (internal/web, cmd/jiceng): it finds the browser, opens a tab on a site,
// waits on elements rather than on time, and saves a screenshot of each
// page visited as a test artefact (t.ArtifactDir: kept with
// go test -artifacts -outputdir DIR, removed after the test otherwise).
//
// It is for tests only; nothing in the product imports it.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// StepTimeout bounds one step of a test (a navigation, a form sent, a wait
// for an element): generous, for a loaded machine with two cores; a test
// has no time limit of its own beyond go test's.
const StepTimeout = 2 * time.Minute

// Chromium finds the browser: $JICENG_CHROMIUM, or Debian's chromium.
// Without one the test is skipped on a developer's machine and fails under
// CI, where scripts/test.sh installs it.
func Chromium(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("JICENG_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no chromium: scripts/test.sh installs Debian's chromium package")
	}
	t.Skip("no chromium (install Debian's chromium, or set JICENG_CHROMIUM)")
	return ""
}

// Tab is one tab of a headless Chromium on the site at Base.
type Tab struct {
	t   *testing.T
	ctx context.Context // the tab's; each step derives its time limit from it
	// Base is the site's URL, without a trailing slash: paths given to
	// the methods are of this site. Set it before the first page.
	Base string
	// shots numbers the screenshots, so that they sort in the order the
	// pages were visited.
	shots int
	login bool // the sign-in page's screenshot is taken
}

// New starts a headless Chromium for t, with a 1280 × 900 window, and
// returns its tab. It skips t in -short mode and when there is no browser
// (see Chromium), so a test calls it first, before building its site; the
// browser stops when t ends.
func New(t *testing.T) *Tab {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	exe := Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // CI runs as root
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first Run starts the browser; its context must not time out
	// (a time limit on it would stop the whole browser).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &Tab{t: t, ctx: ctx}
}

// run runs the action with a time limit of StepTimeout; the test fails
// with what on error.
func run[T any](b *Tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, StepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	return v
}

// Context is the tab's context, for chromedp calls the helpers do not
// cover; it has no time limit of its own.
func (b *Tab) Context() context.Context { return b.ctx }

// Do runs the actions; the test fails with what on error.
func (b *Tab) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	run(b, what, chromedp.Steps(actions...))
}

// Load runs actions that load a page (a click on a link, a form sent),
// waits until the page has loaded and returns its HTTP status (after
// redirects).
func (b *Tab) Load(what string, actions ...chromedp.Action[chromedp.Void]) int {
	b.t.Helper()
	return int(run(b, what, func(ctx context.Context, _ *chromedp.Target) (*network.Response, error) {
		return chromedp.RunResponse(ctx, actions...)
	}).Status)
}

// Open opens path of the site and returns the HTTP status of the page
// (after redirects).
func (b *Tab) Open(path string) int {
	b.t.Helper()
	return int(run(b, "open "+path, chromedp.NavigateResponse(b.Base+path)).Status)
}

// Visit opens path, checks that it answers 200 and waits for sel.
func (b *Tab) Visit(path, sel string) {
	b.t.Helper()
	if st := b.Open(path); st != 200 {
		b.t.Fatalf("open %s: status %d, want 200; page: %s", path, st, b.Text("main"))
	}
	b.Do("wait for "+sel+" on "+path, chromedp.WaitVisible(sel))
}

// Refused checks that path answers status (403 for a page the user's role
// must not use, 404 for a ticket outside their scope) with the error page,
// takes its screenshot and returns the page's message.
func (b *Tab) Refused(path string, status int, shot string) string {
	b.t.Helper()
	if st := b.Open(path); st != status {
		b.t.Errorf("%s: status %d, want %d", path, st, status)
		return ""
	}
	b.Do("the error page of "+path, chromedp.WaitVisible(`section.error-page`))
	msg := strings.TrimSpace(b.Text(`section.error-page p`))
	if msg == "" {
		b.t.Errorf("%s: the error page says nothing", path)
	}
	b.Shot(shot)
	return msg
}

// Text returns the visible text of the first element matching sel.
func (b *Tab) Text(sel string) string {
	b.t.Helper()
	return run(b, "text of "+sel, chromedp.Text(sel))
}

// Value returns the value of the form field sel.
func (b *Tab) Value(sel string) string {
	b.t.Helper()
	return run(b, "value of "+sel, chromedp.Value(sel))
}

// Eval evaluates the JavaScript expression js, of a string value.
func (b *Tab) Eval(js string) string {
	b.t.Helper()
	return run(b, js, chromedp.Evaluate[string](js))
}

// Until waits until the JavaScript expression js is true in the page,
// evaluated in the page every 50 ms (no round trip per check).
func (b *Tab) Until(what, js string) {
	b.t.Helper()
	run(b, "wait for "+what, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(0)))
}

// SignIn opens path (the sign-in page when signed out), signs in as
// username and waits for sel on the page it lands on.
func (b *Tab) SignIn(path, username, password, sel string) {
	b.t.Helper()
	b.Do("open "+path, chromedp.Navigate(b.Base+path), chromedp.WaitVisible(`#username`))
	if !b.login {
		b.Shot("login")
		b.login = true
	}
	st := b.Load("sign in as "+username,
		chromedp.SendKeys(`#username`, username),
		chromedp.SendKeys(`#password`, password),
		chromedp.Submit(`#password`),
	)
	if st != 200 {
		b.t.Fatalf("sign in as %s: status %d; page: %s", username, st, b.Text("main"))
	}
	b.Do("signed in as "+username, chromedp.WaitVisible(sel))
}

// SignOut signs out with the button of the top bar and waits for the
// sign-in page.
func (b *Tab) SignOut() {
	b.t.Helper()
	b.Load("sign out", chromedp.Click(`form[action="/logout"] button`))
	b.Do("the sign-in page after signing out", chromedp.WaitVisible(`#username`))
}

// Download runs the actions (a click on a download link) and returns the
// file the browser downloaded.
func (b *Tab) Download(what string, actions ...chromedp.Action[chromedp.Void]) []byte {
	b.t.Helper()
	dir := b.t.TempDir()
	return run(b, "download "+what, func(ctx context.Context, _ *chromedp.Target) ([]byte, error) {
		progress := chromedp.Events(ctx, browser.DownloadProgress)
		events := true
		if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: &events,
		}); err != nil {
			return nil, err
		}
		if err := chromedp.Do(ctx, actions...); err != nil {
			return nil, err
		}
		for ev, err := range progress {
			if err != nil {
				return nil, err
			}
			switch ev.State {
			case browser.DownloadProgressStateCompleted:
				return os.ReadFile(filepath.Join(dir, ev.GUID))
			case browser.DownloadProgressStateCanceled:
				return nil, errors.New("the download was cancelled")
			}
		}
		return nil, ctx.Err()
	})
}

var unsafeName = regexp.MustCompile(`[^\p{L}\p{N}._-]+`)

// Shot saves a screenshot of the whole page as NN-name.png in the test's
// artefact directory.
func (b *Tab) Shot(name string) {
	b.t.Helper()
	png := run(b, "screenshot "+name, chromedp.FullScreenshot(100)) // quality 100 is PNG
	b.shots++
	if b.shots == 1 {
		b.t.Logf("screenshots in %s", b.t.ArtifactDir())
	}
	file := filepath.Join(b.t.ArtifactDir(), fmt.Sprintf("%02d-%s.png", b.shots, unsafeName.ReplaceAllString(name, "_")))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// Emulate sets the viewport, e.g. a phone's (390, 844, mobile).
func (b *Tab) Emulate(width, height int64, mobile bool) {
	b.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	b.Do("emulate the viewport", chromedp.EmulateViewport(width, height, opts...))
}
