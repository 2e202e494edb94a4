package casework

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"jiceng/internal/core"
	"jiceng/internal/sqlite"
)

// Images of each type, made by the standard encoders; WebP by hand (a
// RIFF container with a VP8L chunk).
func testImage(t testing.TB, typ string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	var b bytes.Buffer
	var err error
	switch typ {
	case "image/png":
		err = png.Encode(&b, img)
	case "image/jpeg":
		err = jpeg.Encode(&b, img, nil)
	case "image/gif":
		err = gif.Encode(&b, img, nil)
	case "image/webp":
		return webp([]byte("VP8L"), []byte{0x2f, 0, 0, 0, 0})
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func webp(chunk, payload []byte) []byte {
	body := append(append([]byte("WEBP"), chunk...), binary.LittleEndian.AppendUint32(nil, uint32(len(payload)))...)
	body = append(body, payload...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func TestSniffImage(t *testing.T) {
	png := testImage(t, "image/png")
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"png", png, "image/png"},
		{"jpeg", testImage(t, "image/jpeg"), "image/jpeg"},
		{"gif", testImage(t, "image/gif"), "image/gif"},
		{"webp", testImage(t, "image/webp"), "image/webp"},
		{"empty", nil, ""},
		{"html", []byte("<html><script>alert(1)</script></html>"), ""},
		{"svg is not accepted", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`), ""},
		{"pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj"), ""},
		{"png magic only", []byte("\x89PNG\r\n\x1a\n"), ""},
		{"png cut in its header", png[:20], ""},
		{"jpeg magic then html", []byte("\xff\xd8\xff<html>"), ""},
		{"gif magic only", []byte("GIF89a"), ""},
		{"webp with a wrong length", append(testImage(t, "image/webp"), 0), ""},
		{"webp with an unknown chunk", webp([]byte("EXIF"), []byte{1, 2, 3, 4}), ""},
		{"riff that is not webp", []byte("RIFF\x04\x00\x00\x00WAVEfmt "), ""},
		{"zip", []byte("PK\x03\x04rest"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SniffImage(tt.data); got != tt.want {
				t.Errorf("SniffImage = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzSniffImage: the sniffer never panics, and what it accepts starts
// with its type's magic bytes.
func FuzzSniffImage(f *testing.F) {
	for _, typ := range []string{"image/png", "image/jpeg", "image/gif", "image/webp"} {
		f.Add(testImage(f, typ))
	}
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		magic := map[string][]string{"image/png": {"\x89PNG\r\n\x1a\n"}, "image/jpeg": {"\xff\xd8\xff"},
			"image/gif": {"GIF87a", "GIF89a"}, "image/webp": {"RIFF"}}
		typ := SniffImage(data)
		if typ == "" {
			return
		}
		for _, m := range magic[typ] {
			if bytes.HasPrefix(data, []byte(m)) {
				return
			}
		}
		t.Errorf("accepted as %s without its magic bytes: %q", typ, data[:min(len(data), 16)])
	})
}

func TestSafeName(t *testing.T) {
	tests := []struct{ name, typ, want string }{
		{"楼道.jpg", "image/jpeg", "楼道.jpg"},
		{"photo.php", "image/png", "photo.png"},
		{"../../etc/passwd", "image/png", "passwd.png"},
		{`C:\Users\me\现场 1.JPG`, "image/jpeg", "现场 1.jpg"},
		{"<script>alert(1)</script>.gif", "image/gif", "script.gif"},
		{"a\"b'c\r\nd;e.png", "image/png", "abcde.png"},
		{"\u202egnp.exe", "image/png", "gnp.png"},
		{"", "image/webp", "附件.webp"},
		{"...", "image/png", "附件.png"},
		{strings.Repeat("长", 200) + ".png", "image/png", strings.Repeat("长", 80) + ".png"},
	}
	for _, tt := range tests {
		if got := SafeName(tt.name, tt.typ); got != tt.want {
			t.Errorf("SafeName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestTakeIn: attachments are checked before anything is stored; an
// idempotency key replays, refuses another body and is per user.
func TestTakeIn(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newService(t)
	total := func() int {
		_, n, _ := s.Store.Tickets(ctx, core.TicketFilter{Limit: 1})
		return n
	}
	photo := NewAttachment{Name: "现场.png", Data: testImage(t, "image/png")}
	values := map[string]string{"content": "路灯不亮", "channel": "网格巡查"}
	tests := []struct {
		name     string
		user     string
		in       Intake
		code     string
		err      error // a specific refusal
		replayed bool
		created  int // tickets created
		photos   int
	}{
		{"with photos", "cw01", Intake{Values: values, Attachments: []NewAttachment{photo, {Name: "b.jpg", Data: testImage(t, "image/jpeg")}}}, "", nil, false, 1, 2},
		{"not an image", "staff", Intake{Values: values, Attachments: []NewAttachment{photo, {Name: "x.jpg", Data: []byte("%PDF-1.4")}}}, core.EINVALID, nil, false, 0, 0},
		{"too large", "staff", Intake{Values: values, Attachments: []NewAttachment{{Name: "big.png", Data: append(testImage(t, "image/png"), make([]byte, core.MaxAttachmentSize)...)}}}, core.EINVALID, nil, false, 0, 0},
		{"too many", "staff", Intake{Values: values, Attachments: []NewAttachment{photo, photo, photo, photo, photo, photo}}, core.EINVALID, nil, false, 0, 0},
		{"empty file", "staff", Intake{Values: values, Attachments: []NewAttachment{{Name: "e.png"}}}, core.EINVALID, nil, false, 0, 0},
		{"key: first", "staff", Intake{Values: values, Key: "k-1", BodySHA256: "aa"}, "", nil, false, 1, 0},
		{"key: same body replays", "staff", Intake{Values: values, Key: "k-1", BodySHA256: "aa"}, "", nil, true, 0, 0},
		{"key: another body", "staff", Intake{Values: values, Key: "k-1", BodySHA256: "bb"}, core.EINVALID, ErrKeyReused, false, 0, 0},
		{"key: another user's", "admin", Intake{Values: values, Key: "k-1", BodySHA256: "aa"}, "", nil, false, 1, 0},
		{"key: a refused request frees it", "staff", Intake{Values: map[string]string{"content": ""}, Key: "k-2", BodySHA256: "cc"}, core.EINVALID, nil, false, 0, 0},
		{"key: then a corrected body", "staff", Intake{Values: values, Key: "k-2", BodySHA256: "dd"}, "", nil, false, 1, 0},
		{"leader may not", "leader", Intake{Values: values, Key: "k-3", BodySHA256: "aa"}, core.EFORBIDDEN, nil, false, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := total()
			got, replayed, err := s.TakeIn(ctx, users[tt.user], tt.in)
			if code := core.ErrorCode(err); code != tt.code || (tt.err != nil && !errors.Is(err, tt.err)) {
				t.Fatalf("error %v, want code %q %v", err, tt.code, tt.err)
			}
			if replayed != tt.replayed || total()-before != tt.created {
				t.Fatalf("replayed %v, %d created; want %v, %d", replayed, total()-before, tt.replayed, tt.created)
			}
			if err != nil {
				return
			}
			if got.ID == 0 || got.Status != core.StatusReceived || got.Channel != core.ChannelGrid {
				t.Errorf("ticket %+v", got)
			}
			as, err := s.Attachments(ctx, users[tt.user], got.ID)
			if err != nil || len(as) != tt.photos {
				t.Fatalf("attachments %d (%v), want %d", len(as), err, tt.photos)
			}
			for _, a := range as {
				if a.CreatedBy != tt.user || a.Data != nil || SniffImage(testImage(t, a.ContentType)) != a.ContentType {
					t.Errorf("attachment %+v", a)
				}
			}
		})
	}
	// Attachments are read within the user's scope only.
	list, _, _ := s.List(ctx, users["cw01"], core.TicketFilter{Keyword: "路灯不亮", Channel: core.ChannelGrid})
	var withPhotos int64
	for _, tk := range list {
		if as, _ := s.Attachments(ctx, users["cw01"], tk.ID); len(as) > 0 {
			withPhotos = tk.ID
		}
	}
	if withPhotos == 0 {
		t.Fatal("the ticket with photos is not in cw01's list")
	}
	if a, err := s.Attachment(ctx, users["cw01"], withPhotos, 1); err != nil || SniffImage(a.Data) != "image/png" {
		t.Errorf("cw01 reads photo 1: %v", err)
	}
	for _, u := range []string{"cw02", "hd01"} {
		if _, err := s.Attachment(ctx, users[u], withPhotos, 1); !errors.Is(err, ErrNoTicket) {
			t.Errorf("%s reads another community's photo: %v, want ErrNoTicket", u, err)
		}
	}
}

// TestNumbersUnderConcurrency: tickets taken in at once on real SQLite
// get distinct numbers, also when the random digits collide, and every
// create event notes the channel.
func TestNumbersUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newService(t)
	var draws atomic.Int64
	old := numberSuffix
	// The first four draws collide (fewer than the five a number is
	// drawn at most, so that every intake must succeed); those drawn at
	// once pass the check for a free number and meet at the write.
	numberSuffix = func() (int64, error) {
		n := draws.Add(1)
		if n <= 4 {
			return 7, nil
		}
		return n, nil
	}
	t.Cleanup(func() { numberSuffix = old })
	const n = 24
	var wg sync.WaitGroup
	got := make([]core.Ticket, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			got[i], errs[i] = s.CreateValues(ctx, users["staff"], map[string]string{"content": "并发受理", "channel": "12345"})
		})
	}
	wg.Wait()
	t.Logf("%d draws for %d numbers", draws.Load(), n)
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("create %d: %v", i, errs[i])
		}
		num := got[i].Number
		if seen[num] || !strings.HasPrefix(num, "JC20250303") || utf8.RuneCountInString(num) != 16 {
			t.Errorf("number %q repeated or badly formed", num)
		}
		seen[num] = true
		ev, err := s.Store.TicketEvents(ctx, got[i].ID)
		if err != nil || len(ev) != 1 || ev[0].Actor != "staff" || ev[0].Note != IntakeNote(core.ChannelHotline) {
			t.Errorf("history %+v (%v)", ev, err)
		}
	}
}

// racingStore is a real store where another intake takes the number of
// the first ticket written, between Create's check and its write.
type racingStore struct {
	*sqlite.DB
	raced atomic.Bool
}

func (s *racingStore) CreateWithHistory(ctx context.Context, hs []core.TicketHistory) (int, error) {
	if !s.raced.Swap(true) {
		other := core.Ticket{Number: hs[0].Ticket.Number, Content: "另一受理", Status: core.StatusReceived}
		if _, err := s.DB.UpsertTickets(ctx, []core.Ticket{other}, "cw02"); err != nil {
			return 0, err
		}
	}
	return s.DB.CreateWithHistory(ctx, hs)
}

// TestNumberTakenMeanwhile: a made number that another intake stores
// between the check and the write is made again; a number the user gave
// is a conflict.
func TestNumberTakenMeanwhile(t *testing.T) {
	ctx := context.Background()
	s, _, _ := newService(t)
	st := &racingStore{DB: s.Store.(*sqlite.DB)}
	s.Store = st
	got, err := s.CreateValues(ctx, users["staff"], map[string]string{"content": "路灯不亮"})
	if err != nil {
		t.Fatalf("made number taken meanwhile: %v", err)
	}
	if other, err := s.Store.TicketByNumber(ctx, got.Number); err != nil || other.ID != got.ID || other.Content != "路灯不亮" {
		t.Errorf("the new ticket %q is not its own: %+v %v", got.Number, other, err)
	}
	st.raced.Store(false)
	_, err = s.CreateValues(ctx, users["staff"], map[string]string{"content": "路灯不亮", "number": "GD-9001"})
	if core.ErrorCode(err) != core.ECONFLICT {
		t.Errorf("given number taken meanwhile: %v, want a conflict", err)
	}
}
