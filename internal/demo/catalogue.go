package demo

import (
	"slices"

	"jiceng/internal/core"
)

// OwnCommunity in a dispatch rule stands for the ticket's own community
// unit (属地社区); it is dispatch.OwnCommunity, spelt out here so that demo
// does not depend on dispatch.
const ownCommunity = "属地社区"

// catalogueMinWeight is the smallest catalog weight whose category gets a
// dispatch rule: the common categories are in the catalogue, the rare ones
// are left to the learned model, as on a real street.
const catalogueMinWeight = 3

// DispatchCatalogue returns the demo street's dispatch catalogue (派单目录),
// consistent with how the generator assigns units: one rule per common
// category (catalog weight ≥ 3) sending it to the unit that handles most
// such tickets, with the units that handle the rest as co-units; a keyword
// rule for snow clearing; and low-priority keyword rules for the four
// utilities, for tickets whose category is missing or uncommon. It has about
// ninety rules. The generator sends some 30% of the tickets of a category
// with several units to one of the others, so the catalogue is right for
// most but not all tickets it matches.
func DispatchCatalogue(st Street) []core.DispatchRule {
	g, err := sharedGenerator()
	if err != nil {
		panic("demo: " + err.Error()) // the catalog is embedded and tested
	}
	names := map[string]string{}
	for _, u := range st.Units {
		names[u.Code] = u.Name
	}
	unit := func(code string) string {
		if code == "C" {
			return ownCommunity
		}
		return names[code]
	}
	var rules []core.DispatchRule
	done := map[core.Category]bool{}
	for _, sp := range g.specs {
		if sp.weight < catalogueMinWeight || done[sp.cat] || len(sp.units) == 0 {
			continue
		}
		done[sp.cat] = true
		r := core.DispatchRule{Category1: sp.cat.Level1, Category2: sp.cat.Level2, Category3: sp.cat.Level3,
			Unit: unit(sp.units[0])}
		for _, c := range sp.units[1:] {
			if u := unit(c); u != "" && u != r.Unit && !slices.Contains(r.CoUnits, u) {
				r.CoUnits = append(r.CoUnits, u)
			}
		}
		if r.Unit != "" {
			rules = append(rules, r)
		}
	}
	envSanitation := core.Category{Level1: "城乡建设", Level2: "城市建设和市政管理", Level3: "环境卫生"}
	rules = append(rules,
		core.DispatchRule{Category1: envSanitation.Level1, Category2: envSanitation.Level2, Category3: envSanitation.Level3,
			Keywords: []string{"积雪", "扫雪", "道路结冰"}, Unit: names["D08"], CoUnits: []string{names["D01"], names["A06"]},
			Note: "冬季扫雪铲冰"},
		core.DispatchRule{Keywords: []string{"暖气", "供暖", "采暖"}, Unit: names["A04"], CoUnits: []string{names["A06"]},
			Priority: -1, Note: "供热"},
		core.DispatchRule{Keywords: []string{"天然气", "燃气"}, Unit: names["A03"], Priority: -1, Note: "燃气"},
		core.DispatchRule{Keywords: []string{"停电", "供电", "跳闸"}, Unit: names["A02"], CoUnits: []string{names["A06"]},
			Priority: -1, Note: "供电"},
		core.DispatchRule{Keywords: []string{"停水", "自来水", "水压低"}, Unit: names["A01"], CoUnits: []string{names["A06"]},
			Priority: -1, Note: "供水"},
	)
	return rules
}
