package mcpclient

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

func TestParseStdioAndHTTP(t *testing.T) {
	cfg, err := Parse("/proj/.mcp.json", []byte(`{
  "mcpServers": {
    "files": {"command": "npx", "args": ["-y", "server-fs", "${HOME}/notes"], "env": {"A": "1"}, "cwd": "sub"},
    "explicit": {"type": "stdio", "command": "srv"},
    "remote": {"type": "http", "url": "https://example.com/mcp", "headers": {"Authorization": "Bearer ${TOKEN}"}},
    "streamable": {"type": "streamable-http", "url": "http://127.0.0.1:9/mcp"},
    "inferred": {"url": "https://example.com/other"}
  }
}`))
	require.NoError(t, err)
	assert.Equal(t, []string{"explicit", "files", "inferred", "remote", "streamable"}, cfg.Names())
	files := cfg.Servers["files"]
	assert.Equal(t, ServerConfig{Name: "files", Type: Stdio, Command: "npx", Args: []string{"-y", "server-fs", "${HOME}/notes"},
		Env: map[string]string{"A": "1"}, Cwd: "sub", Source: "/proj/.mcp.json", Dir: "/proj"}, files)
	assert.Equal(t, Stdio, cfg.Servers["explicit"].Type)
	assert.Equal(t, HTTP, cfg.Servers["remote"].Type)
	assert.Equal(t, map[string]string{"Authorization": "Bearer ${TOKEN}"}, cfg.Servers["remote"].Headers)
	assert.Equal(t, HTTP, cfg.Servers["streamable"].Type)
	assert.Equal(t, HTTP, cfg.Servers["inferred"].Type)
	assert.Equal(t, []string{"/proj/.mcp.json"}, cfg.Sources)
}

