package web

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/policy"
	"jiceng/internal/search"
)

// The policy base (政策知识库) on the web: the staff search page /policy,
// the residents' self-service Q&A /ask (no sign-in), the files page
// /policy/files where administrators and staff keep the base, the
// suggestions panel of the ticket page, and their API. What is searched
// and who may change what is decided in casework.

// askSlots bounds the public Q&A's searches running at once: it needs no
// sign-in, so a flood of questions must not take the server's cores from
// the staff.
const askSlots = 4

// MaxPolicyUpload bounds a file uploaded to the policy base.
const MaxPolicyUpload = policy.MaxInput

// warmPolicies reads the policy base into its index at start-up, so that
// the first question does not wait for it, with the street's synonyms
// when it has set its own.
func (s *Server) warmPolicies(ctx context.Context) {
	syn, err := s.synonyms(ctx)
	if err == nil && syn != nil {
		err = s.rebuildPolicies(ctx, syn)
	} else if err == nil {
		err = s.syncPolicies(ctx, s.policies.Load())
	}
	if err != nil {
		s.Log.Warn("policy base", "err", err)
	}
}

// synonyms is the street's synonyms setting; nil when it has none (the
// built-in groups).
func (s *Server) synonyms(ctx context.Context) (search.Synonyms, error) {
	ss, ok := s.Store.(core.SettingStore)
	if !ok {
		return nil, nil
	}
	content, _, err := ss.Setting(ctx, core.SettingSynonyms)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return search.ReadSynonyms(bytes.NewReader(content))
}

// rebuildPolicies builds a new index of the policy base with syn and puts
// it in force when it is filled; until then questions are answered from
// the old one.
func (s *Server) rebuildPolicies(ctx context.Context, syn search.Synonyms) error {
	ix, err := search.OpenMem(search.Options{Synonyms: syn})
	if err != nil {
		return err
	}
	b := casework.NewPolicyBase(ix)
	if err := s.syncPolicies(ctx, b); err != nil {
		ix.Close()
		return err
	}
	// Requests in flight may still read the old index: it is left to the
	// collector rather than closed under them.
	s.policies.Store(b)
	return nil
}

