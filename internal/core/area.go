package core

import "context"

// Street (街道) is the top administrative area jiceng serves.
type Street struct {
	Code string
	Name string
}

// Community (社区) belongs to a street.
type Community struct {
	Code   string
	Name   string
	Street string // street code
}

// Grid (网格) belongs to a community.
type Grid struct {
	Code      string
	Name      string
	Community string // community code
}

// Unit kinds.
const (
	UnitCommunity  = "社区"
	UnitDepartment = "街道科室"
	UnitAgency     = "外部单位"
)

// Unit (承办单位) handles tickets: a community, a department of the street or
// an outside agency.
type Unit struct {
	Code      string
	Name      string
	Kind      string
	Community string // community code, for Kind == UnitCommunity
	Phone     string
}

// Areas is the registry of a street's areas.
type Areas struct {
	Streets     []Street
	Communities []Community
	Grids       []Grid
}

// Category is one leaf of the 3-level taxonomy (问题分类).
type Category struct {
	Level1, Level2, Level3 string
}

// AreaStore stores the area registry, units and the taxonomy.
type AreaStore interface {
	// ReplaceAreas replaces the whole area registry.
	ReplaceAreas(ctx context.Context, a Areas) error
	Areas(ctx context.Context) (Areas, error)
	// ReplaceUnits replaces the list of units.
	ReplaceUnits(ctx context.Context, units []Unit) error
	Units(ctx context.Context) ([]Unit, error)
	// ReplaceCategories replaces the taxonomy.
	ReplaceCategories(ctx context.Context, cats []Category) error
	Categories(ctx context.Context) ([]Category, error)
}
