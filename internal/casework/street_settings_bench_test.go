package casework

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"jiceng/internal/core"
	"jiceng/internal/eligibility"
	"jiceng/internal/quality"
	"jiceng/internal/sqlite"
)

// BenchmarkStreetSettings times what every data-quality run and service
// list pays to read the street's settings in force from the store (the
// built-in check file and rules stored as versions, and a grid_workers
// table of 1,000 grids read against areas of 1,000 grids), on SQLite:
//
//	go test ./internal/casework -run XXX -bench StreetSettings -benchmem
func BenchmarkStreetSettings(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "street.db"), func() time.Time { return now })
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	a := core.Areas{Streets: []core.Street{{Code: "S", Name: "街道"}}}
	var table strings.Builder
	table.WriteString("网格,网格员,电话,账号\n")
	for c := range 50 {
		a.Communities = append(a.Communities, core.Community{Code: fmt.Sprintf("C%02d", c), Name: fmt.Sprintf("第%d社区", c+1), Street: "S"})
		for g := range 20 {
			code := fmt.Sprintf("C%02d-%02d", c, g)
			a.Grids = append(a.Grids, core.Grid{Code: code, Name: fmt.Sprintf("第%d社区第%d网格", c+1, g+1), Community: fmt.Sprintf("C%02d", c)})
			fmt.Fprintf(&table, "%s,网格员%d,010-6230%04d,\n", code, c*20+g, c*20+g)
		}
	}
	if err := db.ReplaceAreas(ctx, a); err != nil {
		b.Fatal(err)
	}
	for name, content := range map[string]string{core.SettingQualityChecks: quality.DefaultChecksText(),
		core.SettingEligibility: string(eligibility.DefaultRulesCSV()), core.SettingGridWorkers: table.String()} {
		if _, err := db.PutSetting(ctx, name, []byte(content), name, "bench", now); err != nil {
			b.Fatal(err)
		}
	}
	s := &Service{Store: db}
	b.Run("QualityChecks", func(b *testing.B) {
		for b.Loop() {
			if _, v, err := s.QualityChecks(ctx); err != nil || v != 1 {
				b.Fatal(v, err)
			}
		}
	})
	b.Run("ServiceRules", func(b *testing.B) {
		for b.Loop() {
			if _, v, err := s.ServiceRules(ctx); err != nil || v != 1 {
				b.Fatal(v, err)
			}
		}
	})
	b.Run("GridWorkers1000", func(b *testing.B) {
		for b.Loop() {
			if w, _, err := s.GridWorkers(ctx); err != nil || len(w.Rows()) != 1000 {
				b.Fatal(err)
			}
		}
	})
}
