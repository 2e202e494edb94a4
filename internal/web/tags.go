package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/hot"
)

// The high-frequency problem tag library (高频问题标签库): the tags staff
// accepted from the hot issues' problem phrases, renamed or merged, kept as
// the "tags" setting (so every change is a version, downloadable and
// restorable like the other settings). Accepted tags are shown on the
// tickets whose text names them.

// tagLibrary is the tag library in force (none: empty).
func (s *Server) tagLibrary(ctx context.Context) ([]hot.Tag, error) {
	return casework.TagLibrary(ctx, s.Store)
}

// tagCandidate is a problem phrase of the street's hot issues not yet in
// the library.
type tagCandidate struct {
	Phrase, Category1, Example string
	Issues                     int
	Heat                       float64
}

// tagsPage is the data of /tags.
type tagsPage struct {
	Tags       []hot.Tag
	Candidates []tagCandidate
	Pending    bool // the hot issues are being computed
	From, To   string
	Notice     string
}

func (s *Server) handleTagsPage(w http.ResponseWriter, r *http.Request, p principal) {
	if !deskRole(p.User) {
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "标签库由数据管理员和街道工作人员维护"))
		return
	}
	tags, err := s.tagLibrary(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	from, to, _ := s.dashboardPeriod(nil)
	hs, ready, err := s.hotIssuesReady(r.Context(), p.User, from, to)
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	page := tagsPage{Tags: tags, Pending: !ready, From: from.Format(time.DateOnly), To: to.AddDate(0, 0, -1).Format(time.DateOnly),
		Notice: tagDone[r.URL.Query().Get("done")]}
	byPhrase := map[string]*tagCandidate{}
	cases := s.cases()
	for _, h := range hs {
		h = cases.MaskHotIssue(p.User.Role, h)
		ph := strings.TrimSpace(h.Problem)
		if ph == "" || hot.Known(tags, ph) || len([]rune(ph)) > hot.MaxTagRunes {
			continue
		}
		c := byPhrase[ph]
		if c == nil {
			c = &tagCandidate{Phrase: ph, Category1: h.Category1, Example: h.Label}
			byPhrase[ph] = c
		}
		c.Issues++
		c.Heat += h.Heat
	}
	for _, c := range byPhrase {
		page.Candidates = append(page.Candidates, *c)
	}
	slices.SortFunc(page.Candidates, func(a, b tagCandidate) int {
		if a.Heat != b.Heat {
			if a.Heat > b.Heat {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Phrase, b.Phrase)
	})
	s.render(w, r, http.StatusOK, "tags", p, page)
}

func deskRole(u core.User) bool { return u.Role == core.RoleAdmin || u.Role == core.RoleStaff }

// handleTagsForm changes the library: accept a phrase as a tag (named as
// given), merge a phrase into a tag as its alias, rename a tag, or remove
// one; each change is a new version of the setting.
func (s *Server) handleTagsForm(w http.ResponseWriter, r *http.Request, p principal) {
	if err := checkCSRF(r, p); err != nil {
		s.failPage(w, r, err)
		return
	}
	if !deskRole(p.User) {
		s.failPage(w, r, core.Errorf(core.EFORBIDDEN, "标签库由数据管理员和街道工作人员维护"))
		return
	}
	ss, ok := s.Store.(core.SettingStore)
	if !ok {
		s.failPage(w, r, core.Errorf(core.EINTERNAL, "数据库不支持设置"))
		return
	}
	tags, err := s.tagLibrary(r.Context())
	if err != nil {
		s.failPage(w, r, err)
		return
	}
	f := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	phrase, name, category := f("phrase"), f("name"), f("category1")
	at := slices.IndexFunc(tags, func(t hot.Tag) bool { return t.Name == f("tag") })
	action := f("action")
	switch action {
	case "accept":
		if name == "" {
			name = phrase
		}
		tags = append(tags, hot.Tag{Name: name, Category1: category})
		if phrase != "" && phrase != name {
			tags[len(tags)-1].Aliases = []string{phrase}
		}
	case "merge":
		if at < 0 || phrase == "" {
			s.failPage(w, r, core.Errorf(core.EINVALID, "请选择要合并到的标签"))
			return
		}
		tags[at].Aliases = append(tags[at].Aliases, phrase)
	case "rename":
		if at < 0 || name == "" {
			s.failPage(w, r, core.Errorf(core.EINVALID, "请填写新的标签名"))
			return
		}
		old := tags[at].Name
		tags[at].Name = name
		if !slices.Contains(tags[at].Aliases, old) {
			tags[at].Aliases = append(tags[at].Aliases, old) // tickets that name the old phrase still match
		}
		tags[at].Aliases = slices.DeleteFunc(tags[at].Aliases, func(a string) bool { return a == name })
	case "remove":
		if at < 0 {
			s.failPage(w, r, core.Errorf(core.EINVALID, "没有这个标签"))
			return
		}
		tags = slices.Delete(tags, at, at+1)
	default:
		s.failPage(w, r, core.Errorf(core.EINVALID, "操作应为 accept、merge、rename 或 remove"))
		return
	}
	content := hot.WriteTags(tags)
	if _, err := hot.ReadTags(content); err != nil { // a phrase already in the library, too long…
		s.failPage(w, r, err)
		return
	}
	if _, err := ss.PutSetting(r.Context(), core.SettingTags, content, "标签库页面", p.User.Username, s.Clock.Now()); err != nil {
		s.failPage(w, r, err)
		return
	}
	http.Redirect(w, r, "/tags?done="+action, http.StatusSeeOther)
}

// tagDone confirms a change of the library on the page (a fixed text: the
// query cannot put words on the page).
var tagDone = map[string]string{"accept": "已接受为标签。", "merge": "已合并到标签。", "rename": "已改名。", "remove": "已删除标签。"}
