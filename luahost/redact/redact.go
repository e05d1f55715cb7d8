// Package redact removes secrets (API keys, tokens) from text before it
// leaves kosmo. A Redactor knows every configured secret and hides not only
// the whole value but every piece of it at least MinFragment bytes long, and
// the common encodings of the value (URL escaping, JSON string escaping,
// base64), so that an error message cut in the middle of a key, or a URL
// that carries it escaped, shows nothing usable.
//
// The package has no dependency on the Lua host: the CLI builds one
// Redactor per process and passes it to every place that writes (the
// envelope, stderr diagnostics, the REPL, MCP responses).
package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"sync"
)

// Mask replaces every secret, or piece of one, that is found.
const Mask = "[REDACTED]"

// MinFragment is the shortest piece of a secret that is hidden on its own.
// Shorter pieces are too likely to occur by chance (and reveal too little
// to matter); a whole secret shorter than this is hidden when it appears
// whole, if it is at least MinSecret bytes long.
const MinFragment = 8

// MinSecret is the shortest value accepted as a secret: shorter values
// would hide ordinary words.
const MinSecret = 4

// Redactor hides known secrets. The zero value and nil know no secret.
// It is safe for concurrent use; secrets may be added at any time.
type Redactor struct {
	mu     sync.RWMutex
	grams  map[uint64]struct{}   // every MinFragment-byte piece of every form of every secret
	pairs  *[1 << 16 / 64]uint64 // the first two bytes of every piece: a cheap test before the map
	short  []string              // whole forms shorter than MinFragment
	known  map[string]bool
	maxLen int // longest form, for Writer's look-behind
}

// New returns a Redactor that knows secrets.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add teaches r more secrets. Values shorter than MinSecret, or only
// blanks, are ignored.
func (r *Redactor) Add(secrets ...string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.grams == nil {
		r.grams = map[uint64]struct{}{}
		r.pairs = new([1 << 16 / 64]uint64)
		r.known = map[string]bool{}
	}
	for _, s := range secrets {
		s = strings.TrimSpace(s)
		if len(s) < MinSecret || r.known[s] {
			continue
		}
		r.known[s] = true
		for _, f := range forms(s) {
			if len(f) > r.maxLen {
				r.maxLen = len(f)
			}
			if len(f) < MinFragment {
				r.short = append(r.short, f)
				continue
			}
			for i := 0; i+MinFragment <= len(f); i++ {
				r.grams[gram(f[i:])] = struct{}{}
				p := uint16(f[i])<<8 | uint16(f[i+1])
				r.pairs[p/64] |= 1 << (p % 64)
			}
		}
	}
}

// Len reports how many secrets r knows.
func (r *Redactor) Len() int {
	if r == nil {
		return 0
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.known)
}

// forms are the ways a secret may appear in text kosmo writes: as it is,
// escaped for a URL query or path, escaped inside a JSON string, and in
// base64 (standard and URL alphabets, with and without padding).
func forms(s string) []string {
	out := []string{s}
	add := func(f string) {
		for _, g := range out {
			if g == f {
				return
			}
		}
		out = append(out, f)
	}
	add(url.QueryEscape(s))
	add(url.PathEscape(s))
	if b, err := json.Marshal(s); err == nil {
		add(string(b[1 : len(b)-1]))
	}
	add(strings.TrimRight(base64.StdEncoding.EncodeToString([]byte(s)), "="))
	add(strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(s)), "="))
	return out
}

// String returns s with every known secret, and every piece of one at least
// MinFragment bytes long, replaced by Mask.
func (r *Redactor) String(s string) string {
	if r == nil || s == "" {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.redact(s)
}

func (r *Redactor) redact(s string) string {
	covered := r.coverage(s)
	if covered == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if !covered[i] {
			j := i
			for j < len(s) && !covered[j] {
				j++
			}
			b.WriteString(s[i:j])
			i = j
			continue
		}
		for i < len(s) && covered[i] {
			i++
		}
		b.WriteString(Mask)
	}
	return b.String()
}

// gram packs the first MinFragment (8) bytes of s into a map key.
func gram(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// coverage marks every byte of s covered by a known piece (nil: none).
func (r *Redactor) coverage(s string) []bool {
	if len(r.grams) == 0 && len(r.short) == 0 {
		return nil
	}
	var covered []bool
	mark := func(from, to int) {
		if covered == nil {
			covered = make([]bool, len(s))
		}
		for i := from; i < to; i++ {
			covered[i] = true
		}
	}
	if len(r.grams) > 0 {
		for i := 0; i+MinFragment <= len(s); i++ {
			if p := uint16(s[i])<<8 | uint16(s[i+1]); r.pairs[p/64]&(1<<(p%64)) == 0 {
				continue
			}
			if _, ok := r.grams[gram(s[i:])]; ok {
				mark(i, i+MinFragment)
			}
		}
	}
	for _, f := range r.short {
		for from := 0; ; {
			j := strings.Index(s[from:], f)
			if j < 0 {
				break
			}
			mark(from+j, from+j+len(f))
			from += j + 1
		}
	}
	return covered
}

// safeCut returns the largest position <= want at which s can be split
// without splitting a known piece: redacting both sides separately then
// gives what redacting s would.
func (r *Redactor) safeCut(s string, want int) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	covered := r.coverage(s)
	for want > 0 && covered != nil && want < len(s) && covered[want] && covered[want-1] {
		want--
	}
	return want
}

