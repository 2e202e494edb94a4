// Package linkage joins records that describe the same person, house or
// enterprise across department spreadsheets (一人一档): Fellegi–Sunter
// record linkage in the spirit of Splink, with m and u probabilities
// estimated by expectation maximisation (no labels), blocking rules,
// term-frequency adjustment, comparators suited to Chinese names (pinyin,
// so that homophones typed by ear agree), addresses brought down to their
// ladder (小区/楼/单元/室), ID numbers with typo tolerance, and clustering
// of the pairwise matches with a clerical-review band.
//
// The package is pure: records in, pairs and clusters out. Link is safe to
// call from several goroutines on different inputs.
//
// Pseudonymised keys: when a source replaces ID numbers or phone numbers by
// keyed tokens from the masking dictionary (pseudonymise: HMAC-SHA256, see
// IsToken), linkage still works, because a token is stable for one key: such
// values compare exact-only (no typo level — a one-letter change of a token
// means nothing), and blocking on them works unchanged. Both sources must be
// pseudonymised with the same key, and the tokens must have been made from
// the same form of the number (the masking dictionary does not convert a
// 15-digit ID to 18 digits before hashing, so old-form IDs then do not match).
package linkage

// Kind says how a field is normalised and compared. Every kind has a
// "null" level (either side missing) that carries no weight.
type Kind uint8

// Field kinds and their comparison levels, best first.
const (
	// KindName is a personal name: exact / pinyin-equal (homophone) /
	// Jaro–Winkler ≥ Threshold / else. Its first character is read as a
	// surname (单 shan).
	KindName Kind = iota + 1
	// KindText is an organisation or free name (enterprise name): as
	// KindName without the surname reading.
	KindText
	// KindID is a resident ID number (GB 11643; 15-digit old form
	// converted): exact / one substitution or adjacent transposition / else.
	// A pseudonymised token compares exact / else.
	KindID
	// KindCode is another identifier such as a USCC: as KindID without the
	// 15-digit conversion.
	KindCode
	// KindPhone is a phone number: exact / else, after NormalizePhone.
	KindPhone
	// KindDate is a date: exact / one of year, month, day off (or day and
	// month swapped) / else.
	KindDate
	// KindGender is 男/女: exact / else.
	KindGender
	// KindAddress is an address: same room / same building / same estate /
	// else, after ParseAddress.
	KindAddress
	// KindExact is any other value: exact / else, after NormalizeName.
	KindExact
)

// levelNames are the comparison levels of each kind; level 0 is always
// "null".
var levelNames = map[Kind][]string{
	KindName:    {"null", "exact", "pinyin", "similar", "else"},
	KindText:    {"null", "exact", "pinyin", "similar", "else"},
	KindID:      {"null", "exact", "typo", "else"},
	KindCode:    {"null", "exact", "typo", "else"},
	KindPhone:   {"null", "exact", "else"},
	KindDate:    {"null", "exact", "near", "else"},
	KindGender:  {"null", "exact", "else"},
	KindAddress: {"null", "room", "building", "estate", "else"},
	KindExact:   {"null", "exact", "else"},
}

// Levels returns the names of k's comparison levels, "null" first.
func (k Kind) Levels() []string { return levelNames[k] }

// Field is one compared field of a record.
type Field struct {
	Name string // the field set's name of the column, e.g. "name"
	Kind Kind
	// Threshold is the Jaro–Winkler similarity of the "similar" level of
	// KindName and KindText; 0 means 0.8 (one character of a three-character
	// name mistyped, or two characters swapped).
	Threshold float64
	// TF turns on the term-frequency adjustment of the exact level (of the
	// room level for an address): agreeing on a common value (王伟) is
	// weaker evidence than agreeing on a rare one.
	TF bool
}

// Part is the part of a field a blocking key uses.
type Part uint8

// Blocking key parts.
const (
	PartValue    Part = iota + 1 // the normalised value
	PartPinyin                   // the pinyin key of a name
	PartSurname                  // the pinyin of a name's first character
	PartGiven                    // the pinyin of a name without its first character
	PartYear                     // the year of a date
	PartPrefix6                  // the first six characters (ID: the region code)
	PartEstate                   // an address's estate
	PartBuilding                 // an address's estate and building
	PartRoom                     // an address's estate, building, unit and room
)

// Key is one part of one field in a blocking rule.
type Key struct {
	Field string
	Part  Part
}

// Rule is a blocking rule: records are compared when they agree on every
// key of at least one rule. A record missing a key's value is not blocked
// by that rule.
type Rule struct {
	Name string
	Keys []Key
}

