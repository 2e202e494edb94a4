package deid

import (
	"crypto/hmac"
	"crypto/sha256"
	_ "embed"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"

	"jiceng/internal/core"
)

// Action is what the masking dictionary does with a value.
type Action string

// The actions.
const (
	Keep         Action = "keep"
	Mask         Action = "mask"         // 138****5678, 张*, 110***********1234
	Pseudonymise Action = "pseudonymise" // keyed HMAC-SHA256 token, stable across datasets
	Generalise   Action = "generalise"   // day, year, ten-year band, compound or road
	Suppress     Action = "suppress"     // empty
	Scan         Action = "scan"         // find personal data in the text, treat each piece by its type
)

var actionNames = map[string]Action{
	"keep": Keep, "mask": Mask, "pseudonymise": Pseudonymise, "pseudonymize": Pseudonymise,
	"generalise": Generalise, "generalize": Generalise, "suppress": Suppress, "scan": Scan,
}

// Kinds of field values. A kind names what mask and generalise do.
var kindTypes = map[string]Type{
	"name": Person, "phone": Phone, "idcard": IDCard, "bankcard": BankCard, "email": Email,
	"plate": Plate, "passport": Passport, "uscc": USCC, "imid": IMID, "address": Address,
}

var plainKinds = map[string]bool{"text": true, "datetime": true, "birthdate": true, "age": true, "coord": true, "string": true}

// ErrNoKey is returned by Check for a role whose rules pseudonymise while
// the policy has no key.
var ErrNoKey = errors.New("deid: pseudonymisation needs a key")

// MinKeyLen is the shortest accepted pseudonymisation key, in bytes.
const MinKeyLen = 16

type rule struct {
	kind    string
	actions map[string]Action // by role
}

// Dictionary is a masking dictionary (脱敏字典): per field and per role, one
// action; per type of personal data found in free text, one action per
// role. A Dictionary is immutable after LoadDictionary and safe for concurrent use.
type Dictionary struct {
	roles  []string
	fields map[string]*rule
	spans  map[Type]map[string]Action
	star   *rule
	key    []byte
}

//go:embed policy.csv
var defaultDictionaryCSV string

// DefaultDictionary returns jiceng's built-in masking dictionary (policy.csv),
// DefaultDictionaryCSV returns the embedded policy.csv, the file of
// DefaultDictionary.
func DefaultDictionaryCSV() []byte { return []byte(defaultDictionaryCSV) }

// without a pseudonymisation key.
func DefaultDictionary() *Dictionary {
	p, err := LoadDictionary(strings.NewReader(defaultDictionaryCSV))
	if err != nil {
		panic("deid: built-in policy.csv: " + err.Error())
	}
	return p
}

// LoadDictionary reads a masking dictionary in the CSV form of policy.csv:
// lines starting with # are comments; the header is target,kind and then
// one column per role. Errors name the line and column, never a value.
func LoadDictionary(r io.Reader) (*Dictionary, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, errors.New("脱敏字典为空")
		}
		return nil, fmt.Errorf("脱敏字典表头不是合法的 CSV: %w", err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	if len(head) < 3 || strings.TrimSpace(head[0]) != "target" || strings.TrimSpace(head[1]) != "kind" {
		return nil, errors.New("脱敏字典表头应为 target,kind,角色…（每个角色一列）")
	}
	p := &Dictionary{fields: map[string]*rule{}, spans: map[Type]map[string]Action{}}
	seenRole := map[string]bool{}
	for _, h := range head[2:] {
		h = strings.TrimSpace(h)
		if h == "" || seenRole[h] {
			return nil, fmt.Errorf("脱敏字典表头：角色 %q 为空或重复", h)
		}
		seenRole[h] = true
		p.roles = append(p.roles, h)
	}
	knownType := map[Type]bool{}
	for _, t := range Types {
		knownType[t] = true
	}
	var bad core.RowErrors
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad = append(bad, core.RowError{Row: pe.Line, Reason: "不是合法的 CSV"})
				break
			}
			return nil, fmt.Errorf("读取脱敏字典失败: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if reason := p.addRow(rec, len(head), knownType); reason != "" {
			bad = append(bad, core.RowError{Row: line, Reason: reason})
		}
	}
	if err := bad.Err("脱敏字典"); err != nil {
		return nil, err
	}
	return p, nil
}

