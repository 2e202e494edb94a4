package dbutil

import (
	"testing"
	"testing/fstest"
)

func TestMigrations(t *testing.T) {
	tests := []struct {
		name    string
		files   fstest.MapFS
		want    []int
		wantErr bool
	}{
		{"ordered by number", fstest.MapFS{
			"m/0010_ten.sql": {Data: []byte("x")}, "m/0002_two.sql": {Data: []byte("y")}, "m/README": {Data: []byte("z")},
		}, []int{2, 10}, false},
		{"none", fstest.MapFS{}, nil, false},
		{"no number", fstest.MapFS{"m/init.sql": {}}, nil, true},
		{"same number", fstest.MapFS{"m/0001_a.sql": {}, "m/0001_b.sql": {}}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := Migrations(tt.files, "m")
			if (err != nil) != tt.wantErr {
				t.Fatalf("err: got %v, want error %v", err, tt.wantErr)
			}
			var got []int
			for _, m := range ms {
				got = append(got, m.Version)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got versions %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got versions %v, want %v", got, tt.want)
				}
			}
		})
	}
}
