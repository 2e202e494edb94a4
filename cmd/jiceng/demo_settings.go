package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// demoWorkerSurnames and demoWorkerGiven make the fictitious names of the
// demo street's grid workers (网格员).
var (
	demoWorkerSurnames = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗"}
	demoWorkerGiven    = []string{"建华", "秀兰", "志强", "玉梅", "海燕", "国栋", "丽萍", "卫东", "春华", "晓红", "德明", "桂香"}
)

// seedDemoSettings stores the demo street's own settings of issue 15: a
// grid_workers table naming a worker (网格员) for every grid, the demo's
// community-worker accounts the workers of their community's first grid.
// The data-quality check file and the eligibility rules stay the built-in
// ones, which the settings pages show as 内置默认 and let be replaced.
func seedDemoSettings(ctx context.Context, e *env, db core.Store) error {
	content, err := demoGridWorkers(ctx, db)
	if err != nil {
		return fmt.Errorf("生成演示网格员表: %w", err)
	}
	if _, err := db.PutSetting(ctx, core.SettingGridWorkers, content, "演示网格员.csv", "demo", e.clock.Now()); err != nil {
		return fmt.Errorf("保存演示网格员表: %w", err)
	}
	return nil
}

// demoGridWorkers writes the demo's grid_workers table, checked as an
// upload is.
func demoGridWorkers(ctx context.Context, db core.Store) ([]byte, error) {
	a, err := db.Areas(ctx)
	if err != nil {
		return nil, err
	}
	units, err := db.Units(ctx)
	if err != nil {
		return nil, err
	}
	users, err := db.Users(ctx)
	if err != nil {
		return nil, err
	}
	// The community worker (by user name, the demo login "community"
	// before the clerks) of each community.
	slices.SortFunc(users, func(x, y core.User) int { return cmpDemoLogin(x.Username, y.Username) })
	account := map[string]core.User{} // community code → user
	for _, u := range users {
		if u.Role != core.RoleCommunity || u.Disabled {
			continue
		}
		for _, un := range units {
			if (un.Code == u.Unit || un.Name == u.Unit) && un.Community != "" {
				if _, ok := account[un.Community]; !ok {
					account[un.Community] = u
				}
			}
		}
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Write([]string{"网格", "社区", "网格员", "电话", "账号"})
	first := map[string]bool{}
	for i, g := range a.Grids {
		name := demoWorkerSurnames[i%len(demoWorkerSurnames)] + demoWorkerGiven[(i*7+i/len(demoWorkerSurnames))%len(demoWorkerGiven)]
		login := ""
		if u, ok := account[g.Community]; ok && !first[g.Community] {
			login = u.Username
			if u.Name != "" {
				name = u.Name
			}
		}
		first[g.Community] = true
		w.Write([]string{g.Code, "", name, fmt.Sprintf("010-6231%04d", i+1), login})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	if _, err := casework.ReadGridWorkers(buf.Bytes(), a); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cmpDemoLogin orders the demo's logins ("community", "community2")
// before the clerks' accounts ("clerk-c02").
func cmpDemoLogin(x, y string) int {
	return cmp.Or(cmpBool(strings.HasPrefix(x, "clerk-"), strings.HasPrefix(y, "clerk-")), strings.Compare(x, y))
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
