package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"jiceng/internal/core"
)

func attachment(ticketID int64, name string, data []byte) *core.Attachment {
	sum := sha256.Sum256(data)
	return &core.Attachment{TicketID: ticketID, Name: name, ContentType: "image/png", Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), Data: data, CreatedBy: "staff"}
}

// testAttachments: attachments are numbered per ticket from 1, listed
// without data, read back whole, bounded per ticket (also under concurrent
// adds) and refused for a missing ticket.
func testAttachments(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	upsert(t, s, "staff", ticket("F1", 1), ticket("F2", 2))
	f1, f2 := byNumber(t, s, "F1"), byNumber(t, s, "F2")

	a := attachment(f1.ID, "楼道.png", []byte("\x89PNG\r\n\x1a\nfirst"))
	if err := s.AddAttachment(ctx, a); err != nil {
		t.Fatalf("AddAttachment: %v", err)
	}
	if a.ID == 0 || a.N != 1 || !a.CreatedAt.Equal(start) {
		t.Errorf("added %+v: want an id, n 1, created at the store's clock", a)
	}
	c.Advance(time.Minute)
	b := attachment(f1.ID, "b.png", bytes.Repeat([]byte{0, 1, 2, 255}, 1000)) // binary data, zero bytes included
	if err := s.AddAttachment(ctx, b); err != nil || b.N != 2 {
		t.Fatalf("second attachment: n %d, %v", b.N, err)
	}
	if err := s.AddAttachment(ctx, attachment(f2.ID, "other.png", []byte("x"))); err != nil {
		t.Fatal(err)
	}
	list, err := s.Attachments(ctx, f1.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("Attachments: %d, %v; want 2", len(list), err)
	}
	for i, got := range list {
		want := []*core.Attachment{a, b}[i]
		if got.N != i+1 || got.Data != nil || got.Name != want.Name || got.Size != want.Size || got.SHA256 != want.SHA256 ||
			got.ContentType != want.ContentType || got.CreatedBy != "staff" || !got.CreatedAt.Equal(want.CreatedAt) || got.TicketID != f1.ID {
			t.Errorf("listed %d: %+v, want %+v without data", i+1, got, want)
		}
	}
	got, err := s.Attachment(ctx, f1.ID, 2)
	if err != nil || !bytes.Equal(got.Data, b.Data) || got.N != 2 {
		t.Fatalf("Attachment 2: %d bytes, %v", len(got.Data), err)
	}
	if none, err := s.Attachments(ctx, 999); err != nil || len(none) != 0 {
		t.Errorf("attachments of a missing ticket: %v, %v", none, err)
	}
	for _, tc := range []struct {
		name   string
		ticket int64
		n      int
	}{{"n beyond", f1.ID, 3}, {"n zero", f1.ID, 0}, {"another ticket's n", f2.ID, 2}, {"missing ticket", 999, 1}} {
		if _, err := s.Attachment(ctx, tc.ticket, tc.n); core.ErrorCode(err) != core.ENOTFOUND {
			t.Errorf("%s: %v, want not found", tc.name, err)
		}
	}
	if err := s.AddAttachment(ctx, attachment(999, "x.png", []byte("x"))); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("attachment of a missing ticket: %v, want not found", err)
	}

	// Concurrent adds to one ticket stop at the limit.
	var wg sync.WaitGroup
	errs := make([]error, 2*core.MaxAttachments)
	for i := range errs {
		wg.Go(func() { errs[i] = s.AddAttachment(ctx, attachment(f2.ID, "c.png", []byte{byte(i)})) })
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		switch core.ErrorCode(err) {
		case "":
		case core.EINVALID:
			refused++
		default:
			t.Errorf("concurrent add: %v", err)
		}
	}
	list, err = s.Attachments(ctx, f2.ID)
	if err != nil || len(list) != core.MaxAttachments || refused != core.MaxAttachments+1 {
		t.Fatalf("after concurrent adds: %d attachments (%v), %d refused; want %d", len(list), err, refused, core.MaxAttachments)
	}
	for i, a := range list {
		if a.N != i+1 {
			t.Errorf("attachment %d numbered %d", i+1, a.N)
		}
	}
}