// addRow adds one row of a dictionary file to p; a bad row changes
// nothing and returns the reason, in Chinese.
func (p *Dictionary) addRow(rec []string, columns int, knownType map[Type]bool) string {
	if len(rec) != columns {
		return fmt.Sprintf("有 %d 列，表头有 %d 列", len(rec), columns)
	}
	target := strings.TrimSpace(rec[0])
	kind := strings.TrimSpace(rec[1])
	ru := &rule{kind: kind, actions: map[string]Action{}}
	for i, role := range p.roles {
		a, ok := actionNames[strings.TrimSpace(rec[i+2])]
		if !ok {
			return fmt.Sprintf("角色 %s 的处理方式应为 keep、mask、pseudonymise、generalise、suppress 或 scan", role)
		}
		ru.actions[role] = a
	}
	switch {
	case target == "":
		return "target 为空"
	case strings.HasPrefix(target, "@"):
		t := Type(target[1:])
		if !knownType[t] {
			return fmt.Sprintf("未知的个人信息类型 %s", target)
		}
		if _, dup := p.spans[t]; dup {
			return fmt.Sprintf("%s 重复", target)
		}
		for _, role := range p.roles {
			if ru.actions[role] == Scan {
				return fmt.Sprintf("角色 %s：scan 只用于字段，不用于 %s", role, target)
			}
		}
		p.spans[t] = ru.actions
	default:
		if _, ok := kindTypes[kind]; !ok && !plainKinds[kind] {
			return fmt.Sprintf("未知的字段类型 kind %q", kind)
		}
		for _, role := range p.roles {
			if ru.actions[role] == Scan && kind != "text" && kind != "address" {
				return fmt.Sprintf("角色 %s：scan 只用于 kind 为 text 或 address 的字段", role)
			}
		}
		if target == "*" {
			if p.star != nil {
				return "* 重复"
			}
			p.star = ru
			return ""
		}
		if _, dup := p.fields[target]; dup {
			return fmt.Sprintf("字段 %s 重复", target)
		}
		p.fields[target] = ru
	}
	return ""
}

// WithKey returns a copy of p that pseudonymises with key, which comes from
// the configuration (never from code or the database). The same key gives
// the same tokens in every dataset, so that pseudonymised exports can be
// joined.
func (p *Dictionary) WithKey(key []byte) (*Dictionary, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("deid: pseudonymisation key: %d bytes, want at least %d", len(key), MinKeyLen)
	}
	q := *p
	q.key = append([]byte(nil), key...)
	return &q, nil
}

// WithKeyOf returns p with the pseudonymisation key of q (none when q has
// none), for a dictionary replaced while serving: the key comes from the
// configuration, not from the file.
func (p *Dictionary) WithKeyOf(q *Dictionary) *Dictionary {
	c := *p
	c.key = nil
	if q != nil && q.key != nil {
		c.key = append([]byte(nil), q.key...)
	}
	return &c
}

// Roles returns the roles the policy has a column for.
func (p *Dictionary) Roles() []string { return append([]string(nil), p.roles...) }

// Check reports whether p can serve role as declared: ErrNoKey if one of
// its rules pseudonymises and p has no key. Value, Text and Record never
// fail — they suppress what they cannot pseudonymise — so a caller that
// must not silently lose data (an export) calls Check first.
func (p *Dictionary) Check(role string) error {
	if p.key != nil {
		return nil
	}
	for _, ru := range p.fields {
		if ru.actions[role] == Pseudonymise {
			return ErrNoKey
		}
	}
	for _, acts := range p.spans {
		if acts[role] == Pseudonymise {
			return ErrNoKey
		}
	}
	if p.star != nil && p.star.actions[role] == Pseudonymise {
		return ErrNoKey
	}
	return nil
}

func (p *Dictionary) known(role string) bool {
	for _, r := range p.roles {
		if r == role {
			return true
		}
	}
	return false
}

// fieldRule returns the kind and action for field and role. A role without
// a column gets suppress for every listed target, and for the "*" row scan
// (text) or keep (other kinds).
func (p *Dictionary) fieldRule(role, field string) (string, Action) {
	ru := p.fields[field]
	if ru == nil {
		if p.star == nil {
			return "string", Keep
		}
		ru = p.star
		if !p.known(role) {
			// Unknown columns of an unknown role: free text is scanned
			// (each piece then suppressed), other values kept.
			if ru.kind == "text" || ru.kind == "address" {
				return ru.kind, Scan
			}
			return ru.kind, Keep
		}
	}
	if !p.known(role) {
		return ru.kind, Suppress
	}
	return ru.kind, ru.actions[role]
}

