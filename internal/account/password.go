package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"jiceng/internal/core"
)

// argon2id parameters: OWASP's recommended minimum (19 MiB, 2 passes, 1
// lane), which keeps a sign-in around 20–50 ms on a small server.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password rules: long enough to resist guessing within the sign-in
// throttle, short enough that a form post cannot make hashing slow.
const (
	MinPasswordLen = 10  // characters
	MaxPasswordLen = 128 // characters
)

// Cost is argon2id's work for one hash: memory in KiB and passes.
type Cost struct {
	Memory, Passes uint32
}

// DefaultCost is OWASP's recommended minimum (19 MiB, 2 passes), which
// every account gets. LightCost (64 KiB, 1 pass) is for test fixtures
// only: a check costs what the stored hash says, so fixtures hashed
// lightly sign in fast under the race detector.
var (
	DefaultCost = Cost{Memory: argonMemory, Passes: argonTime}
	LightCost   = Cost{Memory: 64, Passes: 1}
)

// HashPassword hashes password with argon2id at DefaultCost and a random
// salt, encoded in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH. It does not apply the password
// rules (ValidatePassword): the demo and tests hash what they are given.
func HashPassword(password string) (string, error) { return HashPasswordAt(password, DefaultCost) }

// HashPasswordAt is HashPassword at cost c.
func HashPasswordAt(password string, c Cost) (string, error) {
	if password == "" {
		return "", core.Errorf(core.EINVALID, "密码不能为空")
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	hashSlots <- struct{}{}
	key := argon2.IDKey([]byte(password), salt, c.Passes, c.Memory, argonThreads, argonKeyLen)
	<-hashSlots
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, c.Memory, c.Passes, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// phcHash is a decoded argon2id hash.
type phcHash struct {
	memory, passes uint32
	lanes          uint8
	salt, key      []byte
}

// parseHash decodes an encoded argon2id hash; ok is false for anything
// else, and for costs outside the bounds a stored hash may ask for (so that
// a corrupt row cannot stall or exhaust the server).
func parseHash(encoded string) (h phcHash, ok bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return h, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.memory, &h.passes, &h.lanes); err != nil {
		return h, false
	}
	if h.memory < 8 || h.memory > 1<<20 || h.passes < 1 || h.passes > 16 || h.lanes < 1 {
		return h, false
	}
	var err1, err2 error
	h.salt, err1 = base64.RawStdEncoding.DecodeString(parts[4])
	h.key, err2 = base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(h.salt) < 8 || len(h.key) < 16 || len(h.key) > 64 {
		return h, false
	}
	return h, true
}

// checkPassword reports whether password matches an encoded argon2id hash,
// comparing in constant time. A malformed hash never matches.
func checkPassword(encoded, password string) bool {
	h, ok := parseHash(encoded)
	if !ok {
		return false
	}
	hashSlots <- struct{}{}
	got := argon2.IDKey([]byte(password), h.salt, h.passes, h.memory, h.lanes, uint32(len(h.key)))
	<-hashSlots
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

// hashSlots bounds the password hashes computed at once: each takes
// argonMemory KiB, and a burst of sign-ins or Basic-auth requests must not
// exhaust the server's memory.
var hashSlots = make(chan struct{}, max(2, runtime.NumCPU()))

// dummyHash is compared against when a username does not exist, so that a
// failed sign-in takes as long whether or not the user exists.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("jiceng-dummy-password")
	if err != nil {
		panic(err)
	}
	return h
})

// passwordAlphabet is what generated passwords are made of: lower-case
// letters and digits without the ones read alike (0 o, 1 l i).
const passwordAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// GeneratePassword returns a random password that is easy to read out and
// type: four groups of four characters joined by hyphens
// ("k7pm-x3qa-9rtw-hc2e", 19 characters, about 79 bits).
func GeneratePassword() (string, error) {
	const groups, size = 4, 4
	var b strings.Builder
	buf := make([]byte, 1)
	for i := 0; i < groups*size; {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("generate password: %w", err)
		}
		// Rejection sampling keeps every character equally likely.
		if int(buf[0]) >= 256/len(passwordAlphabet)*len(passwordAlphabet) {
			continue
		}
		if i > 0 && i%size == 0 {
			b.WriteByte('-')
		}
		b.WriteByte(passwordAlphabet[int(buf[0])%len(passwordAlphabet)])
		i++
	}
	return b.String(), nil
}

// ValidatePassword checks password against the password rules for the
// account username: at least MinPasswordLen and at most MaxPasswordLen
// characters, no control characters, not the username. The error is an
// EINVALID error about the field "password", in Chinese.
func ValidatePassword(username, password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case password == "":
		return core.InvalidField("password", "请填写密码")
	case !utf8.ValidString(password):
		return core.InvalidField("password", "密码含有无法识别的字符")
	case n < MinPasswordLen:
		return core.InvalidField("password", "密码太短：至少需要 %d 个字符（现在 %d 个）", MinPasswordLen, n)
	case n > MaxPasswordLen:
		return core.InvalidField("password", "密码太长：最多 %d 个字符", MaxPasswordLen)
	case strings.IndexFunc(password, unicode.IsControl) >= 0:
		return core.InvalidField("password", "密码不能包含换行、制表符等控制字符")
	case strings.EqualFold(strings.TrimSpace(password), username):
		return core.InvalidField("password", "密码不能与用户名相同")
	}
	return nil
}
