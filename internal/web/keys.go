package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/fieldset"
)

// API keys (接口密钥): the administrators' page /admin/keys lists the keys
// issued to outside clients (Open311) and departments (数据共享), issues
// one and revokes one; /admin/keys/{key} shows a key's usage log. Who may
// do it and what a share key may read is decided in package casework
// (IssueAPIKey, CheckShareScope); these handlers parse the forms and show
// the answers. A secret is shown once, in the answer to the form that
// issued it (Cache-Control: no-store, as every page), and never again:
// only its hash is stored.

// keyUsesShown is how many uses the page of a key shows, newest first.
const keyUsesShown = 100

// keyPurposeLabels are the purposes as the pages show them.
var keyPurposeLabels = map[string]string{core.APIKeyOpen311: "Open311", core.APIKeyShare: "数据共享"}

// keyNotices are the confirmations shown after a redirect, by the done
// parameter (fixed texts: nothing from the request is echoed).
var keyNotices = map[string]string{
	"revoked": "已停用该密钥：使用它的系统从现在起无法再访问接口。",
}

// keysPage is the data of /admin/keys.
type keysPage struct {
	Rows []keyRow
	// Purposes, FieldGroups and Communities are the issuing form's
	// choices: the share fields by kind and the street's communities.
	Purposes    []roleOption
	FieldGroups []keyFieldGroup
	Communities []keyCommunity
	// Form is the issuing form as last sent (kept after a refusal).
	Form   url.Values
	Error  string
	Notice string
}

type keyFieldGroup struct {
	Kind, Label string
	Fields      []keyField
}

type keyField struct {
	Name, Label, Sensitivity string
	Checked                  bool
}

type keyCommunity struct {
	Name    string
	Checked bool
}

type keyRow struct {
	ID                         int64
	Name, Purpose, PurposeText string
	Prefix                     string
	Fields                     []string // as shown: 姓名（person.name）
	Communities                string
	CreatedBy, Created         string
	LastUsed, Revoked          string
	InForce                    bool
}

// keySecretPage is the data of the page that shows a new key's secret.
type keySecretPage struct {
	Key    keyRow
	Secret string
}

// keyUsesPage is the data of /admin/keys/{key}.
type keyUsesPage struct {
	Key   keyRow
	Uses  []keyUseRow
	Shown int // the most uses shown
	Error string
}

type keyUseRow struct {
	At, Method, Path string
	Status, Rows     int
	Ticket           string
}

// shareFieldLabels are the labels of the share fields by name.
func shareFieldLabels(fs []casework.ShareField) map[string]string {
	m := make(map[string]string, len(fs))
	for _, f := range fs {
		m[f.Name] = f.Label
	}
	return m
}

// keyRowOf is a key as the pages show it.
func (s *Server) keyRowOf(k core.APIKey, labels map[string]string) keyRow {
	row := keyRow{ID: k.ID, Name: k.Name, Purpose: k.Purpose, PurposeText: keyPurposeLabels[k.Purpose], Prefix: k.Prefix,
		CreatedBy: k.CreatedBy, Created: s.formatTime(k.CreatedAt), LastUsed: s.formatTime(k.LastUsedAt),
		Revoked: s.formatTime(k.RevokedAt), InForce: !k.Revoked()}
	if row.PurposeText == "" {
		row.PurposeText = k.Purpose
	}
	if row.LastUsed == "" {
		row.LastUsed = "从未使用"
	}
	for _, f := range k.Fields {
		if l := labels[f]; l != "" {
			f = l + "（" + f + "）"
		}
		row.Fields = append(row.Fields, f)
	}
	switch {
	case k.Purpose != core.APIKeyShare:
		row.Communities = "—"
	case k.Communities == nil:
		row.Communities = "全街道"
	case len(k.Communities) == 0:
		row.Communities = "无社区"
	default:
		row.Communities = strings.Join(k.Communities, "、")
	}
	return row
}

func (s *Server) handleKeysPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := requireAdmin(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	page := keysPage{Notice: keyNotices[r.URL.Query().Get("done")]}
	s.renderKeys(w, r, p, page, http.StatusOK)
}

// renderKeys renders the keys page with the keys and the form's choices.
func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, p principal, page keysPage, status int) {
	ctx := r.Context()
	svc := s.cases()
	keys, err := svc.APIKeys(ctx, p.User)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	areas, err := s.Store.Areas(ctx)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if page.Form == nil {
		page.Form = url.Values{"purpose": {core.APIKeyShare}}
	}
	fields := svc.ShareFields()
	labels := shareFieldLabels(fields)
	for _, k := range keys {
		page.Rows = append(page.Rows, s.keyRowOf(k, labels))
	}
	for _, purpose := range core.APIKeyPurposes {
		page.Purposes = append(page.Purposes, roleOption{purpose, keyPurposeLabels[purpose]})
	}
	checked := page.Form["field"]
	for _, f := range fields {
		if n := len(page.FieldGroups); n == 0 || page.FieldGroups[n-1].Kind != f.Kind {
			label := fieldset.KindLabel[f.Kind]
			if f.Kind == casework.ShareTicketKind {
				label = "工单"
			}
			page.FieldGroups = append(page.FieldGroups, keyFieldGroup{Kind: f.Kind, Label: label})
		}
		g := &page.FieldGroups[len(page.FieldGroups)-1]
		g.Fields = append(g.Fields, keyField{Name: f.Name, Label: f.Label, Sensitivity: sensitivityLabels[f.Sensitivity], Checked: slices.Contains(checked, f.Name)})
	}
	for _, c := range areas.Communities {
		page.Communities = append(page.Communities, keyCommunity{c.Name, slices.Contains(page.Form["community"], c.Name)})
	}
	s.render(w, r, status, "keys", p, page)
}