func TestParseEmptyServers(t *testing.T) {
	for _, doc := range []string{`{"mcpServers": {}}`, `{"mcpServers": null}`, "\xef\xbb\xbf{\"mcpServers\": {}}", `{"$schema": "x", "mcpServers": {}}`} {
		cfg, err := Parse("f.json", []byte(doc))
		require.NoError(t, err, doc)
		assert.Empty(t, cfg.Names(), doc)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{``, "the file is empty"},
		{`   `, "the file is empty"},
		{"{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\",}\n  }\n}", "invalid JSON at line 3, column 26"},
		{`{"mcpServers": {"a": {"command": "x"}}`, "unexpected end of the file at line 1, column 38"},
		{`{"mcpServers": {}} {}`, "invalid JSON at line 1, column 20: unexpected data after the top-level object"},
		{`[1, 2]`, "the file must hold a JSON object, got array"},
		{`null`, "the file must hold a JSON object, got null"},
		{`{}`, `no "mcpServers" object`},
		{`{"servers": {}}`, `unknown key "servers" at top level`},
		{`{"mcpserver": {}}`, `unknown key "mcpserver" at top level. Did you mean: mcpServers`},
		{`{"mcpServers": []}`, "mcpServers must be an object of servers by name, got an array"},
		{`{"mcpServers": {"a": "npx"}}`, "mcpServers.a must be an object, got a string"},
		{`{"mcpServers": {"a": {"comand": "x"}}}`, `unknown key "comand" at mcpServers.a. Did you mean: command`},
		{`{"mcpServers": {"a": {}}}`, `mcpServers.a: missing "command"`},
		{`{"mcpServers": {"a": {"args": ["x"]}}}`, `mcpServers.a: missing "command"`},
		{`{"mcpServers": {"a": {"command": ""}}}`, "mcpServers.a.command is empty"},
		{`{"mcpServers": {"a": {"command": 5}}}`, "mcpServers.a.command must be a string, got a number"},
		{`{"mcpServers": {"a": {"command": null}}}`, "mcpServers.a.command must be a string, got null"},
		{`{"mcpServers": {"a": {"command": "x", "args": "y"}}}`, "mcpServers.a.args must be an array of strings, got a string"},
		{`{"mcpServers": {"a": {"command": "x", "args": ["y", 2]}}}`, "mcpServers.a.args[1] must be a string, got a number"},
		{`{"mcpServers": {"a": {"command": "x", "env": {"K": 1}}}}`, "mcpServers.a.env.K must be a string, got a number"},
		{`{"mcpServers": {"a": {"command": "x", "env": []}}}`, "mcpServers.a.env must be an object of strings, got an array"},
		{`{"mcpServers": {"a": {"command": "x", "url": "http://h/"}}}`, `mcpServers.a: "url" does not apply to a stdio server`},
		{`{"mcpServers": {"b": {"type": "http"}}}`, `mcpServers.b: missing "url"`},
		{`{"mcpServers": {"b": {"type": "http", "url": "ftp://h/x"}}}`, `mcpServers.b.url: "ftp://h/x" is not an http(s) URL`},
		{`{"mcpServers": {"b": {"type": "http", "url": "https://h/", "command": "x"}}}`, `"command" does not apply to a http server`},
		{`{"mcpServers": {"b": {"type": "sse", "url": "https://h/"}}}`, "the legacy SSE transport is not supported"},
		{`{"mcpServers": {"b": {"type": "websocket", "url": "https://h/"}}}`, `unknown transport "websocket"`},
		{`{"mcpServers": {"b": {"type": 1}}}`, "mcpServers.b.type must be a string"},
		{`{"mcpServers": {"my server": {"command": "x"}}}`, `server name "my server"`},
		{`{"mcpServers": {"a.b": {"command": "x"}}}`, `server name "a.b"`},
		{"{\"mcpServers\": {\"a\": {\"command\": \"\xff\"}}}", "not valid UTF-8"},
	} {
		_, err := Parse("cfg.json", []byte(tc.doc))
		require.Error(t, err, tc.doc)
		e, ok := errcode.As(err)
		require.True(t, ok, tc.doc)
		assert.Equal(t, errcode.ConfigError, e.Code, tc.doc)
		assert.Equal(t, 3, e.ExitCode())
		assert.Contains(t, e.Message, tc.want, tc.doc)
		assert.True(t, strings.HasPrefix(e.Message, "MCP config cfg.json: "), e.Message)
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncdé\nf")
	for _, tc := range []struct {
		off       int64
		line, col int
	}{{0, 1, 1}, {2, 1, 2}, {3, 2, 1}, {5, 2, 2}, {7, 2, 3}, {8, 3, 1}, {100, 3, 1}} {
		line, col := position(data, tc.off)
		assert.Equal(t, [2]int{tc.line, tc.col}, [2]int{line, col}, "offset %d", tc.off)
	}
}

func TestMerge(t *testing.T) {
	user, err := Parse("/home/u/.config/kosmo/mcp.json", []byte(`{"mcpServers": {"a": {"command": "user-a"}, "b": {"command": "user-b"}}}`))
	require.NoError(t, err)
	proj, err := Parse("/p/.mcp.json", []byte(`{"mcpServers": {"b": {"command": "proj-b"}, "c": {"url": "https://h/mcp"}}}`))
	require.NoError(t, err)
	m := Merge(user, proj)
	assert.Equal(t, []string{"a", "b", "c"}, m.Names())
	assert.Equal(t, "user-a", m.Servers["a"].Command)
	assert.Equal(t, "proj-b", m.Servers["b"].Command)
	assert.Equal(t, "/p", m.Servers["b"].Dir)
	assert.Equal(t, []string{"/home/u/.config/kosmo/mcp.json", "/p/.mcp.json"}, m.Sources)
	assert.Equal(t, []string{"a", "b", "c"}, Merge(nil, m).Names())
}

func TestResolvedExpandsVariables(t *testing.T) {
	s := ServerConfig{Name: "x", Type: Stdio, Command: "~/bin/srv", Args: []string{"--root", "${ROOT}", "${LEVEL:-info}", "$NOTBRACED"},
		Env: map[string]string{"TOKEN": "${TOKEN}"}, Cwd: "work", Source: "/p/.mcp.json", Dir: "/p"}
	got, err := s.resolved(map[string]string{"ROOT": "/data", "TOKEN": "t0k"}, "/home/me")
	require.NoError(t, err)
	assert.Equal(t, "/home/me/bin/srv", got.Command)
	assert.Equal(t, []string{"--root", "/data", "info", "$NOTBRACED"}, got.Args)
	assert.Equal(t, map[string]string{"TOKEN": "t0k"}, got.Env)
	assert.Equal(t, filepath.Join("/p", "work"), got.Cwd)
	assert.Equal(t, []string{"--root", "${ROOT}", "${LEVEL:-info}", "$NOTBRACED"}, s.Args, "the original is unchanged")

	_, err = s.resolved(map[string]string{"ROOT": "/data"}, "")
	require.Error(t, err)
	e, _ := errcode.As(err)
	assert.Equal(t, errcode.ConfigError, e.Code)
	assert.Contains(t, e.Message, "environment variable(s) not set: TOKEN")

	h := ServerConfig{Name: "h", Type: HTTP, URL: "${BASE}/mcp", Headers: map[string]string{"X-Key": "${KEY:-none}"}}
	got, err = h.resolved(map[string]string{"BASE": "https://api.example.com"}, "")
	require.NoError(t, err)
	assert.Equal(t, "https://api.example.com/mcp", got.URL)
	assert.Equal(t, map[string]string{"X-Key": "none"}, got.Headers)
	_, err = h.resolved(map[string]string{"BASE": "not a url"}, "")
	require.Error(t, err)
}

// FuzzParse: any input parses or fails with a config_error; it never
// panics, and what parses is usable.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"mcpServers": {"a": {"command": "x", "args": ["1"], "env": {"K": "v"}, "cwd": "."}}}`,
		`{"mcpServers": {"b": {"type": "http", "url": "https://h/mcp", "headers": {"A": "b"}}}}`,
		`{"mcpServers": {"c": {"url": "http://127.0.0.1:1/x"}}}`,
		`{"mcpServers": {}}`, `{"mcpServers": null}`, `{}`, `[]`, `null`, ``, `{"mcpServers": {"a": {"comand": "x"}}}`,
		"{\"mcpServers\": {\n\"a\": {\"command\": \"x\",}}}",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.json", data)
		if err != nil {
			e, ok := errcode.As(err)
			if !ok || e.Code != errcode.ConfigError {
				t.Fatalf("error is not a config_error: %v", err)
			}
			return
		}
		for _, name := range cfg.Names() {
			s := cfg.Servers[name]
			if !serverNameForm.MatchString(name) {
				t.Fatalf("accepted server name %q", name)
			}
			switch s.Type {
			case Stdio:
				if s.Command == "" {
					t.Fatalf("stdio server %q without command", name)
				}
			case HTTP:
				if s.URL == "" {
					t.Fatalf("http server %q without url", name)
				}
			default:
				t.Fatalf("server %q has type %q", name, s.Type)
			}
			_, _ = s.resolved(map[string]string{}, "/home")
		}
	})
}

// serverNameForm is the rule validServerName spells out by hand.
var serverNameForm = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

func TestReferences(t *testing.T) {
	vars, rest := References("Bearer ${TOKEN} and ${OTHER:-fallback}!")
	assert.Equal(t, []string{"TOKEN", "OTHER"}, vars)
	assert.Equal(t, "Bearer  and !", rest)
	vars, rest = References("no references, ${not a name}")
	assert.Empty(t, vars)
	assert.Equal(t, "no references, ${not a name}", rest)
}
