package casework

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"jiceng/internal/alert"
	"jiceng/internal/core"
	"jiceng/internal/hot"
)

// Tag alerts: the street's tag library (高频问题标签库, core.SettingTags)
// counted on the tickets' text, by day and community, over the detector's
// history, and read by the default daily detector like the categories.
// Tags change whenever staff curate them, so the series are counted from
// the tickets when asked, not kept: a board's tag alerts cost a read of
// its alertHistory days of tickets' texts (core.TicketTextReader where the
// store has it; the web server caches them like the hot issues).

// MaxTagAlerts is the most tag alerts a board lists, the most severe: a
// library of a hundred tags over thirty communities is thousands of
// series, and at the detector's specificity of 97 % a series-day a week
// of them is hundreds of alarms (the demo catalog's 140 tags on the
// million-ticket street: 236).
const MaxTagAlerts = 20

// TagLibrary is the tag library (高频问题标签库) in force in st: the tags
// setting, curated at /tags; empty when there is none (or st keeps no
// settings).
func TagLibrary(ctx context.Context, st any) ([]hot.Tag, error) {
	ss, ok := st.(core.SettingStore)
	if !ok {
		return []hot.Tag{}, nil
	}
	content, _, err := ss.Setting(ctx, core.SettingTags)
	if core.ErrorCode(err) == core.ENOTFOUND {
		return []hot.Tag{}, nil
	}
	if err != nil {
		return nil, err
	}
	return hot.ReadTags(content)
}

// TagAlerts returns the alerts of the tags' daily series (tag × community,
// and tag over the whole street on the street's board) in u's board scope
// for the AlertDays days before to, most severe first, at most
// MaxTagAlerts. Nil without a tag library.
func (s *Service) TagAlerts(ctx context.Context, u core.User, to time.Time) ([]RiskAlert, error) {
	communities, err := s.BoardScope(ctx, u)
	if err != nil {
		return nil, err
	}
	tags, err := TagLibrary(ctx, s.Store)
	if err != nil || len(tags) == 0 {
		return nil, nil // a library that no longer reads is no series
	}
	toDay := core.StreetDay(to)
	alertFrom := toDay - alertHistory
	f := core.TicketFilter{From: core.DayStart(alertFrom), To: core.DayStart(toDay)}
	if communities != nil {
		f.Community = communities[0]
	}
	series, err := s.tagSeries(ctx, f, newTagMatcher(tags), alertFrom, communities == nil)
	if err != nil {
		return nil, err
	}
	var states []core.AlertState
	if as, ok := s.Store.(core.AlertStore); ok {
		q := core.CountQuery{From: core.DayStart(toDay - DismissMemory), To: core.DayStart(toDay), Communities: communities}
		if states, err = as.AlertStates(ctx, q); err != nil {
			return nil, err
		}
	}
	out := tagRiskAlerts(series, alertFrom, s.calendar(), states)
	if len(out) > MaxTagAlerts {
		out = out[:MaxTagAlerts]
	}
	return out, nil
}

// tagSeries counts the tickets of f whose text names each tag, by
// community and by day from alertFrom (alertHistory days), and over the
// whole street too when street.
func (s *Service) tagSeries(ctx context.Context, f core.TicketFilter, m *tagMatcher, alertFrom int, street bool) (map[seriesKey][]float64, error) {
	series := map[seriesKey][]float64{} // Category1 holds the tag
	count := func(t core.TicketText) error {
		if t.ReceivedAt.IsZero() {
			return nil
		}
		i := core.StreetDay(t.ReceivedAt) - alertFrom
		if i < 0 || i >= alertHistory {
			return nil
		}
		for _, tag := range m.match(t.Category1, t.Title+"\n"+t.Content) {
			for _, k := range []seriesKey{{t.Community, tag}, {"", tag}} {
				if !street && k.Community == "" {
					continue
				}
				sr := series[k]
				if sr == nil {
					sr = make([]float64, alertHistory)
					series[k] = sr
				}
				sr[i]++
			}
		}
		return nil
	}
	if tr, ok := s.Store.(core.TicketTextReader); ok {
		return series, tr.EachTicketText(ctx, f, count)
	}
	err := s.Store.EachTicket(ctx, f, func(t core.Ticket) error {
		return count(core.TicketText{ReceivedAt: t.ReceivedAt, Community: t.Community, Category1: t.Category1, Title: t.Title, Content: t.Content})
	})
	return series, err
}

// tagRiskAlerts is riskAlerts over the tags' series (the tag in
// seriesKey.Category1), with the decisions on tag alerts.
func tagRiskAlerts(series map[seriesKey][]float64, alertFrom int, cal alert.Calendar, states []core.AlertState) []RiskAlert {
	var own []core.AlertState
	for _, st := range states {
		if st.Tag != "" && !st.Hourly {
			st.Category1, st.Tag = st.Tag, ""
			own = append(own, st)
		}
	}
	out := riskAlerts(series, alertFrom, cal, own)
	for i := range out {
		out[i].Tag, out[i].Category1 = out[i].Category1, ""
	}
	return out
}

// tagMatcher finds the tags a text names, as hot.MatchTags does, in one
// pass over the text: the phrases (names and aliases) are grouped by their
// first rune, found through a table of the basic multilingual plane, so a
// text costs its length, not the library's size times it.
type tagMatcher struct {
	tags   []hot.Tag
	groups [][]tagPhrase // phrases by first rune
	bmp    []uint16      // rune → 1 + its group, for runes below 0x10000
	other  map[rune]int  // the group of a rune above
	seen   []bool
}

type tagPhrase struct {
	text string
	tag  int
}

func newTagMatcher(tags []hot.Tag) *tagMatcher {
	m := &tagMatcher{tags: tags, bmp: make([]uint16, 0x10000), other: map[rune]int{}, seen: make([]bool, len(tags))}
	group := func(r rune) int {
		if r < 0x10000 {
			if g := m.bmp[r]; g > 0 {
				return int(g) - 1
			}
			m.bmp[r] = uint16(len(m.groups) + 1)
		} else if g, ok := m.other[r]; ok {
			return g
		} else {
			m.other[r] = len(m.groups)
		}
		m.groups = append(m.groups, nil)
		return len(m.groups) - 1
	}
	for i, t := range tags {
		for _, p := range append([]string{t.Name}, t.Aliases...) {
			if p == "" {
				continue
			}
			r, _ := utf8.DecodeRuneInString(p)
			g := group(r)
			m.groups[g] = append(m.groups[g], tagPhrase{p, i})
		}
	}
	return m
}

// match returns the names of the tags of category1 (or of any category)
// that text names, in library order. It is not safe for concurrent use.
func (m *tagMatcher) match(category1, text string) []string {
	clear(m.seen)
	found := false
	for i, r := range text {
		g := -1
		if r < 0x10000 {
			g = int(m.bmp[r]) - 1
		} else if x, ok := m.other[r]; ok {
			g = x
		}
		if g < 0 {
			continue
		}
		for _, p := range m.groups[g] {
			if !m.seen[p.tag] && strings.HasPrefix(text[i:], p.text) {
				m.seen[p.tag], found = true, true
			}
		}
	}
	if !found {
		return nil
	}
	var out []string
	for i, t := range m.tags {
		if m.seen[i] && (t.Category1 == "" || category1 == "" || t.Category1 == category1) {
			out = append(out, t.Name)
		}
	}
	return out
}
