package casework

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"jiceng/internal/core"
)

// MayTakeIn says whether u may take tickets in at all (the ticket form is
// offered): the desk, and community workers whose account names their
// community.
func (s *Service) MayTakeIn(ctx context.Context, u core.User) error {
	if err := mayTakeIn(u); err != nil {
		return err
	}
	sc, err := s.Scope(ctx, u)
	if err != nil {
		return err
	}
	if sc.None || (u.Role == core.RoleCommunity && sc.Community == "") {
		return core.Errorf(core.EFORBIDDEN, "当前账号未关联社区，不能登记工单，请联系管理员")
	}
	return nil
}

// Image types an attachment may have, by the type its content shows.
var imageExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}

// SniffImage returns the type of an image by its content: image/jpeg,
// image/png, image/webp or image/gif, or "" for anything else. A declared
// type and a file name are never trusted. JPEG, PNG and GIF must also have
// a readable header with a size (so that a file is not an image only by its
// first bytes); WebP must be a RIFF container of the length it declares
// with a VP8, VP8L or VP8X chunk first.
func SniffImage(data []byte) string {
	var decode func([]byte) (image.Config, error)
	typ := ""
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		typ, decode = "image/jpeg", func(b []byte) (image.Config, error) { return jpeg.DecodeConfig(bytes.NewReader(b)) }
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		typ, decode = "image/png", func(b []byte) (image.Config, error) { return png.DecodeConfig(bytes.NewReader(b)) }
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		typ, decode = "image/gif", func(b []byte) (image.Config, error) { return gif.DecodeConfig(bytes.NewReader(b)) }
	case len(data) >= 20 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		size := binary.LittleEndian.Uint32(data[4:8])
		chunk := string(data[12:16])
		if uint64(size)+8 != uint64(len(data)) || (chunk != "VP8 " && chunk != "VP8L" && chunk != "VP8X") {
			return ""
		}
		return "image/webp"
	default:
		return ""
	}
	c, err := decode(data)
	if err != nil || c.Width <= 0 || c.Height <= 0 {
		return ""
	}
	return typ
}

// maxNameRunes bounds an attachment's display name.
const maxNameRunes = 80

// SafeName is the display name of an attachment of type typ: the base of
// the name given (any path dropped), without control, format or quote
// characters, slashes or backslashes, at most 80 characters, with the
// extension of its type; "附件" when nothing is left.
func SafeName(name, typ string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || strings.ContainsRune("\"'`/\\<>:*?|;%", r) {
			continue
		}
		b.WriteRune(r)
	}
	name = strings.TrimSpace(b.String())
	ext := imageExt[typ]
	if e := path.Ext(name); e != "" {
		name = strings.TrimSuffix(name, e)
	}
	name = strings.Trim(name, ". ")
	if r := []rune(name); len(r) > maxNameRunes {
		name = string(r[:maxNameRunes])
	}
	if name == "" {
		name = "附件"
	}
	return name + ext
}

// NewAttachment is a file given with a ticket taken in.
type NewAttachment struct {
	Name string // as the client named it; only its safe form is kept
	Data []byte
}

// checkAttachments checks files before anything is stored: at most
// core.MaxAttachments, each at most core.MaxAttachmentSize and an image
// by its content. It returns them as attachments to store.
func checkAttachments(files []NewAttachment, by string) ([]core.Attachment, error) {
	if len(files) > core.MaxAttachments {
		return nil, core.InvalidField("attachments", "最多上传 %d 个附件，本次有 %d 个", core.MaxAttachments, len(files))
	}
	out := make([]core.Attachment, 0, len(files))
	for i, f := range files {
		switch {
		case len(f.Data) == 0:
			return nil, core.InvalidField("attachments", "第 %d 个附件是空文件", i+1)
		case len(f.Data) > core.MaxAttachmentSize:
			return nil, core.InvalidField("attachments", "第 %d 个附件超过 %d MB", i+1, core.MaxAttachmentSize>>20)
		}
		typ := SniffImage(f.Data)
		if typ == "" {
			return nil, core.InvalidField("attachments", "第 %d 个附件不是 JPEG、PNG、WebP 或 GIF 图片（按文件内容判断）", i+1)
		}
		sum := sha256.Sum256(f.Data)
		out = append(out, core.Attachment{Name: SafeName(f.Name, typ), ContentType: typ, Size: int64(len(f.Data)),
			SHA256: hex.EncodeToString(sum[:]), Data: f.Data, CreatedBy: by})
	}
	return out, nil
}

func (s *Service) intakeStore() (core.IntakeStore, error) {
	is, ok := s.Store.(core.IntakeStore)
	if !ok {
		return nil, core.Errorf(core.EINVALID, "当前存储不支持附件与幂等键")
	}
	return is, nil
}

// Intake is one ticket to take in: its text values by field name (see
// CreateValues), its files, and, from the API, the client's idempotency
// key and the SHA-256 of the request body it came with.
type Intake struct {
	Values      map[string]string
	Attachments []NewAttachment
	Key         string
	BodySHA256  string
}

