package demo

import (
	"math"
	"testing"

	"jiceng/internal/areas"
)

// TestBoundaries: the demo's outlines are a valid boundaries file of its
// registry, one polygon per community.
func TestBoundaries(t *testing.T) {
	st := NewStreet(1)
	bs, err := areas.ReadBoundaries(Boundaries(), st.Areas)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != len(communities) {
		t.Fatalf("%d boundaries, want %d", len(bs), len(communities))
	}
	for _, b := range bs {
		if b.Level != "社区" || b.Geometry != "Polygon" || b.Points < 4 {
			t.Errorf("boundary %+v", b)
		}
	}
}

// TestBoundaryCentres: each community's outline is centred near its
// centre (its Voronoi cell contains it).
func TestBoundaryCentres(t *testing.T) {
	bs, err := areas.ReadBoundaries(Boundaries(), NewStreet(1).Areas)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range bs {
		c := communities[i]
		if math.Abs(b.Lng-c.lng) > 0.006 || math.Abs(b.Lat-c.lat) > 0.006 {
			t.Errorf("%s: centre %.4f,%.4f, community at %.4f,%.4f", b.Name, b.Lng, b.Lat, c.lng, c.lat)
		}
	}
}
