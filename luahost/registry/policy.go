package registry

import (
	"fmt"
	"strings"
)

// Decision is what a policy says about a call.
type Decision string

const (
	Allow Decision = "allow"
	Ask   Decision = "ask"
	Deny  Decision = "deny"
)

// ParseDecision reads "allow", "ask" or "deny" (any case).
func ParseDecision(s string) (Decision, error) {
	switch d := Decision(strings.ToLower(strings.TrimSpace(s))); d {
	case Allow, Ask, Deny:
		return d, nil
	}
	return "", fmt.Errorf("unknown permission %q: use allow, ask or deny", s)
}

// Policy says, per operation class, whether calls run, need a yes from the
// user, or are refused.
type Policy struct {
	Read  Decision
	Write Decision
}

// DefaultPolicy lets reads through and asks before writes.
func DefaultPolicy() Policy { return Policy{Read: Allow, Write: Ask} }

// Decide returns the decision for op, treating unset as the default.
func (p Policy) Decide(op Op) Decision {
	d := p.Read
	def := Allow
	if op == Write {
		d, def = p.Write, Ask
	}
	if d == "" {
		return def
	}
	return d
}
