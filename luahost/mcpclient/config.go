// Package mcpclient connects kosmo's Lua host to MCP servers: it reads the
// {"mcpServers": {...}} configuration files MCP clients share, starts
// stdio servers (in their own process group) or connects to streamable
// HTTP servers lazily on their first use in a run, and stops them all when
// the run ends. Provider implements mcpapi.Provider.
package mcpclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Transport kinds.
const (
	Stdio = "stdio"
	HTTP  = "http" // streamable HTTP
)

// ServerConfig is one entry of "mcpServers". Values may hold ${VAR} or
// ${VAR:-default}; they are expanded from the environment when the server
// starts.
type ServerConfig struct {
	Name    string
	Type    string // Stdio or HTTP
	Command string
	Args    []string
	Env     map[string]string
	Cwd     string // relative to Dir
	URL     string
	Headers map[string]string
	// Disabled servers ("disabled": true) are listed by mcp:list and
	// mcp:status but never started or offered to scripts.
	Disabled bool

	// Source is the file the entry came from, Dir its directory (relative
	// cwd values are resolved against it).
	Source string
	Dir    string
}

// Config is a set of servers, by name.
type Config struct {
	Servers map[string]ServerConfig
	// Sources lists the files read, in the order they were merged.
	Sources []string
}

// Names returns the names of the enabled servers, sorted.
func (c *Config) Names() []string {
	if c == nil {
		return nil
	}
	names := make([]string, 0, len(c.Servers))
	for n, s := range c.Servers {
		if !s.Disabled {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// All returns every server name, disabled ones included, sorted.
func (c *Config) All() []string {
	if c == nil {
		return nil
	}
	return sortedKeys(c.Servers)
}

// Merge returns the servers of base, replaced or completed by those of
// over (a project's .mcp.json overrides the user's file for the same name).
func Merge(base, over *Config) *Config {
	out := &Config{Servers: map[string]ServerConfig{}}
	for _, c := range []*Config{base, over} {
		if c == nil {
			continue
		}
		for n, s := range c.Servers {
			out.Servers[n] = s
		}
		out.Sources = append(out.Sources, c.Sources...)
	}
	return out
}

// validServerName: letters, digits, '-' and '_', at least one.
func validServerName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '-' || c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return name != ""
}

var (
	stdioKeys = []string{"type", "command", "args", "env", "cwd", "disabled"}
	httpKeys  = []string{"type", "url", "headers", "disabled"}
	allKeys   = []string{"type", "command", "args", "env", "cwd", "url", "headers", "disabled"}
)

// Parse reads one configuration file. path names it in messages and gives
// the directory relative cwd values are resolved against. Every problem is
// a config_error naming the file and where in it the problem is.
func Parse(path string, data []byte) (*Config, error) {
	cfg := &Config{Servers: map[string]ServerConfig{}, Sources: []string{path}}
	if !utf8.Valid(data) {
		return nil, configError(path, "the file is not valid UTF-8 text")
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, configError(path, "the file is empty").
			WithHint(`write {"mcpServers": {}} for no servers`)
	}
	var top map[string]json.RawMessage
	if err := strictDecode(data, &top); err != nil {
		return nil, jsonError(path, data, err, "the file")
	}
	if top == nil {
		return nil, configError(path, "the file must hold a JSON object, got null").
			WithHint(`write {"mcpServers": {"name": {"command": "...", "args": [...]}}}`)
	}
	for _, k := range sortedKeys(top) {
		if k != "mcpServers" && k != "$schema" {
			return nil, unknownKey(path, "", k, []string{"mcpServers"})
		}
	}
	raw, ok := top["mcpServers"]
	if !ok {
		return nil, configError(path, `no "mcpServers" object`).
			WithHint(`write {"mcpServers": {"name": {"command": "...", "args": [...]}}}`)
	}
	var servers map[string]json.RawMessage
	if err := json.Unmarshal(raw, &servers); err != nil || servers == nil && !isNull(raw) {
		return nil, configError(path, "mcpServers must be an object of servers by name, got %s", jsonKind(raw))
	}
	dir := filepath.Dir(path)
	for _, name := range sortedKeys(servers) {
		s, err := parseServer(path, name, servers[name])
		if err != nil {
			return nil, err
		}
		s.Source, s.Dir = path, dir
		cfg.Servers[name] = s
	}
	return cfg, nil
}

func parseServer(path, name string, raw json.RawMessage) (ServerConfig, error) {
	s := ServerConfig{Name: name}
	where := "mcpServers." + name
	if !validServerName(name) {
		return s, configError(path, "server name %q: use letters, digits, '-' and '_' (it becomes app.mcp.<name>)", name)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return s, configError(path, "%s must be an object, got %s", where, jsonKind(raw)).
			WithHint(`a stdio server is {"command": "...", "args": [...]}, an HTTP server {"type": "http", "url": "..."}`)
	}
	for _, k := range sortedKeys(fields) {
		if !contains(allKeys, k) {
			return s, unknownKey(path, where, k, allKeys)
		}
	}
	if t, ok := fields["type"]; ok {
		if err := str(path, where+".type", t, &s.Type); err != nil {
			return s, err
		}
	}
	switch strings.ToLower(s.Type) {
	case "":
		_, hasCommand := fields["command"]
		_, hasURL := fields["url"]
		s.Type = Stdio
		if hasURL && !hasCommand {
			s.Type = HTTP
		}
	case "stdio":
		s.Type = Stdio
	case "http", "streamable-http", "streamable_http", "streamablehttp":
		s.Type = HTTP
	case "sse":
		return s, configError(path, "%s.type: the legacy SSE transport is not supported", where).
			WithHint(`use "type": "http" with the server's streamable HTTP endpoint`)
	default:
		return s, configError(path, "%s.type: unknown transport %q", where, s.Type).
			WithHint(`use "stdio" (command) or "http" (url)`)
	}
	allowed := stdioKeys
	if s.Type == HTTP {
		allowed = httpKeys
	}
	for _, k := range sortedKeys(fields) {
		if !contains(allowed, k) {
			return s, configError(path, "%s: %q does not apply to a %s server (keys: %s)", where, k, s.Type, strings.Join(allowed, ", "))
		}
	}

	var err error
	if raw, ok := fields["disabled"]; ok {
		if err := json.Unmarshal(raw, &s.Disabled); err != nil || isNull(raw) {
			return s, configError(path, "%s.disabled must be true or false, got %s", where, jsonKind(raw))
		}
	}
	if s.Type == Stdio {
		raw, ok := fields["command"]
		if !ok {
			return s, configError(path, "%s: missing \"command\"", where).
				WithHint(`a stdio server needs {"command": "program", "args": [...]}; an HTTP server {"type": "http", "url": "..."}`)
		}
		if err = str(path, where+".command", raw, &s.Command); err != nil {
			return s, err
		}
		if strings.TrimSpace(s.Command) == "" {
			return s, configError(path, "%s.command is empty", where)
		}
		if raw, ok := fields["args"]; ok {
			if s.Args, err = strList(path, where+".args", raw); err != nil {
				return s, err
			}
		}
		if raw, ok := fields["env"]; ok {
			if s.Env, err = strMap(path, where+".env", raw); err != nil {
				return s, err
			}
		}
		if raw, ok := fields["cwd"]; ok {
			if err = str(path, where+".cwd", raw, &s.Cwd); err != nil {
				return s, err
			}
		}
		return s, nil
	}

	raw, ok := fields["url"]
	if !ok {
		return s, configError(path, "%s: missing \"url\"", where).
			WithHint(`an HTTP server needs {"type": "http", "url": "https://host/mcp"}`)
	}
	if err = str(path, where+".url", raw, &s.URL); err != nil {
		return s, err
	}
	if !strings.Contains(s.URL, "${") {
		if err := checkURL(s.URL); err != nil {
			return s, configError(path, "%s.url: %v", where, err)
		}
	}
	if raw, ok := fields["headers"]; ok {
		if s.Headers, err = strMap(path, where+".headers", raw); err != nil {
			return s, err
		}
	}
	return s, nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	return nil
}

// strictDecode decodes exactly one JSON value.
func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &trailingData{offset: dec.InputOffset()}
	}
	return nil
}

