package casework

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/importer"
	"jiceng/internal/policy"
	"jiceng/internal/search"
)

// The policy base (政策知识库) while serving: the files staff upload are
// kept by the store (core.PolicyStore), read into documents by package
// policy and indexed by package search. Everybody may search it — residents
// too, on the public Q&A page: policies are public texts — and
// administrators and street staff change it. Every path to it goes through
// the Service methods below.

// PolicyBase is the search index of the policy base and what it holds of
// each file of the store. One is shared by a server's requests; Sync
// brings it up to date with the store, which another server of the same
// database may have changed.
type PolicyBase struct {
	Index *search.Index

	mu     sync.Mutex
	files  map[string]policyEntry // by file ID
	synced time.Time              // the last Sync; zero: never
}

// policyEntry is what the index holds of a file.
type policyEntry struct {
	version string // of the file indexed: policyVersion
	docs    []PolicyDocInfo
	err     string // why the file could not be read ("" when it could)
}

// NewPolicyBase returns a base that indexes into ix (search.OpenMem or
// search.Open), empty until its first Sync.
func NewPolicyBase(ix *search.Index) *PolicyBase {
	return &PolicyBase{Index: ix, files: map[string]policyEntry{}}
}

// PolicySyncEvery is how old the base may be before a search reads the
// store's list of files again.
const PolicySyncEvery = 30 * time.Second

// Policy base limits: a question is a question, not a document.
const (
	MaxQuestionRunes = 500
	// MaxPolicyFiles is the most files the base keeps.
	MaxPolicyFiles = 5000
)

// PolicyFileInfo is a file of the base as the management page lists it.
type PolicyFileInfo struct {
	ID, Name     string
	Validity     string // staff's, "" when the text decides
	SupersededBy string
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Documents    []PolicyDocInfo
	// Err is why the file could not be read (it is then not searched).
	Err string
}

// PolicyDocInfo is a document of a file (a Q&A sheet may hold several).
type PolicyDocInfo struct {
	ID, Title, Issuer, Number string
	Date                      time.Time
	Validity                  policy.Validity
	SupersededBy              string
	Format                    string
	Passages                  int
}

// readPolicyFile reads a stored file into its documents, staff's validity
// applied: a CSV or XLSX file is a 问/答 sheet, any other a document.
func readPolicyFile(f core.PolicyFile, now time.Time) ([]policy.Document, error) {
	opt := policy.Options{Now: now}
	var docs []policy.Document
	switch strings.ToLower(filepath.Ext(f.Name)) {
	case ".csv", ".xlsx":
		// The sheet readers read files: a private temporary copy.
		dir, err := os.MkdirTemp("", "jiceng-policy-")
		if err != nil {
			return nil, fmt.Errorf("policy sheet: %w", err)
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "sheet"+strings.ToLower(filepath.Ext(f.Name)))
		if err := os.WriteFile(path, f.Content, 0o600); err != nil {
			return nil, fmt.Errorf("policy sheet: %w", err)
		}
		rows, _, err := importer.Open(path, importer.ReadOptions{})
		if err != nil {
			return nil, core.Errorf(core.EINVALID, "%s: %s", f.Name, core.ErrorMessage(err))
		}
		defer rows.Close()
		docs, _, err = policy.ReadQA(f.ID, rows, opt)
		if err != nil {
			return nil, err
		}
	default:
		d, err := policy.Parse(f.ID, f.Name, f.Content, opt)
		if err != nil {
			return nil, err
		}
		docs = []policy.Document{d}
	}
	for i := range docs {
		if docs[i].Title == "" {
			// A sheet without a 标题 column: its file names it.
			docs[i].Title = strings.TrimSuffix(f.Name, filepath.Ext(f.Name))
			if docs[i].Format == policy.FormatQA && !strings.ContainsFunc(docs[i].Title, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				docs[i].Title = "常见问题解答"
			}
		}
	}
	if f.Validity != "" {
		for i := range docs {
			docs[i].Validity, docs[i].SupersededBy = policy.Validity(f.Validity), f.SupersededBy
		}
	}
	return docs, nil
}

