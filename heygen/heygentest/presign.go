package heygentest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"sync"
)

// placeholderPrefix starts every media placeholder URL inside encoded JSON.
const placeholderPrefix = `"` + mediaHost + `/`

// presigner signs the media URLs of one response, with one expiry time.
type presigner struct {
	s       *Server
	base    string
	exp     int64
	expText string
}

func (s *Server) newPresigner(base string) *presigner {
	exp := s.now().Truncate(urlStep).Add(s.urlTTL() + urlStep).Unix()
	return &presigner{s: s, base: base, exp: exp, expText: strconv.FormatInt(exp, 10)}
}

// appendSigned writes the signed URL of the media file at p (no quotes).
func (pre *presigner) appendSigned(b []byte, p string) []byte {
	b = append(b, pre.base...)
	b = append(b, mediaPrefix...)
	b = append(b, p...)
	b = append(b, "?expires="...)
	b = append(b, pre.expText...)
	b = append(b, "&signature="...)
	return append(b, pre.s.cachedSign(p, pre.exp)...)
}

// rewrite replaces every JSON string that is exactly a media placeholder
// URL ("https://sandbox.kosmo.invalid/<path>", with no ?, # or escape in
// the path) by its signed URL on base, leaving documentation and share
// links alone. It is one forward scan: a list page used to spend most of
// its time in a regular expression that matched every URL twice.
func (pre *presigner) rewrite(b []byte) []byte {
	var out []byte
	last := 0 // b[:last] is already in out
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte(placeholderPrefix))
		if j < 0 {
			break
		}
		start := i + j
		pathStart := start + len(placeholderPrefix)
		end := bytes.IndexAny(b[pathStart:], "\"?#\\")
		if end < 0 || b[pathStart+end] != '"' {
			i = start + 1 // not a whole placeholder string; look further on
			continue
		}
		end += pathStart
		i = end + 1
		p := b[pathStart:end]
		if bytes.HasPrefix(p, []byte("docs/")) || bytes.HasPrefix(p, []byte("share/")) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+len(b)/2)
		}
		out = append(out, b[last:start+1]...)
		out = append(pre.appendSigned(out, string(p)), '"')
		last = end + 1
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// signCache remembers the signatures of the current expiry step: every
// list page signs the same URLs again until the step changes.
type signCache struct {
	mu   sync.Mutex
	exp  int64
	sigs map[string]string
}

// maxSignCache bounds the cache; past it the cache starts over.
const maxSignCache = 1 << 16

func (s *Server) cachedSign(p string, exp int64) string {
	c := &s.signs
	c.mu.Lock()
	if c.exp == exp {
		if sig, ok := c.sigs[p]; ok {
			c.mu.Unlock()
			return sig
		}
	}
	c.mu.Unlock()
	sig := s.sign(p, exp)
	c.mu.Lock()
	if c.exp != exp || len(c.sigs) >= maxSignCache {
		c.exp, c.sigs = exp, make(map[string]string)
	}
	c.sigs[p] = sig
	c.mu.Unlock()
	return sig
}

// signFast is sign without fmt: the same HMAC of "<path>\n<expires>".
func signFast(secret []byte, p string, expires int64) string {
	m := hmac.New(sha256.New, secret)
	buf := make([]byte, 0, len(p)+24)
	buf = append(buf, p...)
	buf = append(buf, '\n')
	buf = strconv.AppendInt(buf, expires, 10)
	m.Write(buf)
	return hex.EncodeToString(m.Sum(nil)[:16])
}
