package areas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"jiceng/internal/core"
)

// Bounds of a boundaries file, which is outside input.
const (
	MaxBoundaryBytes    = 20 << 20
	maxBoundaryFeatures = 5000
	maxBoundaryPoints   = 2_000_000 // positions in all features
)

// Boundary is the outline of one community or grid.
type Boundary struct {
	Level    string // "社区" or "网格"
	Code     string // of the community or grid
	Name     string
	Geometry string // Polygon or MultiPolygon
	Rings    int
	Points   int
	// Lng and Lat are the mean of the outer rings' vertices (the closing
	// vertex once): a centre for ordering neighbours, not a map label.
	Lng, Lat float64
}

// nameKeys are the feature properties that name an area, with the level
// they name ("" for either).
var nameKeys = []struct{ key, level string }{
	{"社区", "社区"}, {"community", "社区"}, {"社区编码", "社区"}, {"community_code", "社区"},
	{"网格", "网格"}, {"grid", "网格"}, {"网格编码", "网格"}, {"grid_code", "网格"},
	{"name", ""}, {"名称", ""}, {"code", ""}, {"编码", ""},
}

// ReadBoundaries reads the boundaries of a street's communities and grids
// from GeoJSON: a FeatureCollection whose features carry the name (or
// code) of a community or grid of a in their properties (社区 or 网格,
// community or grid, or name) and a Polygon or MultiPolygon geometry in
// longitude, latitude (WGS 84 or GCJ-02, as the street's map uses). A
// bad feature is reported with its number, and every bad feature at once
// (core.RowErrors, Row 0 and the feature in the reason).
func ReadBoundaries(b []byte, a core.Areas) ([]Boundary, error) {
	if len(b) > MaxBoundaryBytes {
		return nil, core.Errorf(core.EINVALID, "边界文件超过 %d MB", MaxBoundaryBytes>>20)
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return nil, core.Errorf(core.EINVALID, "边界文件不是有效的 GeoJSON（JSON 格式错误）")
	}
	if fc.Type != "FeatureCollection" {
		return nil, core.Errorf(core.EINVALID, "边界文件应为 GeoJSON FeatureCollection（type 为 %q）", clip(fc.Type))
	}
	if len(fc.Features) > maxBoundaryFeatures {
		return nil, core.Errorf(core.EINVALID, "边界文件有 %d 个要素，上限 %d", len(fc.Features), maxBoundaryFeatures)
	}
	comms, grids := map[string]core.Community{}, map[string]core.Grid{}
	for _, c := range a.Communities {
		comms[c.Name], comms[c.Code] = c, c
	}
	for _, g := range a.Grids {
		grids[g.Name], grids[g.Code] = g, g
	}
	var (
		out    []Boundary
		bad    core.RowErrors
		seen   = map[string]int{} // level+code: feature number
		points int
	)
	for i, raw := range fc.Features {
		n := i + 1
		fail := func(label, format string, args ...any) {
			if label != "" {
				label = "（" + label + "）"
			}
			bad = append(bad, core.RowError{Reason: fmt.Sprintf("第 %d 个要素%s：", n, label) + fmt.Sprintf(format, args...)})
		}
		var f struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
			Geometry   *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		}
		if err := json.Unmarshal(raw, &f); err != nil || f.Type != "Feature" {
			fail("", "应为 type 为 Feature 的对象")
			continue
		}
		var bd Boundary
		label := ""
		for _, k := range nameKeys {
			v, ok := f.Properties[k.key].(string)
			if v = strings.TrimSpace(v); !ok || v == "" {
				continue
			}
			label = clip(v)
			if c, ok := comms[v]; ok && k.level != "网格" {
				bd = Boundary{Level: "社区", Code: c.Code, Name: c.Name}
				break
			}
			if g, ok := grids[v]; ok && k.level != "社区" {
				bd = Boundary{Level: "网格", Code: g.Code, Name: g.Name}
				break
			}
		}
		switch {
		case label == "":
			fail("", "properties 中缺少社区或网格的名称（社区、网格 或 name）")
			continue
		case bd.Code == "":
			fail(label, "区域名录中没有这个社区或网格")
			continue
		}
		if prev, dup := seen[bd.Level+"\x00"+bd.Code]; dup {
			fail(label, "与第 %d 个要素重复", prev)
			continue
		}
		if f.Geometry == nil {
			fail(label, "缺少 geometry")
			continue
		}
		var polys [][][][]float64
		var err error
		switch bd.Geometry = f.Geometry.Type; bd.Geometry {
		case "Polygon":
			var p [][][]float64
			err = json.Unmarshal(f.Geometry.Coordinates, &p)
			polys = [][][][]float64{p}
		case "MultiPolygon":
			err = json.Unmarshal(f.Geometry.Coordinates, &polys)
		default:
			fail(label, "geometry 应为 Polygon 或 MultiPolygon")
			continue
		}
		if err != nil || len(polys) == 0 {
			fail(label, "坐标格式错误：应为 [经度, 纬度] 组成的闭合环")
			continue
		}
		if reason := checkPolygons(polys, &bd); reason != "" {
			fail(label, "%s", reason)
			continue
		}
		if points += bd.Points; points > maxBoundaryPoints {
			return nil, core.Errorf(core.EINVALID, "边界文件的坐标点超过 %d 个", maxBoundaryPoints)
		}
		seen[bd.Level+"\x00"+bd.Code] = n
		out = append(out, bd)
	}
	if err := bad.Err("边界文件"); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, core.Errorf(core.EINVALID, "边界文件没有任何要素")
	}
	return out, nil
}

// checkPolygons checks rings of [lon, lat] positions and counts them into
// bd; it returns the reason of the first fault.
func checkPolygons(polys [][][][]float64, bd *Boundary) string {
	var sx, sy, n float64
	defer func() {
		if n > 0 {
			bd.Lng, bd.Lat = sx/n, sy/n
		}
	}()
	for _, p := range polys {
		if len(p) == 0 {
			return "多边形没有环"
		}
		for ri, ring := range p {
			if len(ring) < 4 {
				return "每个环至少需要 4 个点（首尾相同）"
			}
			for _, pos := range ring {
				if len(pos) < 2 || len(pos) > 3 {
					return "坐标应为 [经度, 纬度]"
				}
				lon, lat := pos[0], pos[1]
				if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
					return fmt.Sprintf("坐标 [%g, %g] 超出经纬度范围（经度 ±180，纬度 ±90）", lon, lat)
				}
			}
			first, last := ring[0], ring[len(ring)-1]
			if first[0] != last[0] || first[1] != last[1] {
				return "环未闭合：首尾两点应相同"
			}
			if ri == 0 { // the outer ring
				for _, pos := range ring[1:] {
					sx, sy, n = sx+pos[0], sy+pos[1], n+1
				}
			}
			bd.Rings++
			bd.Points += len(ring)
		}
	}
	return ""
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 30 {
		return string(r[:30]) + "…"
	}
	return s
}
