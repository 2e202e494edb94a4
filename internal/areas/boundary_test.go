package areas

import (
	"math"
	"strings"
	"testing"

	"jiceng/internal/core"
)

var testAreas = core.Areas{
	Streets:     []core.Street{{Code: "S", Name: "清河湾街道"}},
	Communities: []core.Community{{Code: "C1", Name: "望春园社区", Street: "S"}, {Code: "C2", Name: "柳荫里社区", Street: "S"}},
	Grids:       []core.Grid{{Code: "G1", Name: "望春园第1网格", Community: "C1"}},
}

const square = `[[[116.1,40.1],[116.2,40.1],[116.2,40.2],[116.1,40.2],[116.1,40.1]]]`

func feature(props, geomType, coords string) string {
	return `{"type":"Feature","properties":` + props + `,"geometry":{"type":"` + geomType + `","coordinates":` + coords + `}}`
}

func collection(fs ...string) string {
	return `{"type":"FeatureCollection","features":[` + strings.Join(fs, ",") + `]}`
}

func TestReadBoundaries(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Boundary
		errs []string // each in the error
	}{
		{"community by name", collection(feature(`{"社区":"望春园社区"}`, "Polygon", square)),
			[]Boundary{{Level: "社区", Code: "C1", Name: "望春园社区", Geometry: "Polygon", Rings: 1, Points: 5}}, nil},
		{"grid by code, multipolygon", collection(feature(`{"grid_code":"G1"}`, "MultiPolygon", "["+square+","+square+"]")),
			[]Boundary{{Level: "网格", Code: "G1", Name: "望春园第1网格", Geometry: "MultiPolygon", Rings: 2, Points: 10}}, nil},
		{"name of either level", collection(feature(`{"name":"柳荫里社区"}`, "Polygon", square), feature(`{"name":"望春园第1网格"}`, "Polygon", square)),
			[]Boundary{{Level: "社区", Code: "C2", Name: "柳荫里社区", Geometry: "Polygon", Rings: 1, Points: 5},
				{Level: "网格", Code: "G1", Name: "望春园第1网格", Geometry: "Polygon", Rings: 1, Points: 5}}, nil},
		{"BOM", "\ufeff" + collection(feature(`{"社区":"望春园社区"}`, "Polygon", square)),
			[]Boundary{{Level: "社区", Code: "C1", Name: "望春园社区", Geometry: "Polygon", Rings: 1, Points: 5}}, nil},
		{"every bad feature", collection(
			feature(`{"社区":"火星社区"}`, "Polygon", square),
			feature(`{"社区":"望春园社区"}`, "Point", `[116,40]`),
			feature(`{"社区":"柳荫里社区"}`, "Polygon", `[[[1,2],[2,2],[1,2]]]`),
			feature(`{"网格":"望春园社区"}`, "Polygon", square),
			feature(`{"社区":"望春园社区"}`, "Polygon", `[[[1,2],[2,2],[2,91],[1,2]]]`),
			feature(`{"社区":"望春园社区"}`, "Polygon", `"x"`),
			`{"type":"Feature","properties":{"社区":"柳荫里社区"}}`,
			`[1]`,
		), nil, []string{"第 1 个要素（火星社区）：区域名录中没有", "第 2 个要素（望春园社区）：geometry 应为 Polygon",
			"第 3 个要素（柳荫里社区）：每个环至少需要 4 个点", "第 4 个要素（望春园社区）：区域名录中没有",
			"第 5 个要素（望春园社区）：坐标 [2, 91] 超出", "第 6 个要素（望春园社区）：坐标格式错误",
			"第 7 个要素（柳荫里社区）：缺少 geometry", "第 8 个要素：应为 type 为 Feature"}},
		{"duplicate", collection(feature(`{"社区":"望春园社区"}`, "Polygon", square), feature(`{"社区编码":"C1"}`, "Polygon", square)),
			nil, []string{"第 2 个要素（C1）：与第 1 个要素重复"}},
		{"not a collection", `{"type":"Feature"}`, nil, []string{"应为 GeoJSON FeatureCollection"}},
		{"not JSON", `<html>`, nil, []string{"不是有效的 GeoJSON"}},
		{"empty", `{"type":"FeatureCollection","features":[]}`, nil, []string{"没有任何要素"}},
		{"too large", strings.Repeat(" ", MaxBoundaryBytes+1), nil, []string{"超过"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadBoundaries([]byte(tc.in), testAreas)
			if tc.errs == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(tc.want) {
					t.Fatalf("got %+v, want %+v", got, tc.want)
				}
				for i := range got {
					// The test squares are centred at 116.15, 40.15.
					if math.Abs(got[i].Lng-116.15) > 1e-9 || math.Abs(got[i].Lat-40.15) > 1e-9 {
						t.Errorf("boundary %d centred at %v, %v, want 116.15, 40.15", i, got[i].Lng, got[i].Lat)
					}
					got[i].Lng, got[i].Lat = 0, 0
					if got[i] != tc.want[i] {
						t.Errorf("boundary %d = %+v, want %+v", i, got[i], tc.want[i])
					}
				}
				return
			}
			if core.ErrorCode(err) != core.EINVALID {
				t.Fatalf("err %v, want EINVALID", err)
			}
			msg := core.ErrorMessage(err)
			for _, w := range tc.errs {
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

func FuzzReadBoundaries(f *testing.F) {
	f.Add(collection(feature(`{"社区":"望春园社区"}`, "Polygon", square)))
	f.Add(collection(feature(`{"grid":"G1"}`, "MultiPolygon", "["+square+"]")))
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":1},"geometry":{"type":"Polygon","coordinates":[[[1e400,0]]]}}]}`)
	f.Add(`{"type":"FeatureCollection","features":[[[[[[]]]]]]}`)
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ReadBoundaries([]byte(in), testAreas)
		if err != nil {
			if core.ErrorCode(err) != core.EINVALID || core.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not a user-facing EINVALID", err)
			}
			return
		}
		if len(got) == 0 {
			t.Fatal("no boundaries and no error")
		}
		for _, b := range got {
			if b.Code == "" || b.Rings == 0 || b.Points < 4*b.Rings {
				t.Fatalf("boundary %+v", b)
			}
		}
	})
}