// Action returns what p does with values of field for role, by the rules
// Value and Text apply: a role without a column gets suppress for every
// listed field.
func (p *Dictionary) Action(role, field string) Action {
	_, a := p.fieldRule(role, field)
	return a
}

func (p *Dictionary) spanAction(role string, t Type) Action {
	acts, ok := p.spans[t]
	if !ok {
		return Mask // a type without a row is masked, not kept
	}
	if !p.known(role) {
		return Suppress
	}
	return acts[role]
}

// Value returns value as role may see it in field.
func (p *Dictionary) Value(role, field, value string) string {
	if value == "" {
		return ""
	}
	kind, a := p.fieldRule(role, field)
	return p.apply(role, kind, a, value)
}

// Text returns free text as role may see it in field: with the field's
// action scan (or mask, pseudonymise, generalise), every piece of personal
// data the recognizers find is treated by its type's rule (or by that
// action); with keep the text is returned as is, with suppress it is empty.
// For a field of a typed kind (name, phone, idcard ...) Text is Value: the
// whole value is treated, and so is a time, age or coordinate (generalised,
// not searched).
func (p *Dictionary) Text(role, field, text string) string {
	if text == "" {
		return ""
	}
	kind, a := p.fieldRule(role, field)
	if _, typed := kindTypes[kind]; typed && kind != "address" {
		// A name or phone field is one value, not text to search: a bare
		// name has no context for the recognizers.
		return p.apply(role, kind, a, text)
	}
	switch kind {
	case "datetime", "birthdate", "age", "coord":
		return p.apply(role, kind, a, text) // a value, not text
	case "address":
	default:
		kind = "text"
	}
	return p.apply(role, kind, a, text)
}

// Record applies Value to every field of rec and returns a new map.
func (p *Dictionary) Record(role string, rec map[string]string) map[string]string {
	out := make(map[string]string, len(rec))
	for f, v := range rec {
		out[f] = p.Value(role, f, v)
	}
	return out
}

func (p *Dictionary) apply(role, kind string, a Action, v string) string {
	switch a {
	case Keep:
		return v
	case Suppress:
		return ""
	}
	if t, ok := kindTypes[kind]; ok && kind != "address" {
		switch a {
		case Mask:
			return maskAs(t, v)
		case Pseudonymise:
			return p.pseudonym(t, v)
		case Generalise:
			return generaliseAs(t, v)
		}
		return ""
	}
	switch kind {
	case "text", "address":
		return p.scanText(role, kind, a, v)
	case "datetime":
		if a == Pseudonymise {
			return p.pseudonym("", v)
		}
		return GeneraliseTime(v)
	case "birthdate":
		if a == Pseudonymise {
			return p.pseudonym("", v)
		}
		return GeneraliseBirth(v)
	case "age":
		if a == Pseudonymise {
			return p.pseudonym("", v)
		}
		return GeneraliseAge(v)
	case "coord":
		if a == Pseudonymise {
			return p.pseudonym("", v)
		}
		return GeneraliseCoord(v)
	}
	switch a {
	case Pseudonymise:
		return p.pseudonym("", v)
	case Mask, Generalise:
		return maskKeep(v, 1, 0)
	}
	return ""
}

// suppressed labels stand in for personal data removed from free text, so
// that the sentence still reads.
var suppressed = map[Type]string{
	IDCard: "〔证件号〕", Phone: "〔电话〕", BankCard: "〔卡号〕", Plate: "〔车牌〕", USCC: "〔代码〕",
	Passport: "〔证件号〕", Email: "〔邮箱〕", Person: "〔姓名〕", Address: "〔门牌〕", IMID: "〔账号〕",
}

