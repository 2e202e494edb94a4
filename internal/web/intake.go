package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// Intake (受理) beyond files: the ticket form /tickets/new for staff taking
// a call, a grid worker reporting from a patrol and a community worker,
// with photos and a preview of the 智能研判 and the dispatch suggestion;
// the ticket API's idempotency keys and attachments; and the attachments'
// download. Who may take in for which community, and every check of the
// values, is package casework's (Service.TakeIn).

// intakeFields are the text fields of the ticket form, by field-set name.
var intakeFields = []string{"title", "content", "caller_name", "caller_phone", "caller_id", "address",
	"community", "grid", "channel", "intent", "urgency", "category1", "category2", "category3"}

// Bounds of a posted ticket form: the photos and the text fields.
const (
	maxFormFieldBytes = 64 << 10
	maxFormFields     = 40
	maxIntakeForm     = core.MaxAttachments*core.MaxAttachmentSize + 1<<20
	// maxCreateBody bounds a JSON body of POST /api/v1/tickets, base64
	// attachments included (16 MiB: about 12 MB of files).
	maxCreateBody = 16 << 20
	// maxIdempotencyKey is the longest Idempotency-Key.
	maxIdempotencyKey = 100
)

// intakePage is the data of /tickets/new.
type intakePage struct {
	Form   map[string]string
	Errors map[string]string // by form field; "photos" for the files
	Error  string            // a message about the whole form
	// Community is the community a community worker takes in for; the
	// picker offers it alone.
	Community   string
	Communities []string
	Grids       []gridGroup
	Channels    []string
	Intents     []string
	Urgencies   []string
	Category1   []string
	Category2   []string
	Category3   []string
	MaxPhotos   int
	MaxPhotoMB  int
	Preview     *intakePreview
}

// gridGroup is the grids of one community, for the grid picker.
type gridGroup struct {
	Community string
	Grids     []string
}

// intakePreview is the 预览研判 of the text typed: the prediction and the
// dispatch suggestion, made as they would be for the saved ticket.
type intakePreview struct {
	Prediction  *predictionPanel
	Suggestions []suggestionJSON
	HasDispatch bool
	NeedsHuman  bool
	// PhotosDropped counts photos sent with the preview: a page cannot
	// hand chosen files back to the browser, so they are chosen again.
	PhotosDropped int
}

// defaultChannel is the channel the form starts with: a patrol report for
// community workers (网格巡查上报), the 12345 hotline for the desk.
func defaultChannel(role string) string {
	if role == core.RoleCommunity {
		return string(core.ChannelGrid)
	}
	return string(core.ChannelHotline)
}

func (s *Server) handleIntakePage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := s.cases().MayTakeIn(r.Context(), p.User); err != nil {
		s.failPage(w, r, err)
		return
	}
	form := map[string]string{"channel": defaultChannel(p.User.Role)}
	for _, k := range intakeFields {
		// Links may prefill fields (/tickets/new?channel=网格巡查).
		if v := r.URL.Query().Get(k); v != "" && utf8.RuneCountInString(v) <= casework.MaxValueRunes {
			form[k] = v
		}
	}
	page, err := s.intakePage(r, p, form)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "ticket_new", p, page)
}

