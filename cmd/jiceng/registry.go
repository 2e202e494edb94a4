package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"jiceng/internal/areas"
	"jiceng/internal/core"
	"jiceng/internal/dispatch"
	"jiceng/internal/importer"
	"jiceng/internal/taxonomy"
)

// runRegistry implements "jiceng registry": it replaces the taxonomy, the
// area registry and the units with a street's own files (CSV or XLSX, any
// supported encoding), then prints what the database holds.
func runRegistry(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "registry", "registry [-db DSN] [-taxonomy FILE|default] [-areas FILE] [-units FILE] [-dispatch FILE]")
	dsn := fs.String("db", defaultDSN(), "数据库：SQLite 文件路径或 postgres:// URL")
	taxFile := fs.String("taxonomy", "", "问题分类文件（列：一级分类,二级分类,三级分类）；default 表示内置分类")
	areasFile := fs.String("areas", "", "区域文件（列：街道,社区,网格，可加 街道编码,社区编码,网格编码）")
	unitsFile := fs.String("units", "", "承办单位文件（列：名称，可加 编码,类型,所属社区,电话）")
	dispatchFile := fs.String("dispatch", "", "派单目录文件（列：一级分类,二级分类,三级分类,关键词,社区,承办单位,协办单位,优先级,备注）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	// Parse every file before touching the database, so that a bad file
	// changes nothing.
	var (
		cats     []core.Category
		newAreas *core.Areas
		units    []core.Unit
		rules    []core.DispatchRule
		// catalogueRows are the file rows of rules.
		catalogueRows []int
	)
	if *taxFile == "default" {
		cats = taxonomy.Default()
	} else if *taxFile != "" {
		rows, err := readRecords(*taxFile)
		if err != nil {
			return err
		}
		if cats, err = taxonomy.FromRows(rows); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(*taxFile), err)
		}
	}
	if *areasFile != "" {
		rows, err := readRecords(*areasFile)
		if err != nil {
			return err
		}
		a, err := areas.FromRows(rows)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(*areasFile), err)
		}
		newAreas = &a
	}
	if *unitsFile != "" {
		rows, err := readRecords(*unitsFile)
		if err != nil {
			return err
		}
		if units, err = areas.UnitsFromRows(rows); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(*unitsFile), err)
		}
	}
	if *dispatchFile != "" {
		var bad []dispatch.RowError
		var err error
		if rules, catalogueRows, bad, err = dispatch.LoadCatalogueRows(*dispatchFile); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(*dispatchFile), err)
		}
		if len(bad) > 0 {
			for _, b := range bad {
				fmt.Fprintf(e.stderr, "%s: %s\n", filepath.Base(*dispatchFile), b.Error())
			}
			return core.Errorf(core.EINVALID, "派单目录有 %d 行不合格，未载入任何一行；请改正后重新载入", len(bad))
		}
	}

	st, err := openStore(ctx, *dsn, e.clock)
	if err != nil {
		return err
	}
	defer st.Close()
	if rules != nil {
		// Rules must name units, categories and communities of the street:
		// the files given now, or else those stored.
		reg := dispatch.Registry{Categories: cats, Units: units}
		if newAreas != nil {
			reg.Areas = *newAreas
		} else if reg.Areas, err = st.Areas(ctx); err != nil {
			return err
		}
		if reg.Categories == nil {
			if reg.Categories, err = st.Categories(ctx); err != nil {
				return err
			}
		}
		if reg.Units == nil {
			if reg.Units, err = st.Units(ctx); err != nil {
				return err
			}
		}
		if bad := dispatch.Check(rules, catalogueRows, reg); len(bad) > 0 {
			for _, b := range bad {
				fmt.Fprintf(e.stderr, "%s: %s\n", filepath.Base(*dispatchFile), b.Error())
			}
			return core.Errorf(core.EINVALID, "派单目录有 %d 行与单位、分类或社区名录不符，未载入任何一行；请改正后重新载入", len(bad))
		}
	}
	// Each file loaded is also kept as a version of its setting, as an
	// upload through the settings pages is.
	record := func(name, path string) error {
		if path == "" || path == "default" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		_, err = st.PutSetting(ctx, name, b, filepath.Base(path), "registry", e.clock.Now())
		return err
	}
	if cats != nil {
		if err := st.ReplaceCategories(ctx, cats); err != nil {
			return err
		}
		if err := record(core.SettingTaxonomy, *taxFile); err != nil {
			return err
		}
	}
	if newAreas != nil {
		if err := st.ReplaceAreas(ctx, *newAreas); err != nil {
			return err
		}
		if err := record(core.SettingAreas, *areasFile); err != nil {
			return err
		}
	}
	if units != nil {
		if err := st.ReplaceUnits(ctx, units); err != nil {
			return err
		}
		if err := record(core.SettingUnits, *unitsFile); err != nil {
			return err
		}
	}
	if rules != nil {
		v, err := st.ReplaceDispatchRules(ctx, rules, core.CatalogueVersion{CreatedAt: e.clock.Now(), CreatedBy: "registry", Source: filepath.Base(*dispatchFile)})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "派单目录已载入为第 %d 版（%d 条）\n", v.Version, v.Rules)
	}

	cats, err = st.Categories(ctx)
	if err != nil {
		return err
	}
	a, err := st.Areas(ctx)
	if err != nil {
		return err
	}
	units, err = st.Units(ctx)
	if err != nil {
		return err
	}
	rules, err = st.DispatchRules(ctx)
	if err != nil {
		return err
	}
	top := map[string]bool{}
	for _, c := range cats {
		top[c.Level1] = true
	}
	fmt.Fprintf(e.stdout, "问题分类 %d 项（一级 %d 类）, 街道 %d 个, 社区 %d 个, 网格 %d 个, 承办单位 %d 个, 派单目录 %d 条\n",
		len(cats), len(top), len(a.Streets), len(a.Communities), len(a.Grids), len(units), len(rules))
	return nil
}

// readRecords reads every record of a small CSV or XLSX file, whatever its
// encoding, through the importer's readers.
func readRecords(path string) ([][]string, error) {
	r, _, err := importer.Open(path, importer.ReadOptions{})
	if err != nil {
		return nil, err
	}
	defer r.Close()
	var rows [][]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
		}
		if row.Err != "" {
			return nil, fmt.Errorf("%s 第 %d 行: %s", filepath.Base(path), row.Num, row.Err)
		}
		rows = append(rows, append([]string(nil), row.Cells...))
	}
}
