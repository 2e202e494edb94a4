package main

import (
	"context"
	"fmt"

	"jiceng/internal/casework"
	"jiceng/internal/core"
)

// runRecordsLink links a kind's records in the database (一人一档) and
// prints the run's figures: records, clusters, matches, review pairs,
// decisions applied and the time of each stage. Never a value.
func runRecordsLink(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "records link", "records link [-db DSN] -kind person|house|enterprise")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	kind := fs.String("kind", "person", "链接的类别：person、house 或 enterprise")
	if err := fs.Parse(args); err != nil {
		return err
	}
	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &casework.Service{Store: st, Clock: e.clock}
	run, err := svc.LinkRecords(ctx, core.User{Username: "system", Name: "system", Role: core.RoleAdmin}, *kind)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "类别 %s：记录 %d，一人多档 %d 组（%d 条记录），自动匹配 %d 对，待核对 %d 对，人工结论 是同一人 %d / 不是同一人 %d\n",
		run.Kind, run.Records, run.Clusters, run.Linked, run.Matches, run.Review, run.Same, run.Different)
	for _, st := range run.Stages {
		fmt.Fprintf(e.stdout, "  %-14s %v\n", st.Name, st.Time.Round(1000))
	}
	fmt.Fprintf(e.stdout, "用时 %v\n", run.Took.Round(1000))
	return nil
}
