package eligibility

import (
	"slices"
	"strings"
)

// kind is how a field's value is compared in a condition.
type kind int

const (
	kindNumber kind = iota // 年龄: a whole number
	kindText               // 性别, 社区, ...: a string, compared whole
	kindEnum               // a string from a fixed list of values
	kindTags               // 重点人群: a set of tags (包含)
	kindBool               // 是否独居: 是/否, usable alone as a condition
	kindLevel              // 残疾等级: 一级 (most severe) .. 四级, ordered
)

// field ids, in the order of fields.
const (
	fAge = iota
	fGender
	fResidence
	fMarks
	fLivingAlone
	fDisabilityLevel
	fDisabilityType
	fCommunity
	fGrid
	fEstate
	nFields
)

// Field is one fact of a person that a condition may name.
type Field struct {
	Name    string   // the name in the person field set (age is derived and has none)
	Label   string   // the Chinese label shown in explanations
	Aliases []string // other names a rule may use
	kind    kind
	Values  []string // the allowed values of an enum, tag or level field
}

// Person field names (internal/fieldset/persons.csv) read by FactsOf.
const (
	FieldName            = "name"
	FieldIDNumber        = "id_number"
	FieldPhone           = "phone"
	FieldGender          = "gender"
	FieldBirthDate       = "birth_date"
	FieldResidenceType   = "residence_type"
	FieldAddress         = "address"
	FieldEstate          = "estate"
	FieldBuilding        = "building"
	FieldUnitNo          = "unit_no"
	FieldRoom            = "room"
	FieldCommunity       = "community"
	FieldGrid            = "grid"
	FieldMarks           = "marks"
	FieldLivingAlone     = "living_alone"
	FieldDisabilityLevel = "disability_level"
	FieldDisabilityType  = "disability_type"
	FieldUpdatedAt       = "updated_at"
)

// Marks are the key-population tags (重点人群) of the person field set.
var Marks = []string{"独居老人", "空巢老人", "残疾人", "低保", "低收入", "特困人员", "退役军人",
	"失独家庭", "重病患者", "留守儿童", "优抚对象", "高龄老人"}

// ResidenceTypes are the values of 人口类型.
var ResidenceTypes = []string{"户籍人口", "流动人口", "人户分离", "境外人员"}

// DisabilityLevels are the values of 残疾等级, most severe first: a
// condition 残疾等级 <= 二级 means 一级 or 二级.
var DisabilityLevels = []string{"一级", "二级", "三级", "四级"}

// fields are the facts a condition can name, indexed by the f* ids.
var fields = [nFields]Field{
	fAge:             {Name: "", Label: "年龄", Aliases: []string{"age", "周岁"}, kind: kindNumber},
	fGender:          {Name: FieldGender, Label: "性别", kind: kindEnum, Values: []string{"男", "女"}},
	fResidence:       {Name: FieldResidenceType, Label: "人口类型", Aliases: []string{"户籍类型", "居住类型"}, kind: kindEnum, Values: ResidenceTypes},
	fMarks:           {Name: FieldMarks, Label: "重点人群", Aliases: []string{"人群标签", "重点人群标签"}, kind: kindTags, Values: Marks},
	fLivingAlone:     {Name: FieldLivingAlone, Label: "是否独居", Aliases: []string{"独居"}, kind: kindBool},
	fDisabilityLevel: {Name: FieldDisabilityLevel, Label: "残疾等级", kind: kindLevel, Values: DisabilityLevels},
	fDisabilityType:  {Name: FieldDisabilityType, Label: "残疾类别", kind: kindText},
	fCommunity:       {Name: FieldCommunity, Label: "社区", kind: kindText},
	fGrid:            {Name: FieldGrid, Label: "网格", kind: kindText},
	fEstate:          {Name: FieldEstate, Label: "小区", kind: kindText},
}

// Fields returns the facts a condition can name, in a fixed order.
func Fields() []Field {
	out := make([]Field, nFields)
	copy(out[:], fields[:])
	return out
}

// fieldByName maps every label, alias and field-set name (lower case) to
// its field id.
var fieldByName = func() map[string]int {
	m := map[string]int{}
	for i, f := range fields {
		m[f.Label] = i
		if f.Name != "" {
			m[f.Name] = i
		}
		for _, a := range f.Aliases {
			m[strings.ToLower(a)] = i
		}
	}
	return m
}()

func lookupField(name string) (int, bool) {
	i, ok := fieldByName[strings.ToLower(name)]
	return i, ok
}

// fieldLabels lists the labels of every field, for error messages.
func fieldLabels() string {
	var l []string
	for _, f := range fields {
		l = append(l, f.Label)
	}
	return strings.Join(l, "、")
}

// levelOf returns the rank of a disability level (一级 = 1 .. 四级 = 4),
// also given as 1..4, 1级, 一, or 0 when s is not a level.
func levelOf(s string) int {
	s = strings.TrimSpace(s)
	if i := slices.Index(DisabilityLevels, s); i >= 0 {
		return i + 1
	}
	s = strings.TrimSuffix(strings.TrimSuffix(s, "级"), "等")
	switch s {
	case "1", "一", "壹":
		return 1
	case "2", "二", "贰":
		return 2
	case "3", "三", "叁":
		return 3
	case "4", "四", "肆":
		return 4
	}
	return 0
}

// personLabels maps the Chinese labels of the person field set, and a few
// common spreadsheet headers, to the field names.
var personLabels = map[string]string{
	"姓名": FieldName, "身份证号": FieldIDNumber, "身份证号码": FieldIDNumber, "公民身份号码": FieldIDNumber,
	"联系电话": FieldPhone, "电话": FieldPhone, "手机号": FieldPhone, "性别": FieldGender,
	"出生日期": FieldBirthDate, "人口类型": FieldResidenceType, "居住地址": FieldAddress, "地址": FieldAddress,
	"小区": FieldEstate, "楼栋": FieldBuilding, "单元": FieldUnitNo, "室": FieldRoom, "房号": FieldRoom,
	"社区": FieldCommunity, "网格": FieldGrid, "重点人群": FieldMarks, "人群标签": FieldMarks,
	"是否独居": FieldLivingAlone, "独居": FieldLivingAlone, "残疾等级": FieldDisabilityLevel,
	"残疾类别": FieldDisabilityType, "更新时间": FieldUpdatedAt,
}

var personNames = []string{FieldName, FieldIDNumber, FieldPhone, FieldGender, FieldBirthDate, FieldResidenceType,
	FieldAddress, FieldEstate, FieldBuilding, FieldUnitNo, FieldRoom, FieldCommunity, FieldGrid, FieldMarks,
	FieldLivingAlone, FieldDisabilityLevel, FieldDisabilityType, FieldUpdatedAt}

// PersonField returns the person field-set name of a file header: the
// name itself (id_number) or its Chinese label (身份证号); "" when the
// header is neither.
func PersonField(header string) string {
	h := strings.TrimSpace(strings.TrimPrefix(header, "\ufeff"))
	if n, ok := personLabels[h]; ok {
		return n
	}
	if h = strings.ToLower(h); slices.Contains(personNames, h) {
		return h
	}
	return ""
}
