package spec

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// RulesPath is the hand-written list of value rules, relative to the
// repository root.
const RulesPath = "heygen/spec/rules.txt"

// Rule is one line of rules.txt: a limit the spec states only in a
// field's prose (a length, a count, a numeric range), written down by us
// as a fact so the generated declaration enforces it.
type Rule struct {
	Request string // "POST /v3/voices/speech"
	// Path names the field by its property names joined with dots (array
	// items and union variants add nothing): "files",
	// "output_settings.prompt". A leading "**." matches the rest of the
	// path at any depth.
	Path     string
	Kind     string // "chars" (string length), "items" (array length) or "range" (numbers)
	Min, Max string // either may be empty
	line     int
}

// ParseRules reads rules.txt: "METHOD /path | field path | chars|items|range lo..hi".
func ParseRules(data []byte) ([]Rule, error) {
	var out []Rule
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "|")
		if len(cols) != 3 {
			return nil, fmt.Errorf("rules.txt:%d: want 3 columns separated by |", n)
		}
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		kind, bounds, ok := strings.Cut(cols[2], " ")
		lo, hi, ok2 := strings.Cut(strings.TrimSpace(bounds), "..")
		if !ok || !ok2 || (kind != "chars" && kind != "items" && kind != "range") || (lo == "" && hi == "") {
			return nil, fmt.Errorf("rules.txt:%d: want \"chars lo..hi\", \"items lo..hi\" or \"range lo..hi\"", n)
		}
		for _, b := range []string{lo, hi} {
			if b == "" {
				continue
			}
			if _, err := strconv.ParseFloat(b, 64); err != nil {
				return nil, fmt.Errorf("rules.txt:%d: bound %q is not a number", n, b)
			}
			if kind != "range" {
				if _, err := strconv.Atoi(b); err != nil {
					return nil, fmt.Errorf("rules.txt:%d: length bound %q is not an integer", n, b)
				}
			}
		}
		out = append(out, Rule{Request: cols[0], Path: cols[1], Kind: kind, Min: lo, Max: hi, line: n})
	}
	return out, sc.Err()
}

func (r Rule) matches(path string) bool {
	if suffix, ok := strings.CutPrefix(r.Path, "**."); ok {
		return path == suffix || strings.HasSuffix(path, "."+suffix)
	}
	return path == r.Path
}

// emitter writes one function's parameters, applying its rules.
type emitter struct {
	rules []Rule
	used  map[int]bool
}

func newEmitter(all []Rule, request string) *emitter {
	em := &emitter{used: map[int]bool{}}
	for _, r := range all {
		if r.Request == request {
			em.rules = append(em.rules, r)
		}
	}
	return em
}

// constraints returns the Go fields the rules add to the parameter at path.
func (em *emitter) constraints(path, typ string) []string {
	var parts []string
	for i, r := range em.rules {
		if !r.matches(path) {
			continue
		}
		em.used[i] = true
		switch {
		case r.Kind == "chars" && typ == "string", r.Kind == "items" && typ == "array":
			if r.Min != "" {
				parts = append(parts, "MinLen: "+r.Min)
			}
			if r.Max != "" {
				parts = append(parts, "MaxLen: "+r.Max)
			}
		case r.Kind == "range" && (typ == "number" || typ == "integer"):
			if r.Min != "" {
				parts = append(parts, "Min: registry.Ptr("+r.Min+")")
			}
			if r.Max != "" {
				parts = append(parts, "Max: registry.Ptr("+r.Max+")")
			}
		default:
			delete(em.used, i)
		}
	}
	return parts
}

// unused reports rules that matched no parameter of the right type, so a
// rule can never silently stop applying when the spec changes.
func (em *emitter) unused() error {
	var bad []string
	for i, r := range em.rules {
		if !em.used[i] {
			bad = append(bad, fmt.Sprintf("rules.txt:%d (%s %s)", r.line, r.Request, r.Path))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("rules that match no parameter: %s", strings.Join(bad, ", "))
	}
	return nil
}

// joinPath appends a property name to a field path.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
