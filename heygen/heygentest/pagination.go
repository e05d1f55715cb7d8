package heygentest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
)

// single is the envelope of one object.
type single struct {
	Data any `json:"data"`
}

// listPage is the envelope of one page of a list.
type listPage struct {
	Data      any     `json:"data"`
	HasMore   bool    `json:"has_more"`
	NextToken *string `json:"next_token"`
}

// pageRequest is a parsed limit/token pair.
//
// Tokens are keyset cursors: every list is kept in a fixed order in which
// each item has a strictly increasing int64 key, and a token names the key
// of the last item handed out. Items created or deleted between two pages
// therefore never cause an item to be skipped or repeated. A token also
// carries the list it belongs to and a fingerprint of the filters it was
// issued for, so that it cannot be replayed against another query.
type pageRequest struct {
	limit    int
	after    int64
	hasAfter bool
	scope    string
	fp       string
}

const tokenVersion = "c1"

// parseLimit reads an integer query parameter bounded by [1, max].
func parseLimit(c *call, def, max int) (int, *apiError) {
	raw, present := c.query["limit"]
	if !present {
		return def, nil
	}
	s := strings.TrimSpace(raw[0])
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, invalidParam("limit", "limit must be an integer between 1 and %d, got %q.", max, raw[0])
	}
	if n < 1 || n > max {
		return 0, invalidParam("limit", "limit must be between 1 and %d, got %d.", max, n)
	}
	return n, nil
}

// parsePage reads limit and token. filters are the resolved filter values
// of the query (name=value pairs, in a fixed order per endpoint).
func parsePage(c *call, scope string, def, max int, filters ...string) (pageRequest, *apiError) {
	p := pageRequest{scope: scope, fp: fingerprint(scope, filters)}
	var err *apiError
	if p.limit, err = parseLimit(c, def, max); err != nil {
		return p, err
	}
	tok := c.query.Get("token")
	if tok == "" {
		return p, nil
	}
	raw, derr := base64.RawURLEncoding.DecodeString(tok)
	parts := strings.Split(string(raw), "|")
	if derr != nil || len(parts) != 4 || parts[0] != tokenVersion {
		return p, invalidParam("token", "The pagination token is not valid.")
	}
	after, perr := strconv.ParseInt(parts[2], 10, 64)
	if perr != nil {
		return p, invalidParam("token", "The pagination token is not valid.")
	}
	if parts[1] != scope || parts[3] != p.fp {
		return p, invalidParam("token", "The pagination token was issued for a different list or different filters.")
	}
	p.after, p.hasAfter = after, true
	return p, nil
}

func fingerprint(scope string, filters []string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + strings.Join(filters, "\x00")))
	return hex.EncodeToString(sum[:6])
}

func (p pageRequest) token(lastKey int64) string {
	s := tokenVersion + "|" + p.scope + "|" + strconv.FormatInt(lastKey, 10) + "|" + p.fp
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

// paginate cuts one page out of items, whose keys must strictly increase.
func paginate[T any](items []T, key func(T) int64, p pageRequest) listPage {
	start := 0
	if p.hasAfter {
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > p.after })
	}
	end := start + p.limit
	if end > len(items) {
		end = len(items)
	}
	page := items[start:end]
	if page == nil {
		page = []T{}
	}
	out := listPage{Data: page}
	if end < len(items) && len(page) > 0 {
		out.HasMore = true
		out.NextToken = ptr(p.token(key(page[len(page)-1])))
	}
	return out
}

// mapItems converts a page of stored items to their wire form.
func mapItems[T, U any](lp listPage, f func(T) U) listPage {
	in := lp.Data.([]T)
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	lp.Data = out
	return lp
}

// enumParam reads an optional query parameter restricted to a set of
// values. An empty value counts as absent.
func enumParam(c *call, name string, allowed ...string) (string, *apiError) {
	v := c.query.Get(name)
	if v == "" || contains(allowed, v) {
		return v, nil
	}
	return "", invalidParam(name, "%s must be one of %s, got %q.", name, quoteList(allowed), v)
}