// intakePage fills the form's pickers from the registry and the taxonomy.
func (s *Server) intakePage(r *http.Request, p principal, form map[string]string) (*intakePage, error) {
	page := &intakePage{Form: form, Errors: map[string]string{}, Channels: core.Strings(core.Channels),
		Intents: core.Strings(core.Intents), Urgencies: core.Strings(core.Urgencies),
		MaxPhotos: core.MaxAttachments, MaxPhotoMB: core.MaxAttachmentSize >> 20}
	ctx := r.Context()
	sc, err := s.cases().Scope(ctx, p.User)
	if err != nil {
		return nil, err
	}
	page.Community = sc.Community
	if page.Community != "" {
		form["community"] = page.Community
	}
	areas, err := s.Store.Areas(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range areas.Communities {
		names[c.Code] = c.Name
		if page.Community == "" || c.Name == page.Community {
			page.Communities = append(page.Communities, c.Name)
		}
	}
	groups := map[string]int{}
	for _, g := range areas.Grids {
		c := names[g.Community]
		if page.Community != "" && c != page.Community {
			continue
		}
		i, ok := groups[c]
		if !ok {
			i = len(page.Grids)
			groups[c] = i
			page.Grids = append(page.Grids, gridGroup{Community: c})
		}
		page.Grids[i].Grids = append(page.Grids[i].Grids, g.Name)
	}
	cats, err := s.Store.Categories(ctx)
	if err != nil {
		return nil, err
	}
	page.Category1, page.Category2, page.Category3 = categoryLevels(cats, form["category1"], form["category2"])
	return page, nil
}

func (s *Server) handleIntakeForm(w http.ResponseWriter, r *http.Request, p principal) {
	svc := s.cases()
	if err := svc.MayTakeIn(r.Context(), p.User); err != nil {
		s.failPage(w, r, err)
		return
	}
	form, files, readErr := readIntakeForm(w, r)
	// A form that could not be read whole is shown again with the reason
	// (no change is made; its token may be in the part not read).
	if err := checkCSRF(r, p); err != nil && readErr == nil {
		s.failPage(w, r, err)
		return
	}
	values := map[string]string{}
	typed := map[string]string{}
	for _, k := range intakeFields {
		v := form.Get(k)
		typed[k] = v
		if strings.TrimSpace(v) != "" {
			values[k] = v
		}
	}
	page, err := s.intakePage(r, p, typed)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if readErr != nil {
		if core.ErrorCode(readErr) != core.EINVALID {
			s.failPage(w, r, readErr)
			return
		}
		s.refuseIntake(w, r, p, page, readErr)
		return
	}
	if form.Get("do") == "preview" {
		page.Preview = s.intakePreview(r, values)
		page.Preview.PhotosDropped = len(files)
		s.render(w, r, http.StatusOK, "ticket_new", p, page)
		return
	}
	t, _, err := svc.TakeIn(r.Context(), p.User, casework.Intake{Values: values, Attachments: files})
	if stored, ok := casework.Stored(err); ok {
		// The ticket stands, a photo could not be stored: say so on it.
		s.Log.Error("attachments of a new ticket", "ticket", stored.ID, "err", err)
		s.renderTicketPage(w, r, p, stored.ID, "工单已受理，但照片保存失败，请稍后重新上传或联系管理员。", http.StatusInternalServerError)
		return
	}
	if err != nil {
		if core.ErrorCode(err) != core.EINVALID {
			s.failPage(w, r, err)
			return
		}
		s.refuseIntake(w, r, p, page, err)
		return
	}
	s.Log.Info("ticket created", "ticket", t.ID, "channel", t.Channel, "user_id", p.User.ID, "attachments", len(files), "via", "form")
	http.Redirect(w, r, fmt.Sprintf("/tickets/%d", t.ID), http.StatusSeeOther)
}

// refuseIntake shows the form again, as typed, with err's message next to
// its field.
func (s *Server) refuseIntake(w http.ResponseWriter, r *http.Request, p principal, page *intakePage, err error) {
	msg := core.ErrorMessage(err)
	var fe *core.FieldError
	field := ""
	if errors.As(err, &fe) {
		field = fe.Field
	}
	switch {
	case field == "attachments" || field == "photos":
		page.Errors["photos"] = msg
	case field != "" && page.hasField(field):
		page.Errors[field] = msg
	default:
		page.Error = msg
	}
	status := http.StatusBadRequest
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		status = http.StatusRequestEntityTooLarge
	}
	s.render(w, r, status, "ticket_new", p, page)
}

func (p *intakePage) hasField(name string) bool {
	for _, k := range intakeFields {
		if k == name {
			return true
		}
	}
	return false
}

// tooLarge is the refusal of a body beyond its bound.
type tooLarge struct {
	err *core.Error
	mb  *http.MaxBytesError
}

func (e *tooLarge) Error() string   { return e.err.Error() }
func (e *tooLarge) Unwrap() []error { return []error{e.err, e.mb} }

// readIntakeForm reads a posted ticket form, bounded: a multipart form
// (with photos) of at most maxIntakeForm bytes, text fields of at most
// maxFormFieldBytes, at most core.MaxAttachments photos of at most
// core.MaxAttachmentSize; or a URL-encoded form of at most 1 MiB. It sets
// r.PostForm, for checkCSRF. An EINVALID error says what was refused; the
// form read so far is returned with it, so that the page keeps it.
func readIntakeForm(w http.ResponseWriter, r *http.Request) (url.Values, []casework.NewAttachment, error) {
	return readPhotoForm(w, r, maxIntakeForm, core.MaxAttachments)
}