func (s *Server) syncPolicies(ctx context.Context, b *casework.PolicyBase) error {
	ps, ok := s.Store.(core.PolicyStore)
	if !ok {
		return nil
	}
	start := time.Now()
	if err := b.Sync(ctx, ps, s.Clock.Now(), true); err != nil {
		return err
	}
	n, _ := b.Index.Count()
	s.Log.Info("policy base indexed", "passages", n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// policyQuery reads a search of the policy base from q: q (the
// question), k, issuer, year, format, valid (1: documents in force only).
func policyQuery(q url.Values) (search.Query, error) {
	for k := range q {
		switch k {
		case "q", "k", "issuer", "year", "format", "valid":
		default:
			return search.Query{}, invalidParam(k, "未知参数 %s", k)
		}
	}
	sq := search.Query{Text: q.Get("q"), Issuer: strings.TrimSpace(q.Get("issuer")), Format: q.Get("format"), ValidOnly: q.Get("valid") == "1"}
	if v := q.Get("k"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 || k > 50 {
			return sq, invalidParam("k", "参数 k 应为 1 到 50 的整数")
		}
		sq.K = k
	}
	if v := q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1949 || y > 2100 {
			return sq, invalidParam("year", "参数 year 应为年份，如 2024")
		}
		sq.Year = y
	}
	switch sq.Format {
	case "", policy.FormatTXT, policy.FormatMD, policy.FormatHTML, policy.FormatDOCX, policy.FormatPDF, policy.FormatQA:
	default:
		return sq, invalidParam("format", "参数 format 应为 txt、md、html、docx、pdf 或 qa")
	}
	return sq, nil
}

// hitJSON is a passage found, as the API and the pages show it.
type hitJSON struct {
	PassageID    string   `json:"passage_id"`
	DocID        string   `json:"doc_id"`
	Title        string   `json:"title"`
	Number       string   `json:"number"`
	Issuer       string   `json:"issuer"`
	Date         string   `json:"date"`
	Article      string   `json:"article"`
	Item         string   `json:"item"`
	Headings     []string `json:"headings"`
	Question     string   `json:"question,omitempty"`
	Text         string   `json:"text"`
	Snippet      string   `json:"snippet"` // HTML: escaped, the matched terms in <mark>
	Validity     string   `json:"validity"`
	SupersededBy string   `json:"superseded_by,omitempty"`
	Score        float64  `json:"score"`
	// SnippetHTML is Snippet for the templates (search escapes it).
	SnippetHTML template.HTML `json:"-"`
}

func toHitsJSON(hs []search.Hit) []hitJSON {
	out := make([]hitJSON, 0, len(hs))
	for _, h := range hs {
		out = append(out, hitJSON{PassageID: h.PassageID, DocID: h.DocID, Title: h.Title, Number: h.Number, Issuer: h.Issuer,
			Date: h.Date, Article: h.Article, Item: h.Item, Headings: h.Headings, Question: h.Question, Text: h.Text,
			Snippet: h.Snippet, Validity: string(h.Validity), SupersededBy: h.SupersededBy, Score: h.Score,
			SnippetHTML: template.HTML(h.Snippet)}) // #nosec: search.Hit.Snippet is HTML-escaped with <mark> only
	}
	return out
}

// answerJSON is the base's answer to a question.
type answerJSON struct {
	Confident bool           `json:"confident"`
	Reason    string         `json:"reason,omitempty"`
	Text      string         `json:"text"`
	Sentences []sentenceJSON `json:"sentences"`
	Hits      []hitJSON      `json:"hits"`
}

type sentenceJSON struct {
	Text      string `json:"text"`
	Citation  string `json:"citation"`
	PassageID string `json:"passage_id"`
	DocID     string `json:"doc_id"`
}

func toAnswerJSON(a casework.PolicyAnswer) answerJSON {
	out := answerJSON{Confident: a.Confident, Reason: a.Reason, Text: a.Text, Sentences: []sentenceJSON{}, Hits: toHitsJSON(a.Hits)}
	for _, s := range a.Sentences {
		out.Sentences = append(out.Sentences, sentenceJSON{Text: s.Text, Citation: s.Citation, PassageID: s.PassageID, DocID: s.DocID})
	}
	return out
}

// handlePolicySearch is GET /api/v1/policy/search: the passages of the
// base for q, best first, for anyone (documents in force only for
// residents and visitors), within the public slots.
func (s *Server) handlePolicySearch(w http.ResponseWriter, r *http.Request) {
	p := s.optionalUser(r)
	if !s.takeAskSlot(r.Context()) {
		s.fail(w, r, errAskBusy)
		return
	}
	defer s.releaseAskSlot()
	q, err := policyQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hits, err := s.cases().SearchPolicy(r.Context(), p.User, q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Hits []hitJSON `json:"hits"`
	}{toHitsJSON(hits)})
}

// optionalUser is the signed-in user of r, or nobody: the public pages
// work for both.
func (s *Server) optionalUser(r *http.Request) principal {
	p, err := s.authenticate(r, false)
	if err != nil {
		return principal{}
	}
	return p
}

// ask answers the question of r for p, within the public slots.
func (s *Server) ask(ctx context.Context, p principal, q url.Values) (casework.PolicyAnswer, error) {
	for k := range q {
		if k != "q" {
			return casework.PolicyAnswer{}, invalidParam(k, "未知参数 %s", k)
		}
	}
	if !s.takeAskSlot(ctx) {
		return casework.PolicyAnswer{}, errAskBusy
	}
	defer s.releaseAskSlot()
	return s.cases().AskPolicy(ctx, p.User, q.Get("q"), 5)
}

var errAskBusy = core.Errorf(core.ETOOMANY, "咨询的人较多，请稍后再试")

// takeAskSlot waits up to 2 seconds for one of the public slots.
func (s *Server) takeAskSlot(ctx context.Context) bool {
	select {
	case s.askSlots <- struct{}{}:
		return true
	case <-time.After(2 * time.Second):
	case <-ctx.Done():
	}
	return false
}

func (s *Server) releaseAskSlot() { <-s.askSlots }

// handleAsk is GET /api/v1/ask?q=…: the answer to a question from the
// base, for anyone (documents in force only for residents and visitors).
func (s *Server) handleAsk(w http.ResponseWriter, r *http.Request) {
	a, err := s.ask(r.Context(), s.optionalUser(r), r.URL.Query())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAnswerJSON(a))
}