// Error returns err's text redacted ("" for nil).
func (r *Redactor) Error(err error) string {
	if err == nil {
		return ""
	}
	return r.String(err.Error())
}

// Contains reports whether s holds a known secret or a piece of one.
func (r *Redactor) Contains(s string) bool {
	return r.String(s) != s
}

// Writer returns a writer that redacts what it passes on to w. It holds
// back an unfinished line (a secret may be split across two writes) until
// the line ends, Flush is called, or the held text grows long; callers
// writing a prompt without a newline must call Flush.
func (r *Redactor) Writer(w io.Writer) *Writer {
	return &Writer{r: r, w: w}
}

// Writer is the redacting writer returned by Redactor.Writer. It is safe
// for concurrent use.
type Writer struct {
	mu      sync.Mutex
	r       *Redactor
	w       io.Writer
	pending []byte
	err     error // the first error of w, returned by every later call
}

// holdMax bounds the unfinished line a Writer keeps.
const holdMax = 8 << 10

// Write redacts p's complete lines and writes them to the underlying
// writer. It reports len(p) unless the underlying writer failed.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	held := len(w.pending)
	w.pending = append(w.pending, p...)
	cut := 0
	if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
		cut = held + i + 1
	} else if len(w.pending) > holdMax {
		// A very long line: pass on all but a look-behind that can hold
		// the start of a secret still being written, cut where no known
		// piece is split.
		cut = w.r.safeCut(string(w.pending), len(w.pending)-w.lookBehind())
	}
	if cut > 0 {
		if err := w.emit(w.pending[:cut]); err != nil {
			return 0, err
		}
		w.pending = append(w.pending[:0], w.pending[cut:]...)
	}
	return len(p), nil
}

func (w *Writer) lookBehind() int {
	w.r.mu.RLock()
	defer w.r.mu.RUnlock()
	return min(max(w.r.maxLen, MinFragment), len(w.pending))
}

func (w *Writer) emit(b []byte) error {
	s := w.r.String(string(b))
	if _, err := io.WriteString(w.w, s); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Flush writes what is held back and reports the first error the
// underlying writer returned, if any (a closed pipe, a full disk).
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return w.err
	}
	if len(w.pending) > 0 {
		if err := w.emit(w.pending); err != nil {
			return err
		}
		w.pending = w.pending[:0]
	}
	return nil
}

// Err returns the first error of the underlying writer.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Unwrap returns the writer w writes to.
func (w *Writer) Unwrap() io.Writer { return w.w }

// Flush flushes w when it is a *Writer (or anything with a Flush method
// returning an error) and reports its error; other writers are left alone.
func Flush(w io.Writer) error {
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// Value returns v with every known secret hidden in its strings and map
// keys. Maps ([]map[string]any too) and lists of any are walked; an error
// becomes its redacted message; other values are returned as they are.
// Lists of any are redacted in place. A map or list of maps is copied only
// when something in it changed, so that a large result holding no secret
// costs one read-only walk (results are walked once per call by the MCP
// gateway and integrations:call).
func (r *Redactor) Value(v any) any {
	if r == nil {
		out, _ := walkValue(nil, v)
		return out
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out, _ := walkValue(r, v)
	return out
}

// walkValue is Value under r's read lock (r may be nil: no secret); it
// reports whether the result differs from v.
func walkValue(r *Redactor, v any) (any, bool) {
	str := func(s string) string {
		if r == nil || s == "" {
			return s
		}
		return r.redact(s)
	}
	switch x := v.(type) {
	case string:
		if s := str(x); s != x {
			return s, true
		}
		return v, false // v, not x: boxing x again would allocate
	case []any:
		changed := false
		for i, item := range x {
			if out, ok := walkValue(r, item); ok {
				x[i], changed = out, true
			}
		}
		return x, changed
	case map[string]any:
		var out map[string]any
		for k, item := range x {
			rk, rv := str(k), item
			var ok bool
			if rv, ok = walkValue(r, item); !ok && rk == k {
				continue
			}
			if out == nil {
				// first change: copy what came before it
				out = make(map[string]any, len(x))
				for k2, item2 := range x {
					out[k2] = item2
				}
			}
			if rk != k {
				delete(out, k)
			}
			out[rk] = rv
		}
		if out == nil {
			return x, false
		}
		return out, true
	case []map[string]any:
		var out []map[string]any
		for i, item := range x {
			m, ok := walkValue(r, item)
			if !ok {
				continue
			}
			if out == nil {
				out = append([]map[string]any(nil), x...)
			}
			out[i], _ = m.(map[string]any)
		}
		if out == nil {
			return x, false
		}
		return out, true
	case error:
		return str(x.Error()), true
	}
	return v, false
}
