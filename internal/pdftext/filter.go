package pdftext

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
)

// errFilter is an unsupported or broken filter: the stream is skipped.
type errFilter struct {
	filter name
	err    error
}

func (e *errFilter) Error() string {
	if e.err != nil {
		return fmt.Sprintf("filter %s: %v", e.filter, e.err)
	}
	return fmt.Sprintf("filter %s not supported", e.filter)
}

func (e *errFilter) Unwrap() error { return e.err }

// decode returns the decoded bytes of s, applying its filters in order,
// within MaxStreamBytes and what is left of MaxTotalBytes.
func (d *document) decode(s *stream) ([]byte, error) {
	var filters []name
	var parms []dict
	switch f := d.resolve(s.dict["Filter"]).(type) {
	case name:
		filters = []name{f}
		p, _ := d.resolve(s.dict["DecodeParms"]).(dict)
		parms = []dict{p}
	case array:
		pa, _ := d.resolve(s.dict["DecodeParms"]).(array)
		for i, o := range f {
			n, ok := d.resolve(o).(name)
			if !ok {
				return nil, &errFilter{filter: "?"}
			}
			filters = append(filters, n)
			var p dict
			if i < len(pa) {
				p, _ = d.resolve(pa[i]).(dict)
			}
			parms = append(parms, p)
		}
	}
	if len(filters) > 8 {
		return nil, &errFilter{filter: "?", err: errors.New("too many filters")}
	}
	data := s.raw
	for i, f := range filters {
		limit := min(MaxStreamBytes, MaxTotalBytes-d.inflated)
		var err error
		switch f {
		case "FlateDecode", "Fl":
			data, err = inflate(data, limit)
			if err == nil {
				data, err = d.predict(data, parms[i])
			}
		case "ASCIIHexDecode", "AHx":
			data, _ = asciiHex(data)
		case "ASCII85Decode", "A85":
			data, err = ascii85Decode(data)
		case "RunLengthDecode", "RL":
			data, err = runLength(data, limit)
		default:
			return nil, &errFilter{filter: f}
		}
		if err != nil {
			return nil, &errFilter{filter: f, err: err}
		}
		if len(data) > limit {
			return nil, &errLimit{"decoded stream size"}
		}
		d.inflated += len(data)
	}
	return data, nil
}

// inflate decompresses zlib data, reading at most limit+1 bytes so that a
// small bomb cannot take memory. A stream with a bad checksum or a missing
// end keeps what could be read; one without a zlib header is tried as raw
// deflate.
func inflate(b []byte, limit int) ([]byte, error) {
	var r io.Reader
	zr, err := zlib.NewReader(bytes.NewReader(b))
	if err != nil {
		r = flate.NewReader(bytes.NewReader(b))
	} else {
		r = zr
	}
	out, err := readLimited(r, limit)
	if err != nil {
		if errors.Is(err, errTooBig) {
			return nil, &errLimit{"decoded stream size"}
		}
		if len(out) == 0 {
			return nil, err
		}
	}
	return out, nil
}

var errTooBig = errors.New("too big")

func readLimited(r io.Reader, limit int) ([]byte, error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, int64(limit)+1))
	if n > int64(limit) {
		return nil, errTooBig
	}
	return buf.Bytes(), err
}

