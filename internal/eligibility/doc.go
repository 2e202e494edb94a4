// Package eligibility decides which residents a street serves under its
// key-population rules (重点人群精准服务) and lists them for the workers:
// who is due a visit, a subsidy check or a policy notice, and why.
//
// A rule file (LoadRules; DefaultRules is the embedded rules.csv of a
// Beijing street) is CSV with one rule a line:
// 编号,名称,条件,服务类型,周期,责任人,政策依据,说明. The condition (条件) is a
// small language over a person's facts — 年龄 >= 80 且 独居,
// 重点人群 包含 "残疾人" 且 (重点人群 包含 "低保" 或 重点人群 包含 "低收入") — with
// Chinese and ASCII operators (see Condition); errors name the line, the
// rule, the column and the character.
//
// A person is given as the person field set stores it (field names →
// values, FieldIDNumber etc.). FactsOf reads the facts at an as-of day:
// the age from the birth date or else the ID number, the gender from the
// ID number when missing. Missing facts are unknown, not false: a rule
// only matches on facts that are there (three-valued logic), and the
// near-miss list says which fact to fill in.
//
// Rules.Evaluate gives each matching rule with the facts that decided it
// ("年龄 86 ≥ 80；是否独居 = 是") and, on request, the rules a person nearly
// meets ("年龄 79 < 80（2026-12-02 满 80 周岁）", "是否独居未填"). A Lister
// turns persons into list entries with the responsible worker (Workers:
// grid or community × role → worker) and, for rules with a cycle (每周 ...
// 每年), the visit state from the last service (Visits, Schedule):
// 待首次服务, 未到期, 即将到期 or 已逾期. SortServiceList, PolicyList and
// DueVisits order the lists deterministically.
//
// The package is pure: values in, values out, no database, no clock (the
// as-of day is passed in), safe for concurrent use once loaded.
package eligibility
