package demo

import (
	"encoding/json"
	"fmt"
)

// Boundaries returns the GeoJSON outlines of the demo street's communities:
// the Voronoi cells of their centres inside the street's bounding box, so
// that the communities tile the street as on a real map. It is the demo's
// 区域边界 setting.
func Boundaries() []byte {
	minLng, maxLng, minLat, maxLat := communities[0].lng, communities[0].lng, communities[0].lat, communities[0].lat
	for _, c := range communities {
		minLng, maxLng = min(minLng, c.lng), max(maxLng, c.lng)
		minLat, maxLat = min(minLat, c.lat), max(maxLat, c.lat)
	}
	const margin = 0.004
	box := [][2]float64{{minLng - margin, minLat - margin}, {maxLng + margin, minLat - margin},
		{maxLng + margin, maxLat + margin}, {minLng - margin, maxLat + margin}}
	type feature struct {
		Type       string            `json:"type"`
		Properties map[string]string `json:"properties"`
		Geometry   struct {
			Type        string         `json:"type"`
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"geometry"`
	}
	fc := struct {
		Type     string    `json:"type"`
		Features []feature `json:"features"`
	}{Type: "FeatureCollection"}
	for i, c := range communities {
		cell := box
		for j, o := range communities {
			if i != j {
				cell = nearer(cell, [2]float64{c.lng, c.lat}, [2]float64{o.lng, o.lat})
			}
		}
		ring := append(round(cell), round(cell[:1])...) // closed
		f := feature{Type: "Feature", Properties: map[string]string{"社区": c.name}}
		f.Geometry.Type = "Polygon"
		f.Geometry.Coordinates = [][][2]float64{ring}
		fc.Features = append(fc.Features, f)
	}
	b, err := json.Marshal(fc)
	if err != nil {
		panic(fmt.Sprintf("demo: boundaries: %v", err)) // our own values
	}
	return b
}

// nearer clips the convex polygon poly to the half-plane of points nearer
// to a than to b (Sutherland–Hodgman against the perpendicular bisector).
func nearer(poly [][2]float64, a, b [2]float64) [][2]float64 {
	// side > 0: nearer to a.
	side := func(p [2]float64) float64 {
		da := (p[0]-a[0])*(p[0]-a[0]) + (p[1]-a[1])*(p[1]-a[1])
		db := (p[0]-b[0])*(p[0]-b[0]) + (p[1]-b[1])*(p[1]-b[1])
		return db - da
	}
	var out [][2]float64
	for i, p := range poly {
		q := poly[(i+1)%len(poly)]
		sp, sq := side(p), side(q)
		if sp >= 0 {
			out = append(out, p)
		}
		if (sp >= 0) != (sq >= 0) {
			t := sp / (sp - sq)
			out = append(out, [2]float64{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])})
		}
	}
	return out
}

func round(ps [][2]float64) [][2]float64 {
	out := make([][2]float64, len(ps))
	for i, p := range ps {
		out[i] = [2]float64{float64(int64(p[0]*1e6+0.5)) / 1e6, float64(int64(p[1]*1e6+0.5)) / 1e6}
	}
	return out
}