// sensitivityLabels are the sensitivity levels as the form shows them.
var sensitivityLabels = map[string]string{
	fieldset.SensPublic: "公开", fieldset.SensInternal: "内部", fieldset.SensPersonal: "个人信息", fieldset.SensSensitive: "敏感个人信息",
}

// keyForm reads a keys form post after its checks: a bounded body, an
// administrator, a valid form token.
func (s *Server) keyForm(w http.ResponseWriter, r *http.Request, p principal) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := requireAdmin(p); err != nil {
		s.failPage(w, r, err)
		return false
	}
	if err := r.ParseForm(); err != nil {
		s.failPage(w, r, core.Errorf(core.EINVALID, "表单内容过大或格式有误"))
		return false
	}
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return false
	}
	return true
}

// handleIssueKey answers POST /admin/keys: it issues a key and shows its
// secret once; a refusal shows the form again with the reason.
func (s *Server) handleIssueKey(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.keyForm(w, r, p) {
		return
	}
	form := url.Values{"name": {r.PostFormValue("name")}, "purpose": {r.PostFormValue("purpose")},
		"field": r.PostForm["field"], "community": r.PostForm["community"]}
	refuse := func(err error) {
		code := core.ErrorCode(err)
		if code != core.EINVALID && code != core.ECONFLICT {
			s.failPage(w, r, err)
			return
		}
		s.renderKeys(w, r, p, keysPage{Form: form, Error: core.ErrorMessage(err)}, errorStatus(code))
	}
	k := core.APIKey{Name: r.PostFormValue("name"), Purpose: r.PostFormValue("purpose")}
	switch k.Purpose {
	case core.APIKeyShare:
		k.Fields = r.PostForm["field"]
		if cs := r.PostForm["community"]; len(cs) > 0 {
			k.Communities = cs // none ticked: the whole street
		}
	case core.APIKeyOpen311:
	default:
		refuse(core.Errorf(core.EINVALID, "请选择密钥用途：数据共享或 Open311。"))
		return
	}
	if strings.TrimSpace(k.Name) == "" {
		refuse(core.Errorf(core.EINVALID, "请填写密钥的使用单位名称。"))
		return
	}
	svc := s.cases()
	k, secret, err := svc.IssueAPIKey(r.Context(), p.User, k)
	if err != nil {
		refuse(err)
		return
	}
	s.Log.Info("api key issued", "key", k.ID, "purpose", k.Purpose, "by", p.User.ID)
	s.render(w, r, http.StatusOK, "keys_secret", p, keySecretPage{Key: s.keyRowOf(k, shareFieldLabels(svc.ShareFields())), Secret: secret})
}

// keyOf is the key of the {key} path value and its newest uses.
func (s *Server) keyOf(r *http.Request, p principal) (core.APIKey, []core.APIUse, error) {
	id, err := strconv.ParseInt(r.PathValue("key"), 10, 64)
	if err != nil || id <= 0 {
		return core.APIKey{}, nil, core.Errorf(core.ENOTFOUND, "接口密钥不存在")
	}
	return s.cases().APIKeyLog(r.Context(), p.User, id, keyUsesShown)
}

// handleKeyPage answers GET /admin/keys/{key}: the key and its usage log,
// with the revoke form.
func (s *Server) handleKeyPage(w http.ResponseWriter, r *http.Request, p principal) {
	if err := requireAdmin(p); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.renderKey(w, r, p, "", http.StatusOK)
}

func (s *Server) renderKey(w http.ResponseWriter, r *http.Request, p principal, msg string, status int) {
	k, uses, err := s.keyOf(r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := keyUsesPage{Key: s.keyRowOf(k, shareFieldLabels(s.cases().ShareFields())), Shown: keyUsesShown, Error: msg}
	for _, u := range uses {
		page.Uses = append(page.Uses, keyUseRow{At: s.formatTime(u.At), Method: u.Method, Path: u.Path, Status: u.Status, Rows: u.Rows, Ticket: u.Ticket})
	}
	s.render(w, r, status, "keys_uses", p, page)
}

// handleRevokeKey answers POST /admin/keys/{key}/revoke: with the box
// 确认停用 ticked it revokes the key and goes back to the list.
func (s *Server) handleRevokeKey(w http.ResponseWriter, r *http.Request, p principal) {
	if !s.keyForm(w, r, p) {
		return
	}
	k, _, err := s.keyOf(r, p)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		s.renderKey(w, r, p, "请先勾选“确认停用”，再点“停用密钥”。", http.StatusBadRequest)
		return
	}
	if err := s.cases().RevokeAPIKey(r.Context(), p.User, k.ID); err != nil {
		s.failPage(w, r, err)
		return
	}
	s.Log.Info("api key revoked", "key", k.ID, "by", p.User.ID)
	http.Redirect(w, r, "/admin/keys?done=revoked", http.StatusSeeOther)
}
