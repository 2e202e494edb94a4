package demo

import (
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
