// Package callargs turns the command line of a direct call (kosmo
// integrations:call, mcp:call and their shortcuts) into named arguments,
// the way KosmoKrator's headless CLI reads them:
//
//   - a JSON object as the positional PAYLOAD, or read from standard input
//     when no PAYLOAD is given and the caller passes a reader;
//   - --some-name=value and --some-name value set some_name;
//   - repeated --arg key=value pairs;
//   - --key:json VALUE sets key to a decoded JSON value;
//   - flags override the payload's keys;
//   - values are coerced: true/false, null, integers, decimals, otherwise
//     strings (numbers with leading zeros stay strings: they are ids);
//   - the caller's control flags (--account, --force, --json, ...) are
//     separated out.
//
// Values are data from start to end: nothing here builds source code.
// The package has no Lua dependency, so the MCP code can import it.
package callargs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Options configure Parse.
type Options struct {
	// Control maps each control flag's name (without dashes) to whether it
	// takes a value: {"account": true, "force": false, ...}. A boolean
	// control flag also accepts --force=true / --force=false.
	Control map[string]bool
	// Params are the parameter names the target accepts. A flag naming
	// none of them is an error with suggestions. nil accepts any name.
	Params []string
	// Target names what is being called, for messages ("heygen.get_video").
	Target string
	// Stdin is read for the payload when no positional PAYLOAD is given.
	// nil means no stdin payload (it is a terminal, or already used).
	Stdin io.Reader
	// MaxPayload bounds the payload read from Stdin; default 16 MiB.
	MaxPayload int64
}

// Parsed is the result of Parse.
type Parsed struct {
	// Args are the named arguments: payload keys overridden by flags.
	Args map[string]any
	// Control holds the control flags that were given: the value, or
	// "true"/"false" for boolean ones.
	Control map[string]string
	// PayloadFromStdin reports that the payload came from Stdin.
	PayloadFromStdin bool
}

// Bool reports whether the boolean control flag name was given as true.
func (p *Parsed) Bool(name string) bool { return p.Control[name] == "true" }

// String returns the value of the control flag name ("" when absent).
func (p *Parsed) String(name string) string { return p.Control[name] }

// Has reports whether the control flag name was given.
func (p *Parsed) Has(name string) bool {
	_, ok := p.Control[name]
	return ok
}

// Parse reads argv (the words after the command and its target).
func Parse(argv []string, o Options) (*Parsed, error) {
	p := &Parsed{Args: map[string]any{}, Control: map[string]string{}}
	flags := map[string]any{}
	var flagOrder []string
	set := func(key string, v any) {
		if _, seen := flags[key]; !seen {
			flagOrder = append(flagOrder, key)
		}
		flags[key] = v
	}
	var payload []string
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			payload = append(payload, argv[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "--") || a == "--" {
			if strings.HasPrefix(a, "-") && len(a) > 1 && !looksNumeric(a) {
				return nil, errcode.New(errcode.UsageError, "%s: unknown short option %q", o.target(), a).
					WithHint("parameters are given as --name value or --name=value")
			}
			payload = append(payload, a)
			continue
		}
		name, value, hasValue := strings.Cut(a[2:], "=")
		if name == "" {
			return nil, errcode.New(errcode.UsageError, "%s: empty flag name in %q", o.target(), a)
		}
		// next returns the value of a flag given as "--name value".
		next := func() (string, error) {
			if hasValue {
				return value, nil
			}
			if i+1 < len(argv) && !strings.HasPrefix(argv[i+1], "--") {
				i++
				return argv[i], nil
			}
			return "", errcode.New(errcode.UsageError, "%s: --%s needs a value", o.target(), name).
				WithHint("give it as --%s VALUE or --%s=VALUE", name, name)
		}
		if takesValue, ok := o.Control[name]; ok {
			if takesValue {
				v, err := next()
				if err != nil {
					return nil, err
				}
				p.Control[name] = v
				continue
			}
			switch {
			case !hasValue:
				p.Control[name] = "true"
			case value == "true" || value == "false":
				p.Control[name] = value
			default:
				return nil, errcode.New(errcode.UsageError, "%s: --%s takes no value (or =true / =false), got %q", o.target(), name, value)
			}
			continue
		}
		if name == "arg" {
			v, err := next()
			if err != nil {
				return nil, err
			}
			key, val, err := ParsePair(v)
			if err != nil {
				return nil, err
			}
			if err := o.checkParam(key, "--arg "+key+"=..."); err != nil {
				return nil, err
			}
			set(key, val)
			continue
		}
		if base, ok := strings.CutSuffix(name, ":json"); ok {
			key := ParamName(base)
			if err := o.checkParam(key, "--"+base+":json"); err != nil {
				return nil, err
			}
			v, err := next()
			if err != nil {
				return nil, err
			}
			decoded, err := DecodeJSON([]byte(v), "--"+base+":json")
			if err != nil {
				return nil, err
			}
			set(key, decoded)
			continue
		}
		key := ParamName(name)
		if err := o.checkParam(key, "--"+name); err != nil {
			return nil, err
		}
		if !hasValue && (i+1 >= len(argv) || strings.HasPrefix(argv[i+1], "--")) {
			set(key, true) // a bare --flag is a switch
			continue
		}
		v, _ := next()
		set(key, Coerce(v))
	}

	switch len(payload) {
	case 0:
		if o.Stdin != nil {
			max := o.MaxPayload
			if max <= 0 {
				max = 16 << 20
			}
			data, err := io.ReadAll(io.LimitReader(o.Stdin, max+1))
			if err != nil {
				return nil, errcode.New(errcode.UsageError, "cannot read the payload from standard input: %v", err)
			}
			if int64(len(data)) > max {
				return nil, errcode.New(errcode.InvalidArgument, "the payload on standard input is larger than %d bytes", max)
			}
			if len(bytes.TrimSpace(data)) > 0 {
				m, err := DecodeObject(data, "the payload on standard input")
				if err != nil {
					return nil, err
				}
				p.Args = m
				p.PayloadFromStdin = true
			}
		}
	case 1:
		m, err := DecodeObject([]byte(payload[0]), "the PAYLOAD")
		if err != nil {
			return nil, err
		}
		p.Args = m
	default:
		return nil, errcode.New(errcode.UsageError, "%s takes at most one PAYLOAD (a JSON object), got %d: %s",
			o.target(), len(payload), strings.Join(payload, " ")).
			WithHint("put every argument in one JSON object, or give them as --name value")
	}
	for _, k := range flagOrder {
		p.Args[k] = flags[k]
	}
	return p, nil
}