func docInfos(docs []policy.Document) []PolicyDocInfo {
	out := make([]PolicyDocInfo, len(docs))
	for i, d := range docs {
		v := d.Validity
		if v == "" {
			v = policy.Effective
		}
		out[i] = PolicyDocInfo{ID: d.ID, Title: d.Title, Issuer: d.Issuer, Number: d.Number, Date: d.Date,
			Validity: v, SupersededBy: d.SupersededBy, Format: d.Format, Passages: len(d.Passages)}
	}
	return out
}

// Sync reads the store's list of files and indexes what changed since
// the last Sync: new and changed files read and indexed, removed ones
// taken out. A file that cannot be read is kept out of the index with its
// reason. With force false it does nothing when the last Sync is younger
// than PolicySyncEvery.
func (b *PolicyBase) Sync(ctx context.Context, st core.PolicyStore, now time.Time, force bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !force && !b.synced.IsZero() && now.Sub(b.synced) < PolicySyncEvery {
		return nil
	}
	list, err := st.PolicyFiles(ctx, false)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var changed []policy.Document
	for _, f := range list {
		seen[f.ID] = true
		if e, ok := b.files[f.ID]; ok && e.version == policyVersion(f) {
			continue
		}
		full, err := st.PolicyFile(ctx, f.ID)
		if core.ErrorCode(err) == core.ENOTFOUND {
			continue // removed meanwhile: the next Sync sees it gone
		}
		if err != nil {
			return err
		}
		if err := b.remove(f.ID); err != nil {
			return err
		}
		docs, err := readPolicyFile(full, now)
		if err != nil {
			if core.ErrorCode(err) == "" {
				return err
			}
			b.files[f.ID] = policyEntry{version: policyVersion(full), err: core.ErrorMessage(err)}
			continue
		}
		b.files[f.ID] = policyEntry{version: policyVersion(full), docs: docInfos(docs)}
		changed = append(changed, docs...)
	}
	if len(changed) > 0 {
		if err := b.Index.Index(changed); err != nil {
			return err
		}
	}
	for id := range b.files {
		if !seen[id] {
			if err := b.remove(id); err != nil {
				return err
			}
			delete(b.files, id)
		}
	}
	b.synced = now
	return nil
}

// policyVersion tells a file's versions apart without its content: what
// staff said of it and when it was last stored.
func policyVersion(f core.PolicyFile) string {
	return f.UpdatedAt.UTC().Format(time.RFC3339Nano) + "|" + f.Name + "|" + f.Validity + "|" + f.SupersededBy
}

// forget makes the next Sync read file id again (a change within the
// clock's resolution leaves its version as it was).
func (b *PolicyBase) forget(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e, ok := b.files[id]; ok {
		e.version = ""
		b.files[id] = e
	}
}

// remove takes the documents of file id out of the index.
func (b *PolicyBase) remove(id string) error {
	for _, d := range b.files[id].docs {
		if err := b.Index.Delete(d.ID); err != nil {
			return err
		}
	}
	return nil
}

// policyBase is s's policy base, synced with the store when it is stale.
func (s *Service) policyBase(ctx context.Context) (*PolicyBase, core.PolicyStore, error) {
	ps, ok := s.Store.(core.PolicyStore)
	if s.Policies == nil || !ok {
		return nil, nil, core.Errorf(core.EINTERNAL, "政策知识库未启用")
	}
	if err := s.Policies.Sync(ctx, ps, s.Clock.Now(), false); err != nil {
		return nil, nil, err
	}
	return s.Policies, ps, nil
}

// canEditPolicies: administrators and street staff keep the base.
func canEditPolicies(u core.User) error {
	if u.Role == core.RoleAdmin || u.Role == core.RoleStaff {
		return nil
	}
	return core.Errorf(core.EFORBIDDEN, "只有管理员和街道工作人员可以维护政策知识库")
}

// PolicyFiles lists the files of the base with their documents, by ID:
// for administrators, street staff and leaders.
func (s *Service) PolicyFiles(ctx context.Context, u core.User) ([]PolicyFileInfo, error) {
	if err := canEditPolicies(u); err != nil && u.Role != core.RoleLeader {
		return nil, core.Errorf(core.EFORBIDDEN, "政策文件管理面向管理员、街道工作人员和领导")
	}
	b, ps, err := s.policyBase(ctx)
	if err != nil {
		return nil, err
	}
	list, err := ps.PolicyFiles(ctx, false)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]PolicyFileInfo, 0, len(list))
	for _, f := range list {
		e := b.files[f.ID]
		out = append(out, PolicyFileInfo{ID: f.ID, Name: f.Name, Validity: f.Validity, SupersededBy: f.SupersededBy,
			CreatedBy: f.CreatedBy, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, Documents: e.docs, Err: e.err})
	}
	return out, nil
}

