package fieldset

import (
	_ "embed"
	"strings"
)

// Record kinds: the base-data registries (人/房/企/组织) beside the tickets.
const (
	KindPerson       = "person"       // 人口
	KindHouse        = "house"        // 房屋
	KindEnterprise   = "enterprise"   // 企业
	KindOrganisation = "organisation" // 组织
)

// RecordKinds are the registry kinds, in the order pages list them.
var RecordKinds = []string{KindPerson, KindHouse, KindEnterprise, KindOrganisation}

// KindLabel is the Chinese name of each record kind.
var KindLabel = map[string]string{
	KindPerson: "人口", KindHouse: "房屋", KindEnterprise: "企业", KindOrganisation: "组织",
}

var (
	//go:embed persons.csv
	personsCSV string
	//go:embed houses.csv
	housesCSV string
	//go:embed enterprises.csv
	enterprisesCSV string
	//go:embed organisations.csv
	organisationsCSV string
)

var recordCSV = map[string]*string{
	KindPerson: &personsCSV, KindHouse: &housesCSV, KindEnterprise: &enterprisesCSV, KindOrganisation: &organisationsCSV,
}

// Records returns the built-in field set of a registry kind, or nil for an
// unknown kind.
func Records(kind string) *Set {
	src, ok := recordCSV[kind]
	if !ok {
		return nil
	}
	s, err := Load(strings.NewReader(*src))
	if err != nil {
		panic("fieldset: built-in " + kind + " field set: " + err.Error())
	}
	return s
}

// RecordKeys are, per kind, the fields that identify a record within one
// source, best first: the first of them that a row has is its key (an ID
// number, else name and birth date; a credit code, else the name; the
// house's address parts). The import uses it to update a record in place
// when a source is loaded again.
var RecordKeys = map[string][][]string{
	KindPerson:       {{"id_number"}, {"name", "birth_date"}, {"name", "phone"}},
	KindHouse:        {{"community", "estate", "building", "unit_no", "room"}, {"address"}},
	KindEnterprise:   {{"uscc"}, {"name"}},
	KindOrganisation: {{"uscc"}, {"name"}},
}

// RecordKey returns the key of a record of kind from its normalised values
// (field name → value): the parts of the first complete key of RecordKeys
// joined by "|", and which key it is (its index); ok is false when no key is
// complete.
func RecordKey(kind string, values map[string]string) (key string, which int, ok bool) {
	for i, fields := range RecordKeys[kind] {
		parts := make([]string, 0, len(fields))
		for _, f := range fields {
			v := strings.TrimSpace(values[f])
			if v == "" {
				break
			}
			parts = append(parts, v)
		}
		if len(parts) == len(fields) {
			return strings.Join(parts, "|"), i, true
		}
	}
	return "", 0, false
}