// ErrKeyReused refuses an idempotency key sent again with another body.
var ErrKeyReused = core.Errorf(core.EINVALID, "幂等键（Idempotency-Key）已用于另一请求体：同一键只能重发相同的请求，新请求请换一个键")

// ErrKeyRunning refuses an idempotency key whose first request is still
// being processed.
var ErrKeyRunning = core.Errorf(core.ECONFLICT, "使用该幂等键（Idempotency-Key）的请求正在处理，请稍后重发")

// TakeIn takes in (受理) a ticket for u: the values are checked as
// CreateValues checks them and the files as images (all before anything
// is stored), then the ticket is created and its files attached. With a
// key, a repeat of the same body by the same user answers the ticket the
// first created (replayed true) and creates nothing; another body is
// ErrKeyReused; a repeat while the first runs is ErrKeyRunning. A refused
// request frees its key.
func (s *Service) TakeIn(ctx context.Context, u core.User, in Intake) (t core.Ticket, replayed bool, err error) {
	if err := s.MayTakeIn(ctx, u); err != nil {
		return core.Ticket{}, false, err
	}
	atts, err := checkAttachments(in.Attachments, u.Username)
	if err != nil {
		return core.Ticket{}, false, err
	}
	var is core.IntakeStore
	if len(atts) > 0 || in.Key != "" {
		if is, err = s.intakeStore(); err != nil {
			return core.Ticket{}, false, err
		}
	}
	if in.Key != "" {
		var (
			k       core.IdempotencyKey
			claimed bool
		)
		k, claimed, err = is.ClaimIdempotencyKey(ctx, core.IdempotencyKey{Key: in.Key, Username: u.Username, BodySHA256: in.BodySHA256})
		switch {
		case err != nil:
			return core.Ticket{}, false, err
		case claimed:
			defer func() {
				if err != nil {
					// Free the key for a corrected request; a failure to
					// free it is outlived by the claim's TTL.
					is.ReleaseIdempotencyKey(context.WithoutCancel(ctx), u.Username, in.Key)
				}
			}()
		case k.BodySHA256 != in.BodySHA256:
			return core.Ticket{}, false, ErrKeyReused
		case k.TicketID == 0:
			return core.Ticket{}, false, ErrKeyRunning
		default:
			v, err := s.View(ctx, u, k.TicketID)
			return v.Ticket, err == nil, err
		}
	}
	t, err = s.CreateValues(ctx, u, in.Values)
	if err != nil {
		return core.Ticket{}, false, err
	}
	for i := range atts {
		atts[i].TicketID = t.ID
		if err := is.AddAttachment(ctx, &atts[i]); err != nil {
			// The ticket stands; the key records it, so that a repeat
			// does not make a second one.
			if in.Key != "" {
				is.CompleteIdempotencyKey(context.WithoutCancel(ctx), u.Username, in.Key, t.ID)
			}
			return t, false, &partialError{ticket: t, err: err}
		}
	}
	if in.Key != "" {
		if err := is.CompleteIdempotencyKey(ctx, u.Username, in.Key, t.ID); err != nil {
			return t, false, &partialError{ticket: t, err: err}
		}
	}
	return t, false, nil
}

// partialError is a failure after the ticket was stored: the ticket
// exists, an attachment or the key's record could not be written.
type partialError struct {
	ticket core.Ticket
	err    error
}

func (e *partialError) Error() string { return "ticket stored, attachments failed: " + e.err.Error() }
func (e *partialError) Unwrap() error { return e.err }

// Stored returns the ticket stored before err, when err came after it.
func Stored(err error) (core.Ticket, bool) {
	var pe *partialError
	if errors.As(err, &pe) {
		return pe.ticket, true
	}
	return core.Ticket{}, false
}

// Attachments lists the attachments of ticket id (without data) when u may
// see the ticket; a ticket outside u's scope is ErrNoTicket.
func (s *Service) Attachments(ctx context.Context, u core.User, id int64) ([]core.Attachment, error) {
	if _, _, err := s.Raw(ctx, u, id); err != nil {
		return nil, err
	}
	is, ok := s.Store.(core.IntakeStore)
	if !ok {
		return nil, nil
	}
	return is.Attachments(ctx, id)
}

// Attachment returns attachment n of ticket id when u may see the ticket;
// a ticket outside u's scope is ErrNoTicket, a missing attachment
// ENOTFOUND.
func (s *Service) Attachment(ctx context.Context, u core.User, id int64, n int) (core.Attachment, error) {
	if _, _, err := s.Raw(ctx, u, id); err != nil {
		return core.Attachment{}, err
	}
	is, ok := s.Store.(core.IntakeStore)
	if !ok {
		return core.Attachment{}, core.Errorf(core.ENOTFOUND, "附件不存在")
	}
	return is.Attachment(ctx, id, n)
}