// readPhotoForm reads a posted form as readIntakeForm says, of at most
// maxBytes and maxPhotos photos (the portal takes fewer).
func readPhotoForm(w http.ResponseWriter, r *http.Request, maxBytes int64, maxPhotos int) (url.Values, []casework.NewAttachment, error) {
	form := url.Values{}
	r.PostForm = form
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		r.PostForm = nil
		if err := r.ParseForm(); err != nil {
			return url.Values{}, nil, bodyError(err, 1<<20)
		}
		return r.PostForm, nil, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return form, nil, core.Errorf(core.EINVALID, "表单格式不正确，请刷新页面后重试")
	}
	var files []casework.NewAttachment
	fields := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return form, files, nil
		}
		if err != nil {
			return form, files, bodyError(err, maxBytes)
		}
		name := part.FormName()
		if name == "photos" {
			data, err := io.ReadAll(io.LimitReader(part, core.MaxAttachmentSize+1))
			if err != nil {
				return form, files, bodyError(err, maxBytes)
			}
			if part.FileName() == "" && len(data) == 0 {
				continue // the empty file input of a form without photos
			}
			if len(data) > core.MaxAttachmentSize {
				return form, files, core.InvalidField("photos", "第 %d 张照片超过 %d MB", len(files)+1, core.MaxAttachmentSize>>20)
			}
			if len(files) == maxPhotos {
				return form, files, core.InvalidField("photos", "最多上传 %d 张照片", maxPhotos)
			}
			files = append(files, casework.NewAttachment{Name: part.FileName(), Data: data})
			continue
		}
		if fields++; fields > maxFormFields {
			return form, files, core.Errorf(core.EINVALID, "表单字段过多")
		}
		data, err := io.ReadAll(io.LimitReader(part, maxFormFieldBytes+1))
		if err != nil {
			return form, files, bodyError(err, maxBytes)
		}
		if len(data) > maxFormFieldBytes {
			return form, files, core.InvalidField(name, "填写的内容过长")
		}
		form.Add(name, string(data))
	}
}

// bodyError is the refusal of a body that could not be read: too large
// (the bound in MB), or cut off or malformed.
func bodyError(err error, limit int64) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return &tooLarge{err: core.Errorf(core.EINVALID, "提交的内容过大：最多 %d MB", limit>>20), mb: mb}
	}
	return core.Errorf(core.EINVALID, "表单内容不完整或格式不正确，请重试")
}

// intakePreview predicts the ticket the values would make, and suggests
// its units, without storing anything.
func (s *Server) intakePreview(r *http.Request, values map[string]string) *intakePreview {
	t, _ := s.Fields.Ticket(values) // refusals are the save's to report
	pv := &intakePreview{}
	if s.Understand != nil {
		pred := s.Understand.Predict(&t)
		pv.Prediction = s.toPredictionPanel(t, pred, true)
	}
	if res, ok := s.suggest(r.Context(), t, core.Workflow{}); ok {
		d := toDispatchJSON(res)
		pv.HasDispatch, pv.Suggestions, pv.NeedsHuman = true, d.Suggestions, d.NeedsHuman
	}
	return pv
}

// attachmentRow is an attachment listed on the ticket page.
type attachmentRow struct {
	N    int
	Name string
	Size string
	Type string
}

// attachmentRows lists ticket id's attachments for the ticket page; a
// failure leaves the list out (the page still shows the ticket).
func (s *Server) attachmentRows(r *http.Request, u core.User, id int64) []attachmentRow {
	as, err := s.cases().Attachments(r.Context(), u, id)
	if err != nil {
		s.Log.Error("list attachments", "ticket", id, "err", err)
		return nil
	}
	out := make([]attachmentRow, 0, len(as))
	for _, a := range as {
		out = append(out, attachmentRow{N: a.N, Name: a.Name, Size: sizeText(a.Size), Type: a.ContentType})
	}
	return out
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d 字节", n)
}

// handleAttachment answers GET /tickets/{id}/attachments/{n}: the file,
// with the type sniffed when it was stored, for users who may see the
// ticket (out of scope answers as missing).
func (s *Server) handleAttachment(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, true)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 {
		n = 0 // no attachment has it: answered as missing, after the scope
	}
	a, err := s.cases().Attachment(r.Context(), p.User, id, n)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Length", strconv.FormatInt(int64(len(a.Data)), 10))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=300")
	h.Set("Content-Disposition", contentDisposition(a.Name, a.N))
	w.WriteHeader(http.StatusOK)
	w.Write(a.Data)
}

