package main

import (
	"context"
	"fmt"
	"strings"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// demoShareFields are the fields of the demo's share key: the 区民政局
// reads the persons' names, phones and addresses (masked with the share
// role, as every share response).
var demoShareFields = []string{"person.name", "person.phone", "person.address"}

// demoKeys issues the demo's two API keys, an Open311 client's and the
// 区民政局's share key for the whole street, as an administrator would on
// /admin/keys (so that the page, the audit log and the APIs have
// something to show), and prints their secrets with the demo logins. The
// demo serves without them if issuing fails: it says so.
func demoKeys(ctx context.Context, e *env, db core.Store) {
	svc := &casework.Service{Store: db, Clock: e.clock, Audit: db}
	issuer := core.User{Username: "demo", Name: "演示", Role: core.RoleAdmin}
	_, o311, err := svc.IssueAPIKey(ctx, issuer, core.APIKey{Name: "市民随手拍", Purpose: core.APIKeyOpen311})
	if err != nil {
		e.log.Warn("demo API keys not issued", "err", err)
		fmt.Fprintf(e.stdout, "\n演示接口密钥未能生成：%s\n", userMessage(err))
		return
	}
	share, secret, err := svc.IssueAPIKey(ctx, issuer, core.APIKey{Name: "区民政局", Purpose: core.APIKeyShare, Fields: demoShareFields})
	if err != nil {
		e.log.Warn("demo share key not issued", "err", err)
		fmt.Fprintf(e.stdout, "\n演示数据共享接口密钥未能生成：%s\n", userMessage(err))
		return
	}
	fmt.Fprintf(e.stdout, "\n演示接口密钥（不保密，仅供本机演示；在“接口密钥”页面 /admin/keys 管理）:\n")
	fmt.Fprintf(e.stdout, "  Open311 接口密钥：%s  （市民随手拍）\n", o311)
	fmt.Fprintf(e.stdout, "  数据共享接口密钥：%s  （%s，字段 %s，全街道）\n", secret, share.Name, strings.Join(share.Fields, ","))
}
