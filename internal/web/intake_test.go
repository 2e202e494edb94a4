package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/dispatch"
	"jiceng/internal/fieldset"
	"jiceng/internal/understand"
	"jiceng/internal/workflow"
)

// testPNG and testJPEG are small real images.
func testPNG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, testPicture()); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testJPEG(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, testPicture(), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testPicture() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 8, 6))
	img.Set(2, 2, color.RGBA{180, 20, 20, 255})
	return img
}

// addPhoto attaches a PNG to fixture ticket id, as a form would.
func addPhoto(t testing.TB, f *fixture, id int64) {
	t.Helper()
	data := testPNG(t)
	if err := f.store.AddAttachment(context.Background(), &core.Attachment{TicketID: id, Name: "现场.png", ContentType: "image/png",
		Size: int64(len(data)), SHA256: "test", Data: data, CreatedBy: "staff"}); err != nil {
		t.Fatal(err)
	}
}

// photo is a file part of a ticket form.
type photo struct {
	name, declared string
	data           []byte
}

// intakeForm is the body of a posted ticket form: multipart with the
// photos, or URL-encoded without.
func intakeForm(t testing.TB, fields url.Values, photos []photo) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, p := range photos {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="photos"; filename="%s"`, p.name))
		h.Set("Content-Type", p.declared)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p.data)
	}
	mw.Close()
	return mw.FormDataContentType(), &b
}

func (f *fixture) postIntake(t *testing.T, c *http.Client, fields url.Values, photos []photo) response {
	t.Helper()
	ct, body := intakeForm(t, fields, photos)
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/tickets/new", body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", ct)
	return do(t, c, req)
}

func (f *fixture) csrfOf(t *testing.T, c *http.Client) string { return csrfToken(sessionOf(t, f, c)) }

var ticketPath = regexp.MustCompile(`^/tickets/(\d+)$`)

// TestIntakeForm: the ticket form by role × channel × community (scope):
// who may take in for which community, the channel recorded on the ticket
// and in its create event, and the form kept with the message next to the
// field on a refusal.
func TestIntakeForm(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	areas, _ := f.store.Areas(ctx)
	areas.Grids = []core.Grid{{Code: "G1", Name: "望春园社区第1网格", Community: "QHW01"}, {Code: "G2", Name: "柳荫里社区第1网格", Community: "QHW02"}}
	if err := f.store.ReplaceAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		user      string
		channel   string
		community string
		grid      string
		status    int
		field     string // of a refusal: its message is next to it
		stored    string // the stored ticket's community
	}{
		{"staff takes a 12345 call", "staff", "12345", "柳荫里社区", "", http.StatusSeeOther, "", "柳荫里社区"},
		{"staff, no community yet", "staff", "12345", "", "", http.StatusSeeOther, "", ""},
		{"admin, web form", "admin", "网上表单", "望春园社区", "望春园社区第1网格", http.StatusSeeOther, "", "望春园社区"},
		{"grid worker's patrol report", "cw01", "网格巡查", "望春园社区", "望春园社区第1网格", http.StatusSeeOther, "", "望春园社区"},
		{"community worker: their community by default", "community", "网格巡查", "", "", http.StatusSeeOther, "", "望春园社区"},
		{"community worker at the counter", "cw01", "其他", "", "", http.StatusSeeOther, "", "望春园社区"},
		{"community worker: not another community", "cw01", "网格巡查", "柳荫里社区", "", http.StatusBadRequest, "community", ""},
		{"a grid of another community", "staff", "网格巡查", "望春园社区", "柳荫里社区第1网格", http.StatusBadRequest, "grid", ""},
		{"a grid not in the registry", "staff", "网格巡查", "望春园社区", "第9网格", http.StatusBadRequest, "grid", ""},
		{"a community not in the registry", "staff", "12345", "不存在社区", "", http.StatusBadRequest, "community", ""},
		{"an unknown channel", "staff", "飞鸽传书", "", "", http.StatusBadRequest, "channel", ""},
		{"leader may not", "leader", "12345", "", "", http.StatusForbidden, "", ""},
		{"handler may not", "hd01", "12345", "", "", http.StatusForbidden, "", ""},
		{"resident may not", "resident", "网上表单", "", "", http.StatusForbidden, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := f.login(t, tt.user)
			if g := f.get(t, c, "/tickets/new"); (g.status == http.StatusOK) != (tt.status != http.StatusForbidden) {
				t.Fatalf("GET the form: %d", g.status)
			}
			fields := url.Values{"csrf": {f.csrfOf(t, c)}, "do": {"save"}, "title": {"楼道灯不亮"}, "content": {"3号楼2单元楼道灯不亮一周了"},
				"caller_name": {"钱七"}, "caller_phone": {"13612345678"}, "address": {"望春园一区3号楼"},
				"channel": {tt.channel}, "community": {tt.community}, "grid": {tt.grid}}
			r := f.postIntake(t, c, fields, nil)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.400s", r.status, tt.status, r.body)
			}
			switch tt.status {
			case http.StatusForbidden:
				return
			case http.StatusBadRequest:
				// The message is next to its field, the form keeps what was typed.
				field := regexp.MustCompile(`name="` + tt.field + `"[^>]*class="invalid"[\s\S]*?<span class="field-error" role="alert">[^<]+</span>`)
				if !field.Match(r.body) {
					t.Errorf("no message next to %s: %s", tt.field, r.body)
				}
				for _, typed := range []string{`value="楼道灯不亮"`, ">3号楼2单元楼道灯不亮一周了</textarea>", `value="13612345678"`, `value="望春园一区3号楼"`} {
					if !bytes.Contains(r.body, []byte(typed)) {
						t.Errorf("the form lost %s", typed)
					}
				}
				return
			}
			m := ticketPath.FindStringSubmatch(r.header.Get("Location"))
			if m == nil {
				t.Fatalf("redirect to %q, want the ticket page", r.header.Get("Location"))
			}
			var id int64
			fmt.Sscan(m[1], &id)
			tk, err := f.store.Ticket(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if tk.Status != core.StatusReceived || string(tk.Channel) != tt.channel || tk.Community != tt.stored || tk.Grid != tt.grid ||
				tk.CallerPhone != "13612345678" || !strings.HasPrefix(tk.Number, "JC20250301") {
				t.Errorf("stored %+v", tk)
			}
			ev, err := f.store.TicketEvents(ctx, id)
			if err != nil || len(ev) != 1 || ev[0].Action != core.EventCreate || ev[0].Actor != tt.user || ev[0].Note != "受理渠道："+tt.channel {
				t.Errorf("history %+v (%v), want one create by %s noting %s", ev, err, tt.user, tt.channel)
			}
			page := f.get(t, c, r.header.Get("Location"))
			if page.status != http.StatusOK || !bytes.Contains(page.body, []byte("受理渠道："+tt.channel)) || !bytes.Contains(page.body, []byte(tk.Number)) {
				t.Errorf("ticket page %d lacks the number or the create event's channel", page.status)
			}
		})
	}
}

// TestIntakeFormPickers: the community worker's pickers offer their own
// community (and its grids) only; the desk's, every community.
func TestIntakeFormPickers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	areas, _ := f.store.Areas(ctx)
	areas.Grids = []core.Grid{{Code: "G1", Name: "望春园社区第1网格", Community: "QHW01"}, {Code: "G2", Name: "柳荫里社区第1网格", Community: "QHW02"}}
	f.store.ReplaceAreas(ctx, areas)
	for _, tt := range []struct {
		user        string
		has, hasNot []string
	}{
		{"staff", []string{"<option>望春园社区</option>", "<option>柳荫里社区</option>", "柳荫里社区第1网格", "<option selected>12345</option>", "路灯照明"}, nil},
		{"cw01", []string{"<option selected>望春园社区</option>", "望春园社区第1网格", "<option selected>网格巡查</option>"}, []string{"柳荫里社区"}},
	} {
		r := f.get(t, f.login(t, tt.user), "/tickets/new")
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", tt.user, r.status)
		}
		for _, s := range tt.has {
			if !bytes.Contains(r.body, []byte(s)) {
				t.Errorf("%s: form lacks %q", tt.user, s)
			}
		}
		for _, s := range tt.hasNot {
			if bytes.Contains(r.body, []byte(s)) {
				t.Errorf("%s: form shows %q", tt.user, s)
			}
		}
	}
}

// TestIntakePreview: 预览研判 without JS posts the form and gets it back,
// as typed, with the prediction and the dispatch suggestion; nothing is
// stored.
func TestIntakePreview(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	areas, _ := f.store.Areas(ctx)
	units, _ := f.store.Units(ctx)
	f.server.Understand = understand.New(understand.Options{Areas: areas, Now: fixedClock})
	f.server.Dispatch = &dispatch.Live{}
	f.server.Dispatch.Set(&dispatch.Recommender{Catalogue: dispatch.NewCatalogue(
		[]core.DispatchRule{{Keywords: []string{"噪音"}, Unit: "城市管理办公室"}}, areas, units)})
	c := f.login(t, "staff")
	_, before, _ := f.store.Tickets(ctx, core.TicketFilter{Limit: 1})
	r := f.postIntake(t, c, url.Values{"csrf": {f.csrfOf(t, c)}, "do": {"preview"}, "channel": {"12345"},
		"content": {"望春园社区工地夜里施工噪音扰民，非常紧急，老人心脏病犯了"}}, []photo{{"a.png", "image/png", testPNG(t)}})
	if r.status != http.StatusOK {
		t.Fatalf("preview: %d %.300s", r.status, r.body)
	}
	for _, s := range []string{"预测分类", "诉求类型", "紧急程度", "建议时限", "地点与单位", "智能分拨建议", "城市管理办公室",
		"工地夜里施工噪音扰民", "预览时已选的 1 张照片未保留"} {
		if !bytes.Contains(r.body, []byte(s)) {
			t.Errorf("preview lacks %q", s)
		}
	}
	if _, after, _ := f.store.Tickets(ctx, core.TicketFilter{Limit: 1}); after != before {
		t.Errorf("a preview stored a ticket: %d, was %d", after, before)
	}
	// Without a model or catalogue the preview says so.
	f.server.Understand, f.server.Dispatch = nil, nil
	r = f.postIntake(t, c, url.Values{"csrf": {f.csrfOf(t, c)}, "do": {"preview"}, "content": {"路灯不亮"}}, nil)
	if !bytes.Contains(r.body, []byte("未配置智能研判")) || !bytes.Contains(r.body, []byte("未配置派单目录")) {
		t.Errorf("preview without model or catalogue: %.300s", r.body)
	}
	// A form without its token is refused.
	if r := f.postIntake(t, c, url.Values{"do": {"save"}, "content": {"路灯不亮"}}, nil); r.status != http.StatusForbidden {
		t.Errorf("without the form token: %d, want 403", r.status)
	}
}

// TestIntakePhotos: photos good and bad on the form; the stored ones are
// served by content type with a safe name, and listed on the ticket page.
func TestIntakePhotos(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	png, jpg := testPNG(t), testJPEG(t)
	html := []byte("<html><script>alert(1)</script></html>")
	tests := []struct {
		name   string
		photos []photo
		status int
		msg    string
		types  []string
	}{
		{"one photo", []photo{{"楼道.jpg", "image/jpeg", jpg}}, http.StatusSeeOther, "", []string{"image/jpeg"}},
		{"a declared type is not trusted", []photo{{"x.gif", "image/gif", png}}, http.StatusSeeOther, "", []string{"image/png"}},
		{"five photos", []photo{{"1.png", "image/png", png}, {"2.jpg", "image/jpeg", jpg}, {"3.png", "", png}, {"4.png", "image/png", png}, {"5.png", "image/png", png}},
			http.StatusSeeOther, "", []string{"image/png", "image/jpeg", "image/png", "image/png", "image/png"}},
		{"no photo (an empty file input)", []photo{{"", "application/octet-stream", nil}}, http.StatusSeeOther, "", nil},
		{"six photos", []photo{{"1.png", "", png}, {"2.png", "", png}, {"3.png", "", png}, {"4.png", "", png}, {"5.png", "", png}, {"6.png", "", png}},
			http.StatusBadRequest, "最多上传 5 张照片", nil},
		{"html named .jpg", []photo{{"photo.jpg", "image/jpeg", html}}, http.StatusBadRequest, "不是 JPEG、PNG、WebP 或 GIF 图片", nil},
		{"a pdf", []photo{{"scan.pdf", "application/pdf", []byte("%PDF-1.7 ...")}}, http.StatusBadRequest, "不是 JPEG、PNG、WebP 或 GIF 图片", nil},
		{"over 10 MB", []photo{{"big.png", "image/png", append(append([]byte{}, png...), make([]byte, core.MaxAttachmentSize)...)}},
			http.StatusBadRequest, "超过 10 MB", nil},
		{"an empty named file", []photo{{"empty.png", "image/png", nil}}, http.StatusBadRequest, "空文件", nil},
	}
	c := f.login(t, "staff")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, before, _ := f.store.Tickets(ctx, core.TicketFilter{Limit: 1})
			r := f.postIntake(t, c, url.Values{"csrf": {f.csrfOf(t, c)}, "do": {"save"}, "content": {"路灯不亮"}, "channel": {"网格巡查"}}, tt.photos)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if tt.status != http.StatusSeeOther {
				if !regexp.MustCompile(`name="photos"[^>]*class="invalid"[\s\S]*?<span class="field-error" role="alert">[^<]*` + regexp.QuoteMeta(tt.msg)).Match(r.body) {
					t.Errorf("no message %q next to the photos: %s", tt.msg, r.body)
				}
				if _, after, _ := f.store.Tickets(ctx, core.TicketFilter{Limit: 1}); after != before {
					t.Error("a refused form stored a ticket")
				}
				return
			}
			loc := r.header.Get("Location")
			var id int64
			fmt.Sscan(ticketPath.FindStringSubmatch(loc)[1], &id)
			list, err := f.store.Attachments(ctx, id)
			if err != nil || len(list) != len(tt.types) {
				t.Fatalf("%d attachments (%v), want %d", len(list), err, len(tt.types))
			}
			page := f.get(t, c, loc).body
			for i, a := range list {
				if a.ContentType != tt.types[i] {
					t.Errorf("attachment %d: %s, want %s", i+1, a.ContentType, tt.types[i])
				}
				src := fmt.Sprintf("%s/attachments/%d", loc, a.N)
				if !bytes.Contains(page, []byte(`<img src="`+src+`"`)) {
					t.Errorf("ticket page lacks the thumbnail %s", src)
				}
				g := f.get(t, c, src)
				if g.status != http.StatusOK || g.header.Get("Content-Type") != a.ContentType || g.header.Get("X-Content-Type-Options") != "nosniff" ||
					!strings.HasPrefix(g.header.Get("Content-Disposition"), "inline; filename=\"attachment-") {
					t.Errorf("GET %s: %d %v", src, g.status, g.header)
				}
				if want := tt.photos[i].data; !bytes.Equal(g.body, want) {
					t.Errorf("GET %s: %d bytes, want the %d uploaded", src, len(g.body), len(want))
				}
			}
			if g := f.get(t, c, fmt.Sprintf("%s/attachments/%d", loc, len(list)+1)); g.status != http.StatusNotFound {
				t.Errorf("a missing attachment: %d", g.status)
			}
		})
	}
}

// TestIntakeFormBounds: a form beyond its bounds is refused with a
// message, not read whole.
func TestIntakeFormBounds(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "staff")
	token := f.csrfOf(t, c)
	tests := []struct {
		name   string
		ct     string
		body   string
		status int
		msg    string
	}{
		{"a text field over 64 KB", "", strings.Repeat("长", 30000), http.StatusBadRequest, "过长"},
		{"content over 5000 characters", "", strings.Repeat("长", 5001), http.StatusBadRequest, "最多 5000 字"},
		{"a URL-encoded form over 1 MB", "application/x-www-form-urlencoded", "csrf=" + token + "&content=" + strings.Repeat("a", 1<<20), http.StatusRequestEntityTooLarge, "提交的内容过大"},
		{"a broken multipart body", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token + "\r\n--xyz\r\nbroken", http.StatusBadRequest, "表单内容不完整"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req *http.Request
			if tt.ct == "" {
				ct, body := intakeForm(t, url.Values{"csrf": {token}, "do": {"save"}, "content": {tt.body}}, nil)
				req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/tickets/new", body)
				req.Header.Set("Content-Type", ct)
			} else {
				req, _ = http.NewRequest(http.MethodPost, f.srv.URL+"/tickets/new", strings.NewReader(tt.body))
				req.Header.Set("Content-Type", tt.ct)
			}
			r := do(t, c, req)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if !bytes.Contains(r.body, []byte(tt.msg)) {
				t.Errorf("no message %q: %.500s", tt.msg, r.body)
			}
		})
	}
}

// TestIntakeLifeCycle: a ticket taken in flows on like an imported one: 受理,
// in the dispatch desk's queue and task box, dispatched by the workflow.
func TestIntakeLifeCycle(t *testing.T) {
	f := newFixture(t)
	f.server.Workflow = &workflow.Engine{}
	cw := f.login(t, "cw01")
	r := f.postIntake(t, cw, url.Values{"csrf": {f.csrfOf(t, cw)}, "do": {"save"}, "title": {"巡查发现占道经营"},
		"content": {"望春园北门早市占道经营"}, "channel": {"网格巡查"}}, nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d", r.status)
	}
	id := strings.TrimPrefix(r.header.Get("Location"), "/tickets/")
	staff := f.login(t, "staff")
	d := decode[ticketDetailJSON](t, f.get(t, staff, "/api/v1/tickets/"+id))
	if d.Status != core.StatusReceived || d.Channel != "网格巡查" || d.Workflow == nil {
		t.Fatalf("new ticket %+v", d.ticketJSON)
	}
	wb := f.get(t, staff, "/workbench").body
	for _, s := range []string{d.Number, "巡查发现占道经营", "待派单（2）"} {
		if !bytes.Contains(wb, []byte(s)) {
			t.Errorf("the dispatch desk's workbench lacks %q", s)
		}
	}
	if !regexp.MustCompile(`我的待办 <span class="badge">\d+</span>`).Match(wb) {
		t.Error("no task count in the navigation")
	}
	if got := f.postJSON(t, staff, "/api/v1/tickets/"+id+"/transitions", map[string]any{"action": "dispatch", "unit": "城市管理办公室"}); got.status != http.StatusOK {
		t.Fatalf("dispatch the new ticket: %d %s", got.status, got.body)
	}
	if d := decode[ticketDetailJSON](t, f.get(t, staff, "/api/v1/tickets/"+id)); d.Status != core.StatusDispatched || len(d.Events) != 2 ||
		d.Events[0].Actor != "cw01" || d.Events[0].Note != casework.IntakeNote(core.ChannelGrid) {
		t.Errorf("after dispatch: %s, events %+v", d.Status, d.Events)
	}
}

// TestIntakeEscaping: HTML and script typed into every text field are
// shown escaped on the ticket page, the list and the form.
func TestIntakeEscaping(t *testing.T) {
	f := newFixture(t)
	const evil = `<script>alert(1)</script>`
	c := f.login(t, "staff")
	fields := url.Values{"csrf": {f.csrfOf(t, c)}, "do": {"save"}}
	api := map[string]string{}
	for _, k := range []string{"title", "content", "caller_name", "caller_phone", "caller_id", "address"} {
		fields.Set(k, evil+k)
		api[k] = evil + k
	}
	check := func(where string, body []byte) {
		t.Helper()
		if bytes.Contains(body, []byte(evil)) || bytes.Contains(body, []byte("<script>alert")) {
			t.Errorf("%s shows the script unescaped", where)
		}
	}
	r := f.postIntake(t, c, fields, []photo{{evil + ".png", "image/png", testPNG(t)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("save: %d %.300s", r.status, r.body)
	}
	page := f.get(t, c, r.header.Get("Location")).body
	check("the ticket page", page)
	if !bytes.Contains(page, []byte("&lt;script&gt;alert(1)&lt;/script&gt;title")) {
		t.Error("the ticket page lacks the escaped title")
	}
	a := f.postJSON(t, c, "/api/v1/tickets", api)
	if a.status != http.StatusCreated {
		t.Fatalf("API: %d %s", a.status, a.body)
	}
	list := f.get(t, c, "/tickets?channel="+url.QueryEscape("网上表单")).body
	check("the ticket list", list)
	if !bytes.Contains(list, []byte("&lt;script&gt;alert(1)&lt;/script&gt;title")) {
		t.Error("the ticket list lacks the escaped title")
	}
	check("the workbench", f.get(t, c, "/workbench").body)
	// Refused (another community for a community worker): the form comes back with it.
	cw := f.login(t, "cw01")
	bad := url.Values{"csrf": {f.csrfOf(t, cw)}, "do": {"save"}, "community": {"柳荫里社区"}}
	for _, k := range intakeFields {
		if bad.Get(k) == "" {
			bad.Set(k, evil+k)
		}
	}
	bad.Set("community", "柳荫里社区")
	back := f.postIntake(t, cw, bad, nil)
	if back.status != http.StatusBadRequest {
		t.Fatalf("refused form: %d", back.status)
	}
	check("the form shown again", back.body)
	check("the preview", f.postIntake(t, cw, url.Values{"csrf": {f.csrfOf(t, cw)}, "do": {"preview"}, "content": {evil}, "title": {evil}}, nil).body)
	check("the form prefilled by a link", f.get(t, cw, "/tickets/new?title="+url.QueryEscape(evil)).body)
}

// apiCreate posts body to the ticket API with an Idempotency-Key.
func (f *fixture) apiCreate(t *testing.T, c *http.Client, key string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/tickets", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return do(t, c, req)
}

type apiErr struct {
	Error struct{ Code, Message, Field string }
}

// TestIdempotency: the same key and body from the same user answers the
// same ticket (201, the same body, Idempotent-Replayed: true); another
// body is 422; another user's same key is theirs.
func TestIdempotency(t *testing.T) {
	f := newFixture(t)
	staff, admin := f.login(t, "staff"), f.login(t, "admin")
	body := []byte(`{"title": "楼道灯不亮", "content": "3号楼楼道灯不亮"}`)
	first := f.apiCreate(t, staff, "order-123", body)
	if first.status != http.StatusCreated || first.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first: %d %v %s", first.status, first.header, first.body)
	}
	tk := decode[ticketDetailJSON](t, first)
	tests := []struct {
		name     string
		c        *http.Client
		key      string
		body     []byte
		status   int
		replayed bool
		same     bool // the same ticket as the first
		code     string
	}{
		{"same key, same body: replayed", staff, "order-123", body, http.StatusCreated, true, true, ""},
		{"again", staff, "order-123", body, http.StatusCreated, true, true, ""},
		{"same key, another body", staff, "order-123", []byte(`{"title": "楼道灯不亮", "content": "4号楼楼道灯不亮"}`), http.StatusUnprocessableEntity, false, false, "idempotency_key_reused"},
		{"same key, same values spaced otherwise (bodies compare byte for byte)", staff, "order-123", []byte(`{"title":"楼道灯不亮","content":"3号楼楼道灯不亮"}`), http.StatusUnprocessableEntity, false, false, "idempotency_key_reused"},
		{"another user's same key", admin, "order-123", body, http.StatusCreated, false, false, ""},
		{"another key", staff, "order-124", body, http.StatusCreated, false, false, ""},
		{"no key: a new ticket each time", staff, "", body, http.StatusCreated, false, false, ""},
		{"a key over 100 characters", staff, strings.Repeat("k", 101), body, http.StatusBadRequest, false, false, "invalid"},
		{"a key with a non-ASCII character", staff, "订单-1", body, http.StatusBadRequest, false, false, "invalid"},
		{"a refused body frees its key", staff, "order-200", []byte(`{"content": ""}`), http.StatusBadRequest, false, false, "invalid"},
		{"then the corrected body takes it", staff, "order-200", body, http.StatusCreated, false, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.apiCreate(t, tt.c, tt.key, tt.body)
			if r.status != tt.status || (r.header.Get("Idempotent-Replayed") == "true") != tt.replayed {
				t.Fatalf("status %d replayed %q, want %d %v: %s", r.status, r.header.Get("Idempotent-Replayed"), tt.status, tt.replayed, r.body)
			}
			if tt.code != "" {
				e := decode[apiErr](t, r)
				if e.Error.Code != tt.code || e.Error.Message == "" {
					t.Errorf("error %+v, want code %s", e.Error, tt.code)
				}
				if tt.status == http.StatusUnprocessableEntity && e.Error.Field != "Idempotency-Key" {
					t.Errorf("error field %q", e.Error.Field)
				}
				return
			}
			got := decode[ticketDetailJSON](t, r)
			if (got.ID == tk.ID) != tt.same {
				t.Errorf("ticket %d, first %d: same %v", got.ID, tk.ID, tt.same)
			}
			if tt.same && !bytes.Equal(r.body, first.body) {
				t.Errorf("replayed body differs:\n%s\n%s", r.body, first.body)
			}
		})
	}
	// Two users' replays never cross: admin's key answers admin's ticket.
	if r := f.apiCreate(t, admin, "order-123", body); decode[ticketDetailJSON](t, r).ID == tk.ID {
		t.Error("admin's key answered staff's ticket")
	}
}

// TestCreateBodyRefusals: every refusal of the JSON body is precise.
func TestCreateBodyRefusals(t *testing.T) {
	f := newFixture(t)
	c := f.login(t, "staff")
	b64 := base64.StdEncoding.EncodeToString
	png := testPNG(t)
	tests := []struct {
		name   string
		body   string
		status int
		code   string
		field  string
		msg    string // part of the message
	}{
		{"empty", ``, http.StatusBadRequest, "invalid", "", "请求体为空"},
		{"malformed", `{"title": "楼道灯", }`, http.StatusBadRequest, "invalid", "", "第 23 字节附近"},
		{"cut off", `{"title": "楼道灯"`, http.StatusBadRequest, "invalid", "", "意外结束"},
		{"an array", `[{"title": "x"}]`, http.StatusBadRequest, "invalid", "", "而不是数组"},
		{"a string", `"title"`, http.StatusBadRequest, "invalid", "", "而不是字符串"},
		{"trailing data", `{"title": "x"} {"title": "y"}`, http.StatusBadRequest, "invalid", "", "之后还有内容"},
		{"a repeated key", `{"title": "x", "title": "y"}`, http.StatusBadRequest, "invalid", "title", "重复出现"},
		{"unknown fields, all listed", `{"content": "x", "mood": "angry", "colour": "red"}`, http.StatusBadRequest, "invalid", "mood", "未知字段：mood、colour"},
		{"wrong types, all listed", `{"content": 3, "title": ["a"], "address": {"x": 1}, "caller_name": true}`, http.StatusBadRequest, "invalid", "content",
			"content（收到数字）、title（收到数组）、address（收到对象）、caller_name（收到布尔值）"},
		{"null is empty", `{"content": "路灯不亮", "title": null}`, http.StatusCreated, "", "", ""},
		{"invalid UTF-8", "{\"content\": \"\xff\xfe\"}", http.StatusBadRequest, "invalid", "", "UTF-8"},
		{"too long", `{"content": "` + strings.Repeat("长", 5001) + `"}`, http.StatusBadRequest, "invalid", "content", "最多 5000 字"},
		{"attachments: one photo", `{"content": "路灯不亮", "attachments": [{"name": "a.png", "data": "` + b64(png) + `"}]}`, http.StatusCreated, "", "", ""},
		{"attachments: not an array", `{"content": "x", "attachments": {"name": "a.png"}}`, http.StatusBadRequest, "invalid", "attachments", "应为数组"},
		{"attachments: bad base64", `{"content": "x", "attachments": [{"name": "a.png", "data": "%%%"}]}`, http.StatusBadRequest, "invalid", "attachments", "attachments[0].data 不是合法的 base64"},
		{"attachments: an unknown key", `{"content": "x", "attachments": [{"name": "a.png", "data": "", "type": "image/png"}]}`, http.StatusBadRequest, "invalid", "attachments", "attachments[0] 应为"},
		{"attachments: not an image", `{"content": "x", "attachments": [{"name": "a.png", "data": "` + b64([]byte("<svg onload=alert(1)>")) + `"}]}`, http.StatusBadRequest, "invalid", "attachments", "不是 JPEG、PNG、WebP 或 GIF 图片"},
		{"attachments: six", `{"content": "x", "attachments": [` + strings.TrimSuffix(strings.Repeat(`{"name": "a.png", "data": "`+b64(png)+`"},`, 6), ",") + `]}`, http.StatusBadRequest, "invalid", "attachments", "最多 5 个附件"},
		{"over 16 MB", `{"content": "` + strings.Repeat("a", maxCreateBody) + `"}`, http.StatusRequestEntityTooLarge, "too_large", "", "最多 16 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := f.apiCreate(t, c, "", []byte(tt.body))
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if tt.status == http.StatusCreated {
				return
			}
			e := decode[apiErr](t, r)
			if e.Error.Code != tt.code || e.Error.Field != tt.field || !strings.Contains(e.Error.Message, tt.msg) {
				t.Errorf("error %+v, want code %s field %q message with %q", e.Error, tt.code, tt.field, tt.msg)
			}
		})
	}
}

// FuzzParseCreateBody: the body parser never panics, and what it accepts
// is an object of known fields with text values.
func FuzzParseCreateBody(f *testing.F) {
	for _, s := range []string{`{"title": "x", "content": "y"}`, `{"content": null}`, `{"attachments": [{"name": "a", "data": "AAAA"}]}`,
		`[1, 2]`, `{"a": 1}`, `{"title": "x", "title": "y"}`, `{"content": "\u0000"}`, `{`, ``, `{"content": {"a": [[[[]]]]}}`} {
		f.Add([]byte(s))
	}
	fields := fieldset.Tickets()
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := parseCreateBody(body, fields)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || core.ErrorMessage(err) == "" {
				t.Fatalf("refusal %v is not a user message", err)
			}
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		for k := range in.Values {
			if fields.Field(k) == nil {
				t.Fatalf("accepted unknown field %q", k)
			}
		}
		if len(in.Attachments) > core.MaxAttachments {
			t.Fatalf("accepted %d attachments", len(in.Attachments))
		}
	})
}

// TestIdempotencyConcurrent: requests with one key sent at once create one
// ticket; each other answers it replayed, or 409 while the first runs.
func TestIdempotencyConcurrent(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c := f.login(t, "staff")
	_, before, _ := f.store.Tickets(ctx, core.TicketFilter{Limit: 1})
	body := []byte(`{"content": "同一请求重发", "attachments": [{"name": "a.png", "data": "` + base64.StdEncoding.EncodeToString(testPNG(t)) + `"}]}`)
	const n = 8
	out := make(chan response, n)
	for range n {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/tickets", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", "burst-1")
			resp, err := c.Do(req)
			if err != nil {
				out <- response{}
				return
			}
			resp.Body.Close()
			out <- response{status: resp.StatusCode, header: resp.Header}
		}()
	}
	created, replayed, running := 0, 0, 0
	for range n {
		r := <-out
		switch {
		case r.status == http.StatusCreated && r.header.Get("Idempotent-Replayed") == "true":
			replayed++
		case r.status == http.StatusCreated:
			created++
		case r.status == http.StatusConflict:
			running++
		default:
			t.Errorf("status %d", r.status)
		}
	}
	_, after, _ := f.store.Tickets(ctx, core.TicketFilter{Limit: 1})
	if created != 1 || after != before+1 {
		t.Fatalf("%d created (%d stored), %d replayed, %d running: want one ticket", created, after-before, replayed, running)
	}
	list, _, _ := f.store.Tickets(ctx, core.TicketFilter{Keyword: "同一请求重发"})
	if len(list) != 1 {
		t.Fatalf("%d tickets with the text", len(list))
	}
	if as, err := f.store.Attachments(ctx, list[0].ID); err != nil || len(as) != 1 || as[0].ContentType != "image/png" {
		t.Errorf("attachments of the one ticket: %+v %v", as, err)
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name string
		n    int
		want string
	}{
		{"现场 (1).jpg", 1, `inline; filename="attachment-1.jpg"; filename*=UTF-8''%E7%8E%B0%E5%9C%BA%20%281%29.jpg`},
		{"photo=a@b.png", 2, `inline; filename="attachment-2.png"; filename*=UTF-8''photo%3Da%40b.png`},
		{"附件", 3, `inline; filename="attachment-3"; filename*=UTF-8''%E9%99%84%E4%BB%B6`},
	}
	for _, tt := range tests {
		if got := contentDisposition(tt.name, tt.n); got != tt.want {
			t.Errorf("contentDisposition(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}