// contentDisposition shows a file inline under its safe name: an ASCII
// fallback (附件-N.ext) and the name itself, percent-encoded (RFC 6266).
func contentDisposition(name string, n int) string {
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		ext = name[i:]
	}
	fallback := fmt.Sprintf("attachment-%d%s", n, ext)
	for _, c := range fallback {
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			fallback = fmt.Sprintf("attachment-%d", n)
			break
		}
	}
	return fmt.Sprintf(`inline; filename="%s"; filename*=UTF-8''%s`, fallback, extValue(name))
}

// extValue percent-encodes v as an RFC 8187 ext-value: every byte but the
// attr-chars.
func extValue(v string) string {
	const attr = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attr, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// createBody is a parsed body of POST /api/v1/tickets.
type createBody struct {
	Values      map[string]string
	Attachments []casework.NewAttachment
}

// attachmentJSON is one attachment of the API: its name and its content,
// base64 (standard alphabet, with or without padding).
type attachmentJSON struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

// maxListedNames bounds the names a refusal lists.
const maxListedNames = 10

// parseCreateBody parses a body of POST /api/v1/tickets: one JSON object
// whose keys are field-set names with text values (null is empty), and an
// optional "attachments" array of {"name", "data"} objects. Every refusal
// is a field error that says what and where: malformed JSON (with the
// byte offset), a body that is not one object, a repeated key, unknown
// field names (all listed), values that are not text (all listed), a bad
// attachment. It never quotes a value.
func parseCreateBody(body []byte, fields *fieldset.Set) (createBody, error) {
	out := createBody{Values: map[string]string{}}
	if len(bytes.TrimSpace(body)) == 0 {
		return out, core.Errorf(core.EINVALID, "请求体为空：应为 JSON 对象，如 {\"title\": \"…\", \"content\": \"…\"}")
	}
	if !utf8.Valid(body) {
		return out, core.Errorf(core.EINVALID, "请求体不是合法的 UTF-8 文本")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	syntax := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return core.Errorf(core.EINVALID, "请求体不是合法的 JSON：第 %d 字节附近有误", se.Offset)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return core.Errorf(core.EINVALID, "请求体不是完整的 JSON：在第 %d 字节处意外结束", dec.InputOffset())
		}
		return core.Errorf(core.EINVALID, "请求体不是合法的 JSON：第 %d 字节附近有误", dec.InputOffset())
	}
	tok, err := dec.Token()
	if err != nil {
		return out, syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return out, core.Errorf(core.EINVALID, "请求体应为 JSON 对象（{…}），而不是%s", jsonKind(tok))
	}
	seen := map[string]bool{}
	var unknown, wrong []string
	wrongKinds := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out, syntax(err)
		}
		key := tok.(string) // object keys are strings
		if seen[key] {
			return out, core.InvalidField(clip(key), "字段 %s 重复出现", clip(key))
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return out, syntax(err)
		}
		if key == "attachments" {
			if out.Attachments, err = parseAttachments(raw); err != nil {
				return out, err
			}
			continue
		}
		if fields.Field(key) == nil {
			unknown = append(unknown, clip(key))
			continue
		}
		var v *string
		if err := json.Unmarshal(raw, &v); err != nil {
			wrong = append(wrong, key)
			wrongKinds[key] = rawKind(raw)
			continue
		}
		if v != nil {
			out.Values[key] = *v
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return out, syntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return out, core.Errorf(core.EINVALID, "请求体在 JSON 对象之后还有内容（第 %d 字节起）", dec.InputOffset())
	}
	if len(unknown) > 0 {
		return out, core.InvalidField(unknown[0], "未知字段：%s（字段名见字段集，如 title、content、caller_phone、community）", listNames(unknown))
	}
	if len(wrong) > 0 {
		parts := make([]string, 0, len(wrong))
		for _, k := range wrong {
			parts = append(parts, k+"（收到"+wrongKinds[k]+"）")
		}
		return out, core.InvalidField(wrong[0], "字段值应为文本（JSON 字符串）或 null：%s", listNames(parts))
	}
	return out, nil
}

// parseAttachments parses the "attachments" array of the API.
func parseAttachments(raw json.RawMessage) ([]casework.NewAttachment, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, core.InvalidField("attachments", "attachments 应为数组，收到%s", rawKind(raw))
	}
	if len(list) > core.MaxAttachments {
		return nil, core.InvalidField("attachments", "最多 %d 个附件，收到 %d 个", core.MaxAttachments, len(list))
	}
	out := make([]casework.NewAttachment, 0, len(list))
	for i, item := range list {
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.DisallowUnknownFields()
		var a attachmentJSON
		if err := dec.Decode(&a); err != nil {
			return nil, core.InvalidField("attachments", "attachments[%d] 应为 {\"name\": 文本, \"data\": base64 文本}", i)
		}
		data, err := base64.StdEncoding.DecodeString(a.Data)
		if err != nil {
			data, err = base64.RawStdEncoding.DecodeString(a.Data)
		}
		if err != nil {
			return nil, core.InvalidField("attachments", "attachments[%d].data 不是合法的 base64", i)
		}
		out = append(out, casework.NewAttachment{Name: a.Name, Data: data})
	}
	return out, nil
}