// PolicyFileID is the ID a file uploaded as name gets: its name without
// the extension, letters, digits, - and _ kept (at most 64), or a digest of
// the name when nothing is left. A file uploaded again under the same name
// replaces the first.
func PolicyFileID(name string) string {
	base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	var b strings.Builder
	for _, r := range base {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '（' || r == '）' || r == '(' || r == ')':
			b.WriteRune('_')
		}
		if utf8.RuneCountInString(b.String()) >= 64 {
			break
		}
	}
	id := strings.Trim(b.String(), "_")
	if id == "" {
		sum := sha256.Sum256([]byte(name))
		id = "policy-" + hex.EncodeToString(sum[:4])
	}
	return id
}

// UploadPolicy adds the file name to the base, or replaces the file of
// the same ID (PolicyFileID): read first, so that a file that cannot be
// read is refused with the reason; then stored, indexed and audited.
func (s *Service) UploadPolicy(ctx context.Context, u core.User, name string, content []byte) (PolicyFileInfo, error) {
	if err := canEditPolicies(u); err != nil {
		return PolicyFileInfo{}, err
	}
	b, ps, err := s.policyBase(ctx)
	if err != nil {
		return PolicyFileInfo{}, err
	}
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	if !utf8.ValidString(name) || name == "" || name == "." || name == "/" {
		return PolicyFileInfo{}, core.InvalidField("file", "文件名无效")
	}
	id := PolicyFileID(name)
	now := s.Clock.Now()
	f := core.PolicyFile{ID: id, Name: name, Content: content, CreatedBy: u.Username, CreatedAt: now, UpdatedAt: now}
	docs, err := readPolicyFile(f, now)
	if err != nil {
		return PolicyFileInfo{}, err
	}
	old, err := ps.PolicyFile(ctx, id)
	switch {
	case err == nil:
		// A new version of a file keeps what staff said of its validity.
		f.Validity, f.SupersededBy = old.Validity, old.SupersededBy
		if f.Validity != "" {
			if docs, err = readPolicyFile(f, now); err != nil {
				return PolicyFileInfo{}, err
			}
		}
	case core.ErrorCode(err) == core.ENOTFOUND:
		list, err := ps.PolicyFiles(ctx, false)
		if err != nil {
			return PolicyFileInfo{}, err
		}
		if len(list) >= MaxPolicyFiles {
			return PolicyFileInfo{}, core.Errorf(core.EINVALID, "政策知识库最多 %d 个文件", MaxPolicyFiles)
		}
	default:
		return PolicyFileInfo{}, err
	}
	if err := ps.PutPolicyFile(ctx, f); err != nil {
		return PolicyFileInfo{}, err
	}
	s.auditPolicy(ctx, u, "upload "+id)
	b.forget(id)
	if err := b.Sync(ctx, ps, now, true); err != nil {
		return PolicyFileInfo{}, err
	}
	stored, err := ps.PolicyFile(ctx, id)
	if err != nil {
		return PolicyFileInfo{}, err
	}
	return PolicyFileInfo{ID: id, Name: name, Validity: stored.Validity, SupersededBy: stored.SupersededBy,
		CreatedBy: stored.CreatedBy, CreatedAt: stored.CreatedAt, UpdatedAt: stored.UpdatedAt, Documents: docInfos(docs)}, nil
}

// DeletePolicy removes file id from the base.
func (s *Service) DeletePolicy(ctx context.Context, u core.User, id string) error {
	if err := canEditPolicies(u); err != nil {
		return err
	}
	b, ps, err := s.policyBase(ctx)
	if err != nil {
		return err
	}
	if err := ps.DeletePolicyFile(ctx, id); err != nil {
		return err
	}
	s.auditPolicy(ctx, u, "delete "+id)
	return b.Sync(ctx, ps, s.Clock.Now(), true)
}

// PolicyValidities are what staff may say of a file: "" lets its text
// decide.
var PolicyValidities = []policy.Validity{"", policy.Effective, policy.Repealed, policy.Superseded, policy.Expired}