// scanText treats the personal data found in v. With action scan each
// piece follows its type's rule for role; with mask, pseudonymise or
// generalise that action applies to every piece. An address field
// generalised is cut before its first detailed part. Spaces typed between
// the parts of an address (5 号楼 2 单元) are read through: all of them in
// an address field (addressSpans), those next to an address unit in free
// text (textSpans).
func (p *Dictionary) scanText(role, kind string, a Action, v string) string {
	var spans []Span
	if kind == "address" {
		spans = addressSpans(v)
	} else {
		spans = textSpans(v)
	}
	if kind == "address" && a == Generalise {
		for i, sp := range spans {
			if sp.Type == Address {
				v = strings.TrimRightFunc(v[:sp.ByteStart], func(r rune) bool {
					return unicode.IsSpace(r) || strings.ContainsRune(",，、-", r)
				})
				spans = spans[:i]
				break
			}
		}
		a = Scan
	}
	if len(spans) == 0 {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	last := 0
	for _, sp := range spans {
		b.WriteString(v[last:sp.ByteStart])
		last = sp.ByteEnd
		sa := a
		if a == Scan {
			sa = p.spanAction(role, sp.Type)
		}
		switch sa {
		case Keep:
			b.WriteString(sp.Text)
		case Mask:
			b.WriteString(maskAs(sp.Type, sp.Text))
		case Generalise:
			if g := generaliseAs(sp.Type, sp.Text); g != "" {
				b.WriteString(g)
			} else {
				b.WriteString(suppressed[sp.Type])
			}
		case Pseudonymise:
			if tok := p.pseudonym(sp.Type, sp.Text); tok != "" {
				b.WriteString(tok)
			} else {
				b.WriteString(suppressed[sp.Type])
			}
		default:
			b.WriteString(suppressed[sp.Type])
		}
	}
	b.WriteString(v[last:])
	return b.String()
}

// tokenPrefix marks what a pseudonym stands for.
var tokenPrefix = map[Type]string{
	Person: "P_", Phone: "T_", IDCard: "I_", BankCard: "B_", Plate: "V_", USCC: "U_",
	Passport: "D_", Email: "E_", IMID: "M_", Address: "A_",
}

// normalise brings the forms of one value together before hashing, so that
// 138 1234 5678 in a ticket's text and +8613812345678 in its phone field get
// the same token.
func normalise(t Type, v string) string {
	v = strings.TrimSpace(v)
	switch t {
	case Phone:
		return phoneDigits(v)
	case BankCard:
		return digitsOf(v)
	case Email:
		return strings.ToLower(v)
	case Person:
		return strings.ReplaceAll(v, " ", "")
	}
	return strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "·", "", "•", "").Replace(v))
}

// pseudonym returns the keyed token for v, or "" without a key (the caller
// suppresses then).
func (p *Dictionary) pseudonym(t Type, v string) string {
	if len(p.key) == 0 {
		return ""
	}
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(t))
	m.Write([]byte{0})
	m.Write([]byte(normalise(t, v)))
	sum := m.Sum(nil)
	prefix := tokenPrefix[t]
	if prefix == "" {
		prefix = "X_"
	}
	return prefix + hex.EncodeToString(sum[:8])
}

// KAnonymity returns the k of a set of records for the quasi-identifiers
// (the size of the smallest group of records that agree on all of them) and
// the number of such groups. An export whose k is small lets a reader single
// people out by combining those fields. No records gives 0, 0.
func KAnonymity(records []map[string]string, quasiIdentifiers []string) (k int, classes int) {
	if len(records) == 0 {
		return 0, 0
	}
	counts := map[string]int{}
	var b strings.Builder
	for _, r := range records {
		b.Reset()
		for _, q := range quasiIdentifiers {
			v := r[q]
			// Length-prefixed, so that no value can fake a separator.
			fmt.Fprintf(&b, "%d:%s|", len(v), v)
		}
		counts[b.String()]++
	}
	k = len(records)
	for _, n := range counts {
		if n < k {
			k = n
		}
	}
	return k, len(counts)
}

// Table returns p in the form of its file: the header (target, kind, then
// one column a role) and one row a target — fields by name, then "*",
// then the @TYPE rows in the order of Types — for a settings page.
func (p *Dictionary) Table() (header []string, rows [][]string) {
	header = append([]string{"target", "kind"}, p.roles...)
	row := func(target, kind string, actions map[string]Action) []string {
		r := []string{target, kind}
		for _, role := range p.roles {
			r = append(r, string(actions[role]))
		}
		return r
	}
	names := make([]string, 0, len(p.fields))
	for n := range p.fields {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		rows = append(rows, row(n, p.fields[n].kind, p.fields[n].actions))
	}
	if p.star != nil {
		rows = append(rows, row("*", p.star.kind, p.star.actions))
	}
	for _, t := range Types {
		if acts, ok := p.spans[t]; ok {
			rows = append(rows, row("@"+string(t), "", acts))
		}
	}
	return header, rows
}