// testIdempotencyKeys: a key is claimed once per user; a held key reports
// its body and ticket; a released key and an abandoned claim may be
// claimed again; keys expire after core.IdempotencyKeyTTL.
func testIdempotencyKeys(t *testing.T, s core.Store, c *Clock) {
	ctx := context.Background()
	upsert(t, s, "staff", ticket("K1", 1))
	k1 := byNumber(t, s, "K1")
	claim := func(user, key, body string) (core.IdempotencyKey, bool) {
		t.Helper()
		k, ok, err := s.ClaimIdempotencyKey(ctx, core.IdempotencyKey{Key: key, Username: user, BodySHA256: body})
		if err != nil {
			t.Fatalf("ClaimIdempotencyKey: %v", err)
		}
		return k, ok
	}
	if k, ok := claim("staff", "abc", "sha-1"); !ok || k.TicketID != 0 || k.BodySHA256 != "sha-1" {
		t.Fatalf("first claim: %+v %v", k, ok)
	}
	if k, ok := claim("staff", "abc", "sha-2"); ok || k.TicketID != 0 || k.BodySHA256 != "sha-1" {
		t.Errorf("claim of a running key: %+v %v, want held with the first body", k, ok)
	}
	if _, ok := claim("cw01", "abc", "sha-2"); !ok {
		t.Error("another user's same key: not claimed")
	}
	if err := s.CompleteIdempotencyKey(ctx, "staff", "abc", k1.ID); err != nil {
		t.Fatal(err)
	}
	if k, ok := claim("staff", "abc", "sha-1"); ok || k.TicketID != k1.ID || !k.CreatedAt.Equal(start) {
		t.Errorf("claim of a finished key: %+v %v, want ticket %d", k, ok, k1.ID)
	}
	if err := s.ReleaseIdempotencyKey(ctx, "staff", "abc"); err != nil {
		t.Fatal(err)
	}
	if _, ok := claim("staff", "abc", "sha-1"); ok {
		t.Error("release forgot a finished key")
	}
	if err := s.CompleteIdempotencyKey(ctx, "staff", "never-claimed", k1.ID); core.ErrorCode(err) != core.ENOTFOUND {
		t.Errorf("complete of an unclaimed key: %v, want not found", err)
	}

	// A failed request releases its key.
	claim("staff", "failed", "sha-1")
	if err := s.ReleaseIdempotencyKey(ctx, "staff", "failed"); err != nil {
		t.Fatal(err)
	}
	if _, ok := claim("staff", "failed", "sha-3"); !ok {
		t.Error("a released key was not claimed again")
	}
	// A claim abandoned longer than the claim TTL may be taken over.
	claim("staff", "abandoned", "sha-1")
	c.Advance(core.IdempotencyClaimTTL + time.Second)
	if k, ok := claim("staff", "abandoned", "sha-4"); !ok || k.BodySHA256 != "sha-4" {
		t.Errorf("abandoned claim: %+v %v, want claimed anew", k, ok)
	}
	// Finished keys are kept for the TTL, then forgotten.
	c.Advance(core.IdempotencyKeyTTL - time.Hour)
	if _, ok := claim("staff", "abc", "sha-1"); ok {
		t.Error("a finished key was forgotten before its TTL")
	}
	c.Advance(2 * time.Hour)
	if _, ok := claim("staff", "abc", "sha-5"); !ok {
		t.Error("a key older than its TTL was not forgotten")
	}

	// Concurrent claims of one key: exactly one wins.
	var wg sync.WaitGroup
	won := make([]bool, 8)
	errs := make([]error, len(won))
	for i := range won {
		wg.Go(func() {
			_, won[i], errs[i] = s.ClaimIdempotencyKey(ctx, core.IdempotencyKey{Key: "race", Username: "staff", BodySHA256: "sha"})
		})
	}
	wg.Wait()
	n := 0
	for i := range won {
		if errs[i] != nil {
			t.Errorf("concurrent claim: %v", errs[i])
		}
		if won[i] {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d concurrent claims won, want 1", n)
	}
}