// Config is a linkage model: the compared fields, the blocking rules and
// the thresholds. The zero values of the numeric fields take the defaults
// given.
type Config struct {
	Fields   []Field
	Blocking []Rule
	// Correlated lists pairs of fields whose agreements are one piece of
	// evidence, not two: when both agree at their best level only the
	// larger weight counts. A household's landline and its room are the
	// example — family members share both, and Fellegi–Sunter's
	// independence assumption would add them up into a false match.
	Correlated [][2]string
	// Upper and Lower are match-probability thresholds: pairs at or above
	// Upper are matches (clustered), pairs in [Lower, Upper) go to clerical
	// review. Defaults 0.8 and 0.2.
	Upper, Lower float64
	// MaxBlock skips blocks with more records than this (a default value
	// such as a placeholder phone would otherwise compare everyone with
	// everyone); the skipped blocks are counted in Stats. Default 1000.
	MaxBlock int
	// MaxIterations and Tolerance bound EM. Defaults 100 and 1e-6.
	MaxIterations int
	Tolerance     float64
	// RandomPairs is the number of random record pairs u is measured on
	// (it is also the reference of the TF adjustment). Default 300000.
	RandomPairs int
	// Seed seeds the random-pair sample.
	Seed uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
}

// PeopleConfig is the model for residents (人口): name, ID number, phone,
// birth date, gender, address, with blocking on the ID number, the phone,
// the name's pinyin with the birth year, the surname or the given name with
// the birth date. Two rules one might expect are left out on purpose: the
// ID's region code with the birth date (most residents of a street share
// one region code, so it compares everyone born on the same day) and the
// room (it adds every family member as a candidate, doubling the pairs for
// 0.1 % recall on the benchmark); a mistyped ID or a missing birth date is
// caught by the other rules.
func PeopleConfig() Config {
	return Config{
		Fields: []Field{
			{Name: "name", Kind: KindName, TF: true},
			{Name: "id_number", Kind: KindID},
			{Name: "phone", Kind: KindPhone, TF: true},
			{Name: "birth_date", Kind: KindDate},
			{Name: "gender", Kind: KindGender},
			{Name: "address", Kind: KindAddress, TF: true},
		},
		Blocking: []Rule{
			{"id", []Key{{"id_number", PartValue}}},
			{"phone", []Key{{"phone", PartValue}}},
			{"name pinyin + birth year", []Key{{"name", PartPinyin}, {"birth_date", PartYear}}},
			{"surname + birth", []Key{{"name", PartSurname}, {"birth_date", PartValue}}},
			{"given name + birth", []Key{{"name", PartGiven}, {"birth_date", PartValue}}},
		},
		Correlated: [][2]string{{"phone", "address"}},
	}
}

// EnterpriseConfig is the model for enterprises (企业): name, USCC, legal
// person, address.
func EnterpriseConfig() Config {
	return Config{
		Fields: []Field{
			{Name: "name", Kind: KindText, TF: true},
			{Name: "uscc", Kind: KindCode},
			{Name: "legal_person", Kind: KindName, TF: true},
			{Name: "address", Kind: KindAddress, TF: true},
		},
		Blocking: []Rule{
			{"uscc", []Key{{"uscc", PartValue}}},
			{"name pinyin", []Key{{"name", PartPinyin}}},
			{"legal person + estate", []Key{{"legal_person", PartPinyin}, {"address", PartEstate}}},
			{"room", []Key{{"address", PartRoom}}},
		},
	}
}

// HouseConfig is the model for houses (房屋): address and owner.
func HouseConfig() Config {
	return Config{
		Fields: []Field{
			{Name: "address", Kind: KindAddress, TF: true},
			{Name: "owner", Kind: KindName, TF: true},
		},
		Blocking: []Rule{
			{"room", []Key{{"address", PartRoom}}},
			{"owner + building", []Key{{"owner", PartPinyin}, {"address", PartBuilding}}},
		},
	}
}

func (c *Config) defaults() {
	if c.Upper == 0 {
		c.Upper = 0.8
	}
	if c.Lower == 0 {
		c.Lower = 0.2
	}
	if c.MaxBlock == 0 {
		c.MaxBlock = 1000
	}
	if c.MaxIterations == 0 {
		c.MaxIterations = 100
	}
	if c.Tolerance == 0 {
		c.Tolerance = 1e-6
	}
	if c.RandomPairs == 0 {
		c.RandomPairs = 300000
	}
}
