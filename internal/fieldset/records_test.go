package fieldset

import (
	"errors"
	"testing"
)

func TestRecordSets(t *testing.T) {
	for _, kind := range RecordKinds {
		s := Records(kind)
		if s == nil || len(s.Fields) == 0 {
			t.Fatalf("%s: no field set", kind)
		}
		if KindLabel[kind] == "" {
			t.Errorf("%s: no label", kind)
		}
		for _, key := range RecordKeys[kind] {
			for _, f := range key {
				if s.Field(f) == nil {
					t.Errorf("%s: key field %s is not declared", kind, f)
				}
			}
		}
		for _, name := range []string{"community", "grid", "updated_at"} {
			if s.Field(name) == nil {
				t.Errorf("%s: no %s field", kind, name)
			}
		}
	}
	if Records("car") != nil {
		t.Error("unknown kind has a field set")
	}
	tests := []struct{ kind, header, want string }{
		{KindPerson, "公民身份号码", "id_number"},
		{KindPerson, "现住址", "address"},
		{KindPerson, "人员标签", "marks"},
		{KindHouse, "业主", "owner_name"},
		{KindEnterprise, "法人", "legal_person"},
		{KindEnterprise, "营业期限至", "licence_to"},
		{KindOrganisation, "登记证号", "uscc"},
	}
	for _, tc := range tests {
		if f := Records(tc.kind).Lookup(tc.header); f == nil || f.Name != tc.want {
			t.Errorf("%s %q: got %v, want %s", tc.kind, tc.header, f, tc.want)
		}
	}
}

func TestRecordKey(t *testing.T) {
	tests := []struct {
		name, kind string
		values     map[string]string
		key        string
		which      int
		ok         bool
	}{
		{"person by id", KindPerson, map[string]string{"id_number": "110105194912310021", "name": "张三"}, "110105194912310021", 0, true},
		{"person by name and birth", KindPerson, map[string]string{"name": "张三", "birth_date": "1949-12-31"}, "张三|1949-12-31", 1, true},
		{"person by name and phone", KindPerson, map[string]string{"name": "张三", "phone": "13800138000"}, "张三|13800138000", 2, true},
		{"person name only", KindPerson, map[string]string{"name": "张三"}, "", 0, false},
		{"house by ladder", KindHouse, map[string]string{"community": "清河湾", "estate": "阳光里", "building": "3", "unit_no": "2", "room": "301"}, "清河湾|阳光里|3|2|301", 0, true},
		{"house by address", KindHouse, map[string]string{"address": "阳光里3号楼2单元301", "room": "301"}, "阳光里3号楼2单元301", 1, true},
		{"enterprise by uscc", KindEnterprise, map[string]string{"uscc": "91110000802100433B", "name": "甲公司"}, "91110000802100433B", 0, true},
		{"enterprise by name", KindEnterprise, map[string]string{"name": " 甲公司 "}, "甲公司", 1, true},
		{"unknown kind", "car", map[string]string{"name": "x"}, "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key, which, ok := RecordKey(tc.kind, tc.values)
			if key != tc.key || which != tc.which || ok != tc.ok {
				t.Errorf("got %q %d %v, want %q %d %v", key, which, ok, tc.key, tc.which, tc.ok)
			}
		})
	}
}

func TestParseUSCC(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"valid", "91110000802100433B", "91110000802100433B", nil},
		{"valid letters", "91350100M000100Y43", "91350100M000100Y43", nil},
		{"lower case and spaces", " 9144030071526726xg ", "9144030071526726XG", nil},
		{"full width", "９１１１００００８０２１００４３３Ｂ", "91110000802100433B", nil},
		{"wrong check", "91110000802100433C", "", ErrUSCCCheck},
		{"short", "9111000080210043", "", ErrUSCC},
		{"letter I", "9111000080210043IB", "", ErrUSCC},
		{"letters in division", "9111A00080210043 3B", "", ErrUSCC},
		{"empty", "", "", ErrUSCC},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseUSCC(tc.in)
			if got != tc.want || !errors.Is(err, tc.err) {
				t.Errorf("ParseUSCC(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestDateField(t *testing.T) {
	f := Records(KindPerson).Field("birth_date")
	tests := []struct{ in, want string }{
		{"1949-12-31", "1949-12-31"},
		{"1949年12月31日", "1949-12-31"},
		{"19491231", "1949-12-31"},
		{"1949/12/31 08:00", "1949-12-31"},
		{"1949-02-30", ""},
	}
	for _, tc := range tests {
		got, err := f.Normalize(tc.in)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{"91110000802100433B", "91350100M000100Y43", "", "９１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseUSCC(s)
		if err != nil {
			return
		}
		if again, err := ParseUSCC(v); err != nil || again != v {
			t.Fatalf("normalised %q does not read back: %q, %v", v, again, err)
		}
	})
}