func (o Options) target() string {
	if o.Target == "" {
		return "the call"
	}
	return o.Target
}

// checkParam rejects a flag that names no parameter, with suggestions.
func (o Options) checkParam(key, spelled string) error {
	if o.Params == nil {
		return nil
	}
	for _, p := range o.Params {
		if p == key {
			return nil
		}
	}
	e := errcode.New(errcode.InvalidArgument, "%s: unknown parameter %s", o.target(), spelled)
	if s := registry.Suggest(key, o.Params); len(s) > 0 {
		flags := make([]string, len(s))
		for i, n := range s {
			flags[i] = "--" + strings.ReplaceAll(n, "_", "-")
		}
		e.Message += ". Did you mean: " + strings.Join(flags, ", ")
		e.WithDetail("suggestions", s)
	}
	names := append([]string(nil), o.Params...)
	sort.Strings(names)
	if len(names) == 0 {
		return e.WithHint("%s takes no parameters", o.target())
	}
	return e.WithHint("parameters: %s", strings.Join(names, ", ")).WithDetail("parameter", key)
}

// ParamName turns a flag name into a parameter name: some-name -> some_name.
func ParamName(flag string) string { return strings.ReplaceAll(flag, "-", "_") }

// ParsePair reads one "key=value" of --arg: the key becomes a parameter
// name (dashes to underscores) and the value is coerced.
func ParsePair(s string) (string, any, error) {
	key, val, ok := strings.Cut(s, "=")
	if !ok || key == "" {
		return "", nil, errcode.New(errcode.UsageError, "--arg %q: want key=value", s).
			WithHint("for example --arg title=\"My video\"")
	}
	return ParamName(key), Coerce(val), nil
}

// Coerce turns a command-line word into a value: true, false, null, an
// integer, a decimal, otherwise the string itself. Numbers with leading
// zeros ("007") and integers too large for 64 bits stay strings.
func Coerce(s string) any {
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if !looksNumeric(s) {
		return s
	}
	digits := strings.TrimPrefix(s, "-")
	if len(digits) > 1 && digits[0] == '0' && digits[1] != '.' {
		return s
	}
	if !strings.ContainsAny(s, ".eE") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return s
	}
	return f
}

// looksNumeric: an optional minus, digits, an optional fraction and an
// optional exponent (JSON's number grammar without the leading-zero rule).
func looksNumeric(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		fs := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == fs {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		es := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == es {
			return false
		}
	}
	return i == len(s)
}

// DecodeObject decodes a JSON object, naming what in errors.
func DecodeObject(data []byte, what string) (map[string]any, error) {
	v, err := DecodeJSON(data, what)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errcode.New(errcode.InvalidArgument, "%s must be a JSON object ({\"name\": value, ...}), got %s", what, jsonKind(v)).
			WithHint("wrap the arguments in an object, e.g. '{\"video_id\": \"abc\"}'")
	}
	return m, nil
}

// DecodeJSON decodes one JSON document with integers kept as int64. A
// syntax error reports its byte offset.
func DecodeJSON(data []byte, what string) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			off := dec.InputOffset()
			return nil, errcode.New(errcode.InvalidArgument, "%s is not valid JSON: unexpected data after the value at byte %d", what, off).
				WithDetail("offset", off)
		}
		return numbers(v), nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return nil, errcode.New(errcode.InvalidArgument, "%s is not valid JSON: %v at byte %d%s", what, syn, syn.Offset, near(data, syn.Offset)).
			WithDetail("offset", syn.Offset).WithHint("check the quoting: in a shell, wrap the JSON in single quotes")
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, errcode.New(errcode.InvalidArgument, "%s is not valid JSON: it ends early at byte %d", what, len(data)).
			WithDetail("offset", len(data))
	}
	return nil, errcode.New(errcode.InvalidArgument, "%s is not valid JSON: %v", what, err)
}

// near quotes a few bytes around a syntax error.
func near(data []byte, off int64) string {
	if off <= 0 || off > int64(len(data)) {
		return ""
	}
	from := off - 10
	if from < 0 {
		from = 0
	}
	return fmt.Sprintf(" (near %q)", string(data[from:off]))
}

// numbers turns json.Number into int64 when integral, else float64.
func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	}
	return v
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, float64:
		return "a number"
	}
	return fmt.Sprintf("%T", v)
}
