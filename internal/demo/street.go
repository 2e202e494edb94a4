package demo

import (
	"fmt"
	"strings"

	"jiceng/internal/core"
)

// The fictional street. Names are invented; any likeness to a real street is
// accidental. The district is called 海川区 and sits where a Beijing district
// would, so phones are 010 and plates 京.
const (
	districtName = "海川区"
	streetCode   = "QHW"
	streetName   = "清河湾街道"
)

// community is one 社区 with its residential compounds (小区), roads and a
// rough centre for coordinates. size weighs how many tickets it produces.
type community struct {
	name     string
	xiaoqu   []string
	roads    []string
	lng, lat float64
	size     float64
}

var communities = []community{
	{"望春园社区", []string{"望春园一区", "望春园二区", "春晓家园"}, []string{"望春路", "清河湾路"}, 116.3312, 40.0321, 1.3},
	{"柳荫里社区", []string{"柳荫里小区", "柳荫嘉园", "蓝湾公寓"}, []string{"柳荫街", "长乐街"}, 116.3368, 40.0297, 1.1},
	{"枫林苑社区", []string{"枫林苑", "枫林北里", "红枫家园"}, []string{"枫林北路", "枫林南路"}, 116.3425, 40.0334, 1.0},
	{"学院东路社区", []string{"学院东路8号院", "科研所宿舍", "育新花园"}, []string{"学院东路", "育新南路"}, 116.3281, 40.0262, 0.9},
	{"润泽西里社区", []string{"润泽西里", "润泽雅居", "润泽商务楼"}, []string{"润泽大街", "西里一巷"}, 116.3219, 40.0288, 1.0},
	{"金泉家园社区", []string{"金泉家园一期", "金泉家园二期", "金泉公寓"}, []string{"金泉路", "金泉东街"}, 116.3472, 40.0251, 1.2},
	{"安和里社区", []string{"安和里平房区", "安和里小区", "和平楼"}, []string{"安和胡同", "安和北巷"}, 116.3390, 40.0224, 0.8},
	{"翠湖南社区", []string{"翠湖南里", "翠湖雅苑", "湖畔华庭"}, []string{"翠湖南路", "翠湖西街"}, 116.3186, 40.0356, 1.0},
	{"铁路北社区", []string{"铁路北宿舍", "铁北新村", "机务段宿舍"}, []string{"铁路北街", "站前路"}, 116.3511, 40.0305, 0.7},
	{"清河湾东社区", []string{"清河湾东里", "清河湾嘉园", "滨河家园"}, []string{"清河湾东路", "滨河路"}, 116.3554, 40.0362, 1.0},
}

const gridsPerCommunity = 4

// Unit codes: C01–C10 the communities, D01–D10 street departments, A01–A10
// outside agencies. The catalog refers to units by these codes, and "C" means
// the community of the ticket.
var departments = []struct{ code, name, phone string }{
	{"D01", "城市管理办公室", "010-62301101"},
	{"D02", "平安建设办公室", "010-62301102"},
	{"D03", "社区建设办公室", "010-62301103"},
	{"D04", "民生保障办公室", "010-62301104"},
	{"D05", "综合行政执法队", "010-62301105"},
	{"D06", "清河湾市场监管所", "010-62301106"},
	{"D07", "清河湾派出所", "010-62301107"},
	{"D08", "环卫所", "010-62301108"},
	{"D09", "社会保障事务所", "010-62301109"},
	{"D10", "党群工作办公室", "010-62301110"},
}

var agencies = []struct{ code, name, phone string }{
	{"A01", "海川区自来水公司", "010-62302201"},
	{"A02", "海川供电公司", "95598"},
	{"A03", "海川燃气公司", "96777"},
	{"A04", "海川热力公司", "96069"},
	{"A05", "海川区房管所", "010-62302205"},
	{"A06", "清河湾物业管理公司", "010-62302206"},
	{"A07", "交通支队清河湾大队", "010-62302207"},
	{"A08", "清河湾社区卫生服务中心", "010-62302208"},
	{"A09", "海川园林绿化队", "010-62302209"},
	{"A10", "海川区教育委员会", "010-62302210"},
}

// unitQuality is how well each unit works, 0..1, by unit index (communities,
// departments, agencies). It drives speed and satisfaction, so that rankings
// in the 三率 reports have something to find: 铁路北社区, 海川热力公司 and
// 清河湾物业管理公司 do worst; 望春园社区 and 清河湾派出所 best.
var unitQuality = []float64{
	0.95, 0.85, 0.82, 0.88, 0.80, 0.84, 0.78, 0.86, 0.62, 0.83, // communities
	0.84, 0.90, 0.86, 0.88, 0.76, 0.81, 0.94, 0.79, 0.87, 0.90, // departments
	0.80, 0.86, 0.88, 0.64, 0.74, 0.58, 0.83, 0.89, 0.81, 0.85, // agencies
}