// askPage is the data of /ask and /policy.
type askPage struct {
	Q      string
	Asked  bool
	Answer answerJSON
	Err    string
	// Staff's search page only.
	Staff       bool
	Issuer      string
	Year        string
	ValidOnly   bool
	CanEdit     bool
	Hits        []hitJSON
	IssuerNames []string
}

// handleAskPage is /ask: the residents' self-service Q&A (政策自助问答).
func (s *Server) handleAskPage(w http.ResponseWriter, r *http.Request) {
	p := s.optionalUser(r)
	page := askPage{Q: r.URL.Query().Get("q")}
	if strings.TrimSpace(page.Q) != "" {
		a, err := s.ask(r.Context(), p, url.Values{"q": {page.Q}})
		switch {
		case core.ErrorCode(err) == core.EINVALID || core.ErrorCode(err) == core.ETOOMANY:
			page.Err = core.ErrorMessage(err)
		case err != nil:
			s.failPage(w, r, err)
			return
		default:
			page.Asked, page.Answer = true, toAnswerJSON(a)
		}
	}
	s.render(w, r, http.StatusOK, "ask", p, page)
}

// handlePolicyPage is /policy: the staff search page (政策查询) with the
// answer, the passages and the filters.
func (s *Server) handlePolicyPage(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	if authorize(p) != nil {
		// Residents ask on their own page.
		http.Redirect(w, r, "/ask?q="+url.QueryEscape(q.Get("q")), http.StatusSeeOther)
		return
	}
	page := askPage{Staff: true, Q: q.Get("q"), Issuer: q.Get("issuer"), Year: q.Get("year"), ValidOnly: q.Get("valid") == "1",
		CanEdit: deskRole(p.User)}
	if strings.TrimSpace(page.Q) != "" {
		sq, err := policyQuery(q)
		if err == nil {
			var hits []search.Hit
			cases := s.cases()
			if hits, err = cases.SearchPolicy(r.Context(), p.User, sq); err == nil {
				a := casework.PolicyAnswer{Answered: search.Answer(sq.Text, hits, search.DefaultMinScore), Hits: hits}
				page.Asked, page.Answer, page.Hits = true, toAnswerJSON(a), toHitsJSON(hits)
			}
		}
		switch {
		case core.ErrorCode(err) == core.EINVALID:
			page.Err = core.ErrorMessage(err)
		case err != nil:
			s.failPage(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "policy", p, page)
}

// policyFilesPage is the data of /policy/files.
type policyFilesPage struct {
	Files      []casework.PolicyFileInfo
	Validities []policy.Validity
	Notice     string
	Err        string
}

// policyDone confirms a change of the base (a fixed text).
var policyDone = map[string]string{"upload": "已上传并编入政策知识库。", "delete": "已删除。", "validity": "已更新时效。"}

func (s *Server) handlePolicyFilesPage(w http.ResponseWriter, r *http.Request, p principal) {
	s.renderPolicyFiles(w, r, p, policyDone[r.URL.Query().Get("done")], "", http.StatusOK)
}

func (s *Server) renderPolicyFiles(w http.ResponseWriter, r *http.Request, p principal, notice, errMsg string, status int) {
	if !deskRole(p.User) {
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "政策知识库由数据管理员和街道工作人员维护"))
		return
	}
	files, err := s.cases().PolicyFiles(r.Context(), p.User)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	s.render(w, r, status, "policy_files", p, policyFilesPage{Files: files, Validities: casework.PolicyValidities[1:], Notice: notice, Err: errMsg})
}

// handlePolicyUpload is POST /policy/files: a file added to the base (or
// replacing the one of its name). A file that cannot be read is refused
// on the page with the reason.
func (s *Server) handlePolicyUpload(w http.ResponseWriter, r *http.Request, p principal) {
	if !deskRole(p.User) {
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "政策知识库由数据管理员和街道工作人员维护"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxPolicyUpload+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.renderPolicyFiles(w, r, p, "", "文件超过上限，请上传 32 MB 以内的文件", http.StatusRequestEntityTooLarge)
			return
		}
		s.renderPolicyFiles(w, r, p, "", "请选择要上传的文件", http.StatusBadRequest)
		return
	}
	defer r.MultipartForm.RemoveAll()
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	file, head, err := r.FormFile("file")
	if err != nil {
		s.renderPolicyFiles(w, r, p, "", "请选择要上传的文件", http.StatusBadRequest)
		return
	}
	defer file.Close()
	content, err := io.ReadAll(io.LimitReader(file, MaxPolicyUpload+1))
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	if _, err := s.cases().UploadPolicy(r.Context(), p.User, head.Filename, content); err != nil {
		if code := core.ErrorCode(err); code == core.EINVALID {
			s.renderPolicyFiles(w, r, p, "", core.ErrorMessage(err), http.StatusBadRequest)
			return
		}
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/policy/files?done=upload", http.StatusSeeOther)
}