type trailingData struct{ offset int64 }

func (t *trailingData) Error() string { return "unexpected data after the JSON value" }

// jsonError describes a decoding failure with the line and column.
func jsonError(path string, data []byte, err error, what string) *errcode.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var trail *trailingData
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return configError(path, "invalid JSON at line %d, column %d: %s", line, col, syn.Error()).
			WithDetail("line", line).WithDetail("column", col)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return configError(path, "%s must hold a JSON object, got %s (line %d, column %d)", what, typ.Value, line, col).
			WithDetail("line", line).WithDetail("column", col)
	case errors.As(err, &trail):
		line, col := position(data, trail.offset)
		return configError(path, "invalid JSON at line %d, column %d: unexpected data after the top-level object", line, col).
			WithDetail("line", line).WithDetail("column", col)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		line, col := position(data, int64(len(data)))
		return configError(path, "invalid JSON: unexpected end of the file at line %d, column %d (an object or string is not closed)", line, col).
			WithDetail("line", line).WithDetail("column", col)
	}
	return configError(path, "invalid JSON: %v", err)
}

// position turns a byte offset into a 1-based line and column (in runes).
func position(data []byte, offset int64) (line, col int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	lastNL := bytes.LastIndexByte(before, '\n')
	col = utf8.RuneCount(before[lastNL+1:])
	if col == 0 {
		col = 1
	}
	return line, col
}