// predict undoes a PNG or TIFF predictor (used by cross-reference streams).
func (d *document) predict(b []byte, p dict) ([]byte, error) {
	if p == nil {
		return b, nil
	}
	pred, _ := intOf(d.resolve(p["Predictor"]))
	if pred <= 1 {
		return b, nil
	}
	colors, bpc, columns := 1, 8, 1
	if v, ok := intOf(d.resolve(p["Colors"])); ok {
		colors = v
	}
	if v, ok := intOf(d.resolve(p["BitsPerComponent"])); ok {
		bpc = v
	}
	if v, ok := intOf(d.resolve(p["Columns"])); ok {
		columns = v
	}
	if colors < 1 || colors > 32 || bpc < 1 || bpc > 16 || columns < 1 || columns > 1<<20 {
		return nil, errors.New("bad predictor parameters")
	}
	bpp := max(1, colors*bpc/8)            // bytes per pixel, for the filters
	rowLen := (colors*bpc*columns + 7) / 8 // bytes per row, without the tag
	if pred == 2 {
		if bpc != 8 {
			return nil, errors.New("TIFF predictor with bits per component other than 8")
		}
		out := append([]byte(nil), b...)
		for r := 0; r+rowLen <= len(out); r += rowLen {
			for i := bpp; i < rowLen; i++ {
				out[r+i] += out[r+i-bpp]
			}
		}
		return out, nil
	}
	// PNG predictors: each row starts with its filter type.
	out := make([]byte, 0, len(b)/(rowLen+1)*rowLen)
	prev := make([]byte, rowLen)
	for r := 0; r+1 <= len(b); r += rowLen + 1 {
		tag := b[r]
		end := min(r+1+rowLen, len(b))
		row := make([]byte, rowLen)
		copy(row, b[r+1:end])
		for i := 0; i < rowLen; i++ {
			var left, upLeft byte
			if i >= bpp {
				left, upLeft = row[i-bpp], prev[i-bpp]
			}
			up := prev[i]
			switch tag {
			case 0:
			case 1:
				row[i] += left
			case 2:
				row[i] += up
			case 3:
				row[i] += byte((int(left) + int(up)) / 2)
			case 4:
				row[i] += paeth(left, up, upLeft)
			default:
				return nil, fmt.Errorf("bad PNG filter type %d", tag)
			}
		}
		out = append(out, row...)
		prev = row
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	if pa <= pb && pa <= pc {
		return a
	}
	if pb <= pc {
		return b
	}
	return c
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// asciiHex decodes hexadecimal digits up to the first '>' (other bytes
// passed over, an odd last digit read as if followed by 0), as
// ASCIIHexDecode data and hexadecimal strings are written, and returns
// them with the number of bytes read, the '>' included.
func asciiHex(b []byte) (out []byte, n int) {
	end := bytes.IndexByte(b, '>')
	n = end + 1
	if end < 0 {
		end, n = len(b), len(b)
	}
	out = make([]byte, 0, end/2+1)
	hi := -1
	for _, c := range b[:end] {
		v := hexVal(c)
		if v < 0 {
			continue
		}
		if hi < 0 {
			hi = v
		} else {
			out = append(out, byte(hi<<4|v))
			hi = -1
		}
	}
	if hi >= 0 {
		out = append(out, byte(hi<<4))
	}
	return out, n
}

// ascii85Decode decodes ASCII85Decode data up to its "~>".
func ascii85Decode(b []byte) ([]byte, error) {
	b = bytes.TrimSpace(b)
	b = bytes.TrimPrefix(b, []byte("<~"))
	if i := bytes.Index(b, []byte("~>")); i >= 0 {
		b = b[:i]
	}
	// Drop what the decoder would reject as garbage: characters outside
	// '!'..'u', 'z', white space.
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		if c >= '!' && c <= 'u' || c == 'z' {
			clean = append(clean, c)
		}
	}
	out := make([]byte, 4*len(clean)/5+8)
	n, _, err := ascii85.Decode(out, clean, true)
	if err != nil {
		return nil, err
	}
	return out[:n], nil
}

// runLength decodes RunLengthDecode data.
func runLength(b []byte, limit int) ([]byte, error) {
	var out []byte
	for i := 0; i < len(b); {
		n := int(b[i])
		i++
		switch {
		case n == 128:
			return out, nil
		case n < 128:
			end := min(i+n+1, len(b))
			out = append(out, b[i:end]...)
			i = end
		default:
			if i >= len(b) {
				return out, nil
			}
			for k := 0; k < 257-n; k++ {
				out = append(out, b[i])
			}
			i++
		}
		if len(out) > limit {
			return nil, &errLimit{"decoded stream size"}
		}
	}
	return out, nil
}