// handlePolicyFileForm is POST /policy/files/{id}: delete a file, or set
// its validity.
func (s *Server) handlePolicyFileForm(w http.ResponseWriter, r *http.Request, p principal) {
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	if !deskRole(p.User) {
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "政策知识库由数据管理员和街道工作人员维护"))
		return
	}
	id, cases := r.PathValue("id"), s.cases()
	var err error
	action := r.PostFormValue("action")
	switch action {
	case "delete":
		err = cases.DeletePolicy(r.Context(), p.User, id)
	case "validity":
		err = cases.SetPolicyValidity(r.Context(), p.User, id, policy.Validity(r.PostFormValue("validity")), r.PostFormValue("superseded_by"))
	default:
		err = core.Errorf(core.EINVALID, "操作应为 delete 或 validity")
	}
	if err != nil {
		if core.ErrorCode(err) == core.EINVALID {
			s.renderPolicyFiles(w, r, p, "", core.ErrorMessage(err), http.StatusBadRequest)
			return
		}
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/policy/files?done="+action, http.StatusSeeOther)
}

// policyFileJSON is a file of the base in the API.
type policyFileJSON struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Validity     string          `json:"validity"`
	SupersededBy string          `json:"superseded_by"`
	CreatedBy    string          `json:"created_by"`
	CreatedAt    string          `json:"created_at"`
	UpdatedAt    string          `json:"updated_at"`
	Error        string          `json:"error,omitempty"`
	Documents    []policyDocJSON `json:"documents"`
}

type policyDocJSON struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Issuer       string `json:"issuer"`
	Number       string `json:"number"`
	Date         string `json:"date"`
	Validity     string `json:"validity"`
	SupersededBy string `json:"superseded_by"`
	Format       string `json:"format"`
	Passages     int    `json:"passages"`
}

// handlePolicyFiles is GET /api/v1/policy/files: the files of the base.
func (s *Server) handlePolicyFiles(w http.ResponseWriter, r *http.Request, p principal) {
	if !deskRole(p.User) {
		s.fail(w, r, core.Errorf(core.EFORBIDDEN, "政策知识库由数据管理员和街道工作人员维护"))
		return
	}
	files, err := s.cases().PolicyFiles(r.Context(), p.User)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]policyFileJSON, 0, len(files))
	for _, f := range files {
		fj := policyFileJSON{ID: f.ID, Name: f.Name, Validity: f.Validity, SupersededBy: f.SupersededBy, CreatedBy: f.CreatedBy,
			CreatedAt: f.CreatedAt.Format(time.RFC3339), UpdatedAt: f.UpdatedAt.Format(time.RFC3339), Error: f.Err, Documents: []policyDocJSON{}}
		for _, d := range f.Documents {
			date := ""
			if !d.Date.IsZero() {
				date = d.Date.Format(time.DateOnly)
			}
			fj.Documents = append(fj.Documents, policyDocJSON{ID: d.ID, Title: d.Title, Issuer: d.Issuer, Number: d.Number, Date: date,
				Validity: string(d.Validity), SupersededBy: d.SupersededBy, Format: d.Format, Passages: d.Passages})
		}
		out = append(out, fj)
	}
	writeJSON(w, http.StatusOK, struct {
		Files []policyFileJSON `json:"files"`
	}{out})
}

// handleTicketPolicies is GET /api/v1/tickets/{id}/policies: the passages
// of the base that answer the ticket, with a short answer.
func (s *Server) handleTicketPolicies(w http.ResponseWriter, r *http.Request, p principal) {
	id, ok := s.ticketRequest(w, r, p, false)
	if !ok {
		return
	}
	a, err := s.cases().TicketPolicies(r.Context(), p.User, id, 5)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toAnswerJSON(a))
}
