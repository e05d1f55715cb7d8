package heygentest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
)

// apiKey returns the credential of a request: the X-Api-Key header (header
// names are case-insensitive), or else an OAuth style bearer token, which
// the sandbox treats exactly like a key.
func apiKey(r *http.Request) (string, bool) {
	k := strings.TrimSpace(r.Header.Get("X-Api-Key"))
	if k == "" {
		a := strings.TrimSpace(r.Header.Get("Authorization"))
		if len(a) > len("bearer ") && strings.EqualFold(a[:len("bearer ")], "bearer ") {
			k = strings.TrimSpace(a[len("bearer "):])
		}
	}
	return k, k != ""
}

// keyIsInvalid reports whether the key is one the sandbox rejects: any key
// that starts with "invalid" (in any case).
func keyIsInvalid(key string) bool {
	return strings.HasPrefix(strings.ToLower(key), "invalid")
}

func keyDigest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// keyLabel names a key in logs without revealing it.
func keyLabel(key string) string {
	return "key-" + keyDigest(key)[:8]
}

// billingKind is the account type the sandbox derives from a key.
type billingKind int

const (
	billingPro  billingKind = iota // subscription, plan "pro"
	billingFree                    // subscription, plan "free"
	billingWallet
	billingUsage
)

// billingFor looks for the words "wallet", "usage" and "free" in the key
// (in that order of precedence); any other key is a pro subscription.
func billingFor(key string) billingKind {
	k := strings.ToLower(key)
	switch {
	case strings.Contains(k, "wallet"):
		return billingWallet
	case strings.Contains(k, "usage"):
		return billingUsage
	case strings.Contains(k, "free"):
		return billingFree
	}
	return billingPro
}

// tenantFor returns the isolated state of a key, creating it from the seed
// on first use.
func (s *Server) tenantFor(key string) *tenant {
	d := keyDigest(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tenants[d]
	if !ok {
		t = newTenant(s.cat, d[:16], billingFor(key))
		s.tenants[d] = t
	}
	return t
}
