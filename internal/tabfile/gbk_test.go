package tabfile

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

func decodeGB(t *testing.T, b []byte) (string, []badByte) {
	t.Helper()
	d := newGBDecoder()
	var out bytes.Buffer
	// A small buffer, so that sequences are cut between reads.
	r := transform.NewReader(bytes.NewReader(b), d)
	buf := make([]byte, 7)
	for {
		n, err := r.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return out.String(), d.take(1 << 62)
}

func TestGBDecoder(t *testing.T) {
	enc := func(s string) []byte {
		b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name    string
		in      []byte
		want    string
		badAt   []int64 // file offsets of the undecodable bytes
		badOuts int     // how many U+FFFD
	}{
		{"gbk", enc("楼道灯坏了，A3区"), "楼道灯坏了，A3区", nil, 0},
		{"four-byte gb18030", enc("𠀀€😀"), "𠀀€😀", nil, 0},
		{"0xFF", append(enc("楼"), 0xFF, 'a'), "楼\uFFFDa", []int64{2}, 1},
		{"0x80", []byte{'a', 0x80, 'b'}, "a\uFFFDb", []int64{1}, 1},
		{"lead without trail at the end", append(enc("好"), 0xC2), "好\uFFFD", []int64{2}, 1},
		{"bad trail", []byte{0xC2, 0x20, 'x'}, "\uFFFD x", []int64{0}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad := decodeGB(t, tt.in)
			if got != tt.want {
				t.Errorf("decoded %q, want %q", got, tt.want)
			}
			if len(bad) != len(tt.badAt) {
				t.Fatalf("bad = %v, want offsets %v", bad, tt.badAt)
			}
			for i, b := range bad {
				if b.in != tt.badAt[i] || !strings.HasPrefix(got[b.out:], "\uFFFD") {
					t.Errorf("bad %d = %+v, want file offset %d at a U+FFFD", i, b, tt.badAt[i])
				}
			}
		})
	}
}

// FuzzGBDecoder: whatever the bytes, every U+FFFD of the output is
// recorded at its offset, and text that is GB18030 decodes as x/text does.
func FuzzGBDecoder(f *testing.F) {
	f.Add([]byte("楼道"))
	f.Add([]byte{0xC2, 0xA5, 0xFF, 0x81, 0x30, 0x81, 0x30, 0x84, 0x31, 0xA4, 0x37, 0xFE})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, bad := decodeGB(t, b)
		if n := strings.Count(got, "\uFFFD"); n != len(bad) {
			t.Fatalf("%d U+FFFD in %q, %d recorded", n, got, len(bad))
		}
		for _, x := range bad {
			if x.out < 0 || x.out >= int64(len(got)) || !strings.HasPrefix(got[x.out:], "\uFFFD") || x.in < 0 || x.in >= int64(len(b)) {
				t.Fatalf("bad %+v does not point at a U+FFFD of %q", x, got)
			}
		}
		if len(bad) == 0 {
			want, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
			if err == nil && string(want) != got {
				t.Fatalf("decoded %q, x/text %q", got, want)
			}
		}
	})
}