// clip bounds a name the client chose before it is echoed.
func clip(k string) string {
	if r := []rune(k); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return k
}

func listNames(names []string) string {
	if len(names) > maxListedNames {
		return strings.Join(names[:maxListedNames], "、") + fmt.Sprintf(" 等 %d 个", len(names))
	}
	return strings.Join(names, "、")
}

// jsonKind names the kind of a JSON token, in Chinese.
func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "数组"
		}
		return "对象"
	case string:
		return "字符串"
	case float64, json.Number:
		return "数字"
	case bool:
		return "布尔值"
	case nil:
		return " null"
	}
	return "其他值"
}

// rawKind names the kind of a raw JSON value, in Chinese.
func rawKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "空值"
	}
	switch raw[0] {
	case '{':
		return "对象"
	case '[':
		return "数组"
	case '"':
		return "字符串"
	case 't', 'f':
		return "布尔值"
	case 'n':
		return " null"
	}
	return "数字"
}

// idempotencyKey reads the Idempotency-Key header: absent, or 1 to 100
// printable ASCII characters, given once.
func idempotencyKey(r *http.Request) (string, error) {
	vs := r.Header.Values("Idempotency-Key")
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", core.InvalidField("Idempotency-Key", "请求头 Idempotency-Key 只能给出一次")
	}
	k := strings.TrimSpace(vs[0])
	if k == "" || len(k) > maxIdempotencyKey {
		return "", core.InvalidField("Idempotency-Key", "请求头 Idempotency-Key 应为 1 到 %d 个可打印 ASCII 字符", maxIdempotencyKey)
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return "", core.InvalidField("Idempotency-Key", "请求头 Idempotency-Key 应为 1 到 %d 个可打印 ASCII 字符", maxIdempotencyKey)
		}
	}
	return k, nil
}

// handleCreateTicket answers POST /api/v1/tickets: a ticket taken in (受理)
// from a JSON object of text values by field name ({"title": "…",
// "content": "…", "caller_phone": "…"}) with optional base64
// "attachments", parsed and checked by the field set as an import row is
// (casework.Service.TakeIn decides who may and for which community). It
// answers 201 with the ticket as GET would. With an Idempotency-Key, a
// repeat of the same body (byte for byte) by the same user within 48 hours
// answers 201 with the ticket the first request created, as GET shows it
// now, and Idempotent-Replayed: true; another body with the key is 422.
func (s *Server) handleCreateTicket(w http.ResponseWriter, r *http.Request, p principal) {
	key, err := idempotencyKey(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCreateBody))
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		s.Log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "code", "too_large")
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody{Error: errorDetail{Code: "too_large",
			Message: fmt.Sprintf("请求体过大：最多 %d MB（附件较多时请用工单登记页面上传）", maxCreateBody>>20)}})
		return
	}
	if err != nil {
		s.fail(w, r, core.Errorf(core.EINVALID, "请求体读取失败：内容不完整"))
		return
	}
	in, err := parseCreateBody(body, s.Fields)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sum := sha256.Sum256(body)
	t, replayed, err := s.cases().TakeIn(r.Context(), p.User, casework.Intake{Values: in.Values, Attachments: in.Attachments,
		Key: key, BodySHA256: hex.EncodeToString(sum[:])})
	if errors.Is(err, casework.ErrKeyReused) {
		s.Log.Debug("request refused", "method", r.Method, "path", r.URL.Path, "code", "idempotency_key_reused")
		writeJSON(w, http.StatusUnprocessableEntity, errorBody{Error: errorDetail{Code: "idempotency_key_reused",
			Message: core.ErrorMessage(err), Field: "Idempotency-Key"}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	} else {
		s.Log.Info("ticket created", "ticket", t.ID, "channel", t.Channel, "user_id", p.User.ID, "attachments", len(in.Attachments), "via", "api")
	}
	s.writeTicketDetailStatus(w, r, t.ID, p, http.StatusCreated)
}