// SetPolicyValidity records staff's word on whether file id is in force
// ("" lets its text decide), and what superseded it.
func (s *Service) SetPolicyValidity(ctx context.Context, u core.User, id string, v policy.Validity, supersededBy string) error {
	if err := canEditPolicies(u); err != nil {
		return err
	}
	if !slices.Contains(PolicyValidities, v) {
		return core.InvalidField("validity", "时效应为 有效、废止、被替代 或 失效")
	}
	supersededBy = strings.TrimSpace(supersededBy)
	if utf8.RuneCountInString(supersededBy) > 200 {
		return core.InvalidField("superseded_by", "替代文件名称过长")
	}
	if v != policy.Superseded {
		supersededBy = ""
	}
	b, ps, err := s.policyBase(ctx)
	if err != nil {
		return err
	}
	f, err := ps.PolicyFile(ctx, id)
	if err != nil {
		return err
	}
	f.Validity, f.SupersededBy, f.UpdatedAt = string(v), supersededBy, s.Clock.Now()
	if err := ps.PutPolicyFile(ctx, f); err != nil {
		return err
	}
	s.auditPolicy(ctx, u, "validity "+id+" "+string(v))
	b.forget(id)
	return b.Sync(ctx, ps, s.Clock.Now(), true)
}

func (s *Service) auditPolicy(ctx context.Context, u core.User, detail string) {
	if s.Audit == nil {
		return
	}
	// The base's changes are the street's reference data, like its
	// settings; a failure to write the log does not undo them.
	_ = s.Audit.AddAudit(ctx, core.AuditEntry{At: s.Clock.Now(), Actor: u.Username, Role: u.Role, Action: core.AuditSetting,
		Field: "policy", Detail: detail})
}

// public reports whether u searches as a resident: residents and
// visitors who are not signed in see only documents in force.
func public(u core.User) bool { return u.Role == "" || u.Role == core.RoleResident }

// SearchPolicy searches the base for u: anyone may, signed in or not;
// residents and visitors get documents in force only.
func (s *Service) SearchPolicy(ctx context.Context, u core.User, q search.Query) ([]search.Hit, error) {
	q.Text = strings.TrimSpace(q.Text)
	if q.Text == "" {
		return nil, core.InvalidField("q", "请输入要查询的问题")
	}
	if utf8.RuneCountInString(q.Text) > MaxQuestionRunes {
		return nil, core.InvalidField("q", "问题请控制在 %d 字以内", MaxQuestionRunes)
	}
	if public(u) {
		q.ValidOnly = true
	}
	b, _, err := s.policyBase(ctx)
	if err != nil {
		return nil, err
	}
	return b.Index.Search(q)
}

// PolicyAnswer is the base's answer to a question: the short extractive
// answer (or why there is none) and the passages it comes from.
type PolicyAnswer struct {
	search.Answered
	Hits []search.Hit
}

// AskPolicy answers question for u from the base (SearchPolicy's rules).
func (s *Service) AskPolicy(ctx context.Context, u core.User, question string, k int) (PolicyAnswer, error) {
	hits, err := s.SearchPolicy(ctx, u, search.Query{Text: question, K: k})
	if err != nil {
		return PolicyAnswer{}, err
	}
	return PolicyAnswer{Answered: search.Answer(question, hits, search.DefaultMinScore), Hits: hits}, nil
}

// TicketPolicies suggests the passages of the base that answer ticket id
// (its title and content), documents in force only, for a user who sees
// the ticket.
func (s *Service) TicketPolicies(ctx context.Context, u core.User, id int64, k int) (PolicyAnswer, error) {
	t, _, err := s.Raw(ctx, u, id)
	if err != nil {
		return PolicyAnswer{}, err
	}
	b, _, err := s.policyBase(ctx)
	if err != nil {
		return PolicyAnswer{}, err
	}
	// The ticket's own text is the question; only the base's passages
	// come back, so nothing of the ticket is shown that the user may not
	// see.
	question := []rune(strings.TrimSpace(t.Title + "\n" + t.Content))
	question = question[:min(len(question), MaxQuestionRunes)]
	hits, err := b.Index.Search(search.Query{Text: string(question), K: k, ValidOnly: true})
	if err != nil {
		return PolicyAnswer{}, err
	}
	return PolicyAnswer{Answered: search.Answer(string(question), hits, search.DefaultMinScore), Hits: hits}, nil
}