// demoUsers are the accounts of the demo street: one per role plus a few more.
var demoUsers = []struct{ username, name, role, unit string }{
	{"admin", "赵敏", core.RoleAdmin, ""},
	{"leader", "郑国华", core.RoleLeader, ""},
	{"staff", "孙丽娟", core.RoleStaff, ""},
	{"staff2", "吴海涛", core.RoleStaff, ""},
	{"community", "周桂兰", core.RoleCommunity, "C01"},
	{"community2", "钱志刚", core.RoleCommunity, "C09"},
	{"handler", "冯建军", core.RoleHandler, "D01"},
	{"handler2", "陈晓燕", core.RoleHandler, "A04"},
	{"handler3", "褚立新", core.RoleHandler, "D07"},
	{"resident", "卫小明", core.RoleResident, ""},
}

// clerkNames are the names of the units' clerks (经办人), one for each unit
// without a demo login, in unit order (communities, departments, agencies).
var clerkNames = []string{"王秀英", "李春梅", "张德福", "刘淑珍", "陈永强", "杨丽华", "黄建平", "赵玉兰",
	"吴国庆", "周海燕", "徐志明", "孙桂芳", "马文斌", "朱红霞", "胡振东", "郭春燕",
	"何立军", "高雅琴", "林保国", "罗晓梅", "梁振华", "宋玉洁", "唐建新", "韩秋菊", "曹志远"}

// noLogin is the password hash of accounts that cannot sign in: no
// argon2id hash matches it.
const noLogin = "!"

// NewStreet returns the fictional demo street 清河湾街道: 1 street, 10
// communities, 40 grids, 30 units, the demo users with their logins, and a
// clerk for every unit without a demo user.
//
// The street is the same for every seed today; seed is accepted so that a
// later version can vary it without changing the API.
func NewStreet(seed int64) Street {
	_ = seed
	var st Street
	st.Areas.Streets = []core.Street{{Code: streetCode, Name: streetName}}
	for i, c := range communities {
		cc := communityCode(i)
		st.Areas.Communities = append(st.Areas.Communities, core.Community{Code: cc, Name: c.name, Street: streetCode})
		for g := 0; g < gridsPerCommunity; g++ {
			st.Areas.Grids = append(st.Areas.Grids, core.Grid{Code: gridCode(i, g), Name: gridName(i, g), Community: cc})
		}
		st.Units = append(st.Units, core.Unit{Code: unitCode('C', i), Name: c.name, Kind: core.UnitCommunity,
			Community: cc, Phone: fmt.Sprintf("010-6230%04d", 1001+i)})
	}
	for _, d := range departments {
		st.Units = append(st.Units, core.Unit{Code: d.code, Name: d.name, Kind: core.UnitDepartment, Phone: d.phone})
	}
	for _, a := range agencies {
		st.Units = append(st.Units, core.Unit{Code: a.code, Name: a.name, Kind: core.UnitAgency, Phone: a.phone})
	}
	for _, u := range demoUsers {
		st.Users = append(st.Users, core.User{Username: u.username, Name: u.name, Role: u.role, Unit: u.unit})
		st.Logins = append(st.Logins, Login{Username: u.username, Password: "demo-" + u.username + "-2025",
			Role: u.role, Name: u.name})
	}
	hasUser := map[string]bool{}
	for _, u := range demoUsers {
		hasUser[u.unit] = true
	}
	k := 0
	for _, u := range st.Units {
		if hasUser[u.Code] || k >= len(clerkNames) {
			continue
		}
		role := core.RoleHandler
		if u.Kind == core.UnitCommunity {
			role = core.RoleCommunity
		}
		st.Clerks = append(st.Clerks, core.User{Username: "clerk-" + strings.ToLower(u.Code), Name: clerkNames[k],
			Role: role, Unit: u.Code})
		k++
	}
	return st
}

func communityCode(i int) string { return fmt.Sprintf("%s%02d", streetCode, i+1) }
func gridCode(i, g int) string   { return fmt.Sprintf("%s%02d-%02d", streetCode, i+1, g+1) }
func gridName(i, g int) string {
	return fmt.Sprintf("%s第%d网格", communities[i].name, g+1)
}

// gridNames caches gridName by community*gridsPerCommunity + grid.
var gridNames = func() []string {
	var ns []string
	for i := range communities {
		for g := 0; g < gridsPerCommunity; g++ {
			ns = append(ns, gridName(i, g))
		}
	}
	return ns
}()

func unitCode(kind byte, i int) string { return fmt.Sprintf("%c%02d", kind, i+1) }