func configError(path, format string, args ...any) *errcode.Error {
	return errcode.New(errcode.ConfigError, "MCP config %s: "+format, append([]any{path}, args...)...).
		WithDetail("file", path)
}

func unknownKey(path, where, key string, known []string) *errcode.Error {
	at := "top level"
	if where != "" {
		at = where
	}
	e := configError(path, "unknown key %q at %s", key, at)
	if s := registry.Suggest(key, known); len(s) > 0 {
		e.Message += ". Did you mean: " + strings.Join(s, ", ")
	}
	return e.WithHint("accepted keys: %s", strings.Join(known, ", "))
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "nothing"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func str(path, where string, raw json.RawMessage, dst *string) error {
	if err := json.Unmarshal(raw, dst); err != nil || isNull(raw) {
		return configError(path, "%s must be a string, got %s", where, jsonKind(raw))
	}
	return nil
}

func strList(path, where string, raw json.RawMessage) ([]string, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || isNull(raw) {
		return nil, configError(path, "%s must be an array of strings, got %s", where, jsonKind(raw))
	}
	out := make([]string, len(items))
	for i, item := range items {
		if err := str(path, fmt.Sprintf("%s[%d]", where, i), item, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func strMap(path, where string, raw json.RawMessage) (map[string]string, error) {
	var items map[string]json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, configError(path, "%s must be an object of strings, got %s", where, jsonKind(raw))
	}
	out := make(map[string]string, len(items))
	for _, k := range sortedKeys(items) {
		var v string
		if err := str(path, where+"."+k, items[k], &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// varRef is compiled on first use: most runs have no MCP settings.
var varRef = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)
})

// References returns the variables s names with ${VAR} or ${VAR:-default}
// and s with those references removed, for finding the secrets a setting
// holds or takes from the environment.
func References(s string) (vars []string, rest string) {
	if !strings.Contains(s, "${") {
		return nil, s
	}
	re := varRef()
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		vars = append(vars, m[1])
	}
	return vars, re.ReplaceAllString(s, "")
}

// expand replaces ${VAR} and ${VAR:-default} with values from env. Unset
// variables without a default are collected in missing.
func expand(s string, env map[string]string, missing *[]string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	re := varRef()
	return re.ReplaceAllStringFunc(s, func(m string) string {
		sub := re.FindStringSubmatch(m)
		if v, ok := env[sub[1]]; ok && v != "" {
			return v
		}
		if sub[2] != "" {
			return sub[3]
		}
		if !contains(*missing, sub[1]) {
			*missing = append(*missing, sub[1])
		}
		return ""
	})
}

// resolved returns s with variables expanded and cwd made absolute. An
// unset variable without a default is a config_error.
func (s ServerConfig) resolved(env map[string]string, home string) (ServerConfig, error) {
	var missing []string
	out := s
	out.Command = expand(s.Command, env, &missing)
	out.Args = make([]string, len(s.Args))
	for i, a := range s.Args {
		out.Args[i] = expand(a, env, &missing)
	}
	out.Env = make(map[string]string, len(s.Env))
	for k, v := range s.Env {
		out.Env[k] = expand(v, env, &missing)
	}
	out.Cwd = expand(s.Cwd, env, &missing)
	out.URL = expand(s.URL, env, &missing)
	out.Headers = make(map[string]string, len(s.Headers))
	for k, v := range s.Headers {
		out.Headers[k] = expand(v, env, &missing)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return out, errcode.New(errcode.ConfigError, "MCP server %q (%s): environment variable(s) not set: %s",
			s.Name, s.Source, strings.Join(missing, ", ")).
			WithHint("set them, or give a default with ${VAR:-default}").
			WithDetail("server", s.Name)
	}
	out.Cwd = expandHome(out.Cwd, home)
	out.Command = expandHome(out.Command, home)
	if out.Cwd != "" && !filepath.IsAbs(out.Cwd) {
		out.Cwd = filepath.Join(s.Dir, out.Cwd)
	}
	if out.Type == HTTP {
		if err := checkURL(out.URL); err != nil {
			return out, errcode.New(errcode.ConfigError, "MCP server %q (%s): url: %v", s.Name, s.Source, err).WithDetail("server", s.Name)
		}
	}
	return out, nil
}

func expandHome(p, home string) string {
	if home == "" {
		return p
	}
	if p == "~" {
		return home
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		return filepath.Join(home, rest)
	}
	return p
}
