package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"jiceng/internal/casework"
	"jiceng/internal/core"
	"jiceng/internal/deid"
	"jiceng/internal/fieldset"
)

// deidKeyEnv names the environment variable that holds the
// pseudonymisation key: configuration, never a flag (flags show in ps) and
// never the database.
const deidKeyEnv = "JICENG_DEID_KEY"

// addDictionaryFlag declares -dictionary on fs: the masking dictionary
// file; -policy, its earlier name, is accepted too.
func addDictionaryFlag(fs *flag.FlagSet) *string {
	file := fs.String("dictionary", "", "脱敏字典 CSV 文件（默认内置 policy.csv）")
	fs.StringVar(file, "policy", "", "同 -dictionary（旧名）")
	return file
}

// loadDictionary returns the masking dictionary in file, or the built-in one
// for "", with the pseudonymisation key of $JICENG_DEID_KEY when it is set.
func loadDictionary(file string) (*deid.Dictionary, error) {
	p := deid.DefaultDictionary()
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, fmt.Errorf("无法打开脱敏字典 %s", filepath.Base(file))
		}
		p, err = deid.LoadDictionary(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("脱敏字典 %s: %w", filepath.Base(file), err)
		}
	}
	if key := os.Getenv(deidKeyEnv); key != "" {
		var err error
		if p, err = p.WithKey([]byte(key)); err != nil {
			return nil, fmt.Errorf("环境变量 %s 中的假名化密钥太短：至少需要 %d 字节", deidKeyEnv, deid.MinKeyLen)
		}
	}
	return p, nil
}

// checkRole reports, in Chinese, why p cannot serve role: a role without
// a column in the dictionary, or a role that pseudonymises without a key.
func checkRole(p *deid.Dictionary, role string) error {
	roles := p.Roles()
	known := false
	for _, r := range roles {
		known = known || r == role
	}
	if !known {
		return core.Errorf(core.EINVALID, "脱敏字典中没有角色 %q（可用: %s）", role, strings.Join(roles, ", "))
	}
	if err := p.Check(role); errors.Is(err, deid.ErrNoKey) {
		return core.Errorf(core.EINVALID, "角色 %s 的规则需要假名化密钥：请设置环境变量 %s（至少 %d 字节）", role, deidKeyEnv, deid.MinKeyLen)
	}
	return nil
}

// cliUser is the operator of the command line: an administrator.
var cliUser = core.User{Username: "cli", Role: core.RoleAdmin}

// storeCleaner returns the importer's Clean hook: every value of a ticket,
// Extra included, as the dictionary's store role allows it to be stored
// (casework.MaskTicket, by the one table of ticket fields).
func storeCleaner(p *deid.Dictionary, fields *fieldset.Set) func(*core.Ticket) {
	return func(t *core.Ticket) { *t = casework.MaskTicket(p, fields, casework.StoreRole, *t) }
}
