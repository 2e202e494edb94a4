package open311

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"unicode/utf8"
)

// Sealer makes and opens the tokens of POST requests. A token is the
// request's id sealed with AES-GCM under the server's key (URL-safe
// base64, no padding): the server keeps no table of tokens, a token
// cannot be forged or read without the key, and it resolves for as long
// as the key is kept. Requests are created at once (the services are
// realtime), so a token resolves from the start; clients that poll
// tokens (FixMyStreet) find the id at the first poll.
type Sealer struct {
	aead cipher.AEAD
}

// NewSealer returns tokens under a key derived from secret (any length;
// nil or empty draws a random key, so that tokens last as long as the
// process).
func NewSealer(secret []byte) *Sealer {
	if len(secret) == 0 {
		secret = make([]byte, 32)
		rand.Read(secret)
	}
	key := sha256.Sum256(append([]byte("jiceng open311 token\x00"), secret...))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		panic("open311: " + err.Error()) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic("open311: " + err.Error())
	}
	return &Sealer{aead: aead}
}

// ErrToken answers a token that was not made by this sealer.
var ErrToken = errors.New("open311: unknown token")

// Seal returns the token of request id.
func (t *Sealer) Seal(id string) string {
	nonce := make([]byte, t.aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(t.aead.Seal(nonce, nonce, []byte(id), nil))
}

// Open returns the request id of a token, or ErrToken.
func (t *Sealer) Open(token string) (string, error) {
	if len(token) > 200 || strings.ContainsAny(token, "=+/") {
		return "", ErrToken
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	n := t.aead.NonceSize()
	if err != nil || len(b) < n+t.aead.Overhead() {
		return "", ErrToken
	}
	id, err := t.aead.Open(nil, b[:n], b[n:], nil)
	if err != nil || !utf8.Valid(id) {
		return "", ErrToken
	}
	return string(id), nil
}
