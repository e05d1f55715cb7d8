package mcpclient

import (
	"fmt"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// Status is what kosmo mcp:status reports for one server, found without
// starting it.
type Status struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Source string `json:"source"`
	// State is "configured" (it can be started: its variables are set and
	// its command exists), "disabled", or "error" (Problem says why).
	State   string `json:"state"`
	Problem string `json:"problem,omitempty"`
	// Target is the command line or URL, with variables unexpanded (the
	// file's own words, so no secret from the environment is shown).
	Target string `json:"target"`
}

// Status checks every configured server without starting any: variables
// referenced by the entry must be set, a stdio command must be found and
// executable, an HTTP URL must be valid.
func (p *Provider) Status() []Status {
	var out []Status
	for _, name := range p.cfg.All() {
		s := p.cfg.Servers[name]
		st := Status{Name: name, Type: s.Type, Source: s.Source, State: "configured", Target: Target(s)}
		switch {
		case s.Disabled:
			st.State = "disabled"
		default:
			if err := p.check(s); err != nil {
				st.State = "error"
				if e, ok := errcode.As(err); ok {
					st.Problem = e.Message
				} else {
					st.Problem = err.Error()
				}
			}
		}
		out = append(out, st)
	}
	return out
}

func (p *Provider) check(s ServerConfig) error {
	cfg, err := s.resolved(p.opts.Env, p.opts.Home)
	if err != nil {
		return err
	}
	if cfg.Type == HTTP {
		return nil
	}
	env := mergeEnv(p.opts.Env, cfg.Env)
	if _, err := lookPath(cfg.Command, env["PATH"], cfg.Cwd, p.opts.Dir); err != nil {
		return fmt.Errorf("cannot start %q: %v", cfg.Command, err)
	}
	return nil
}

// Target is a server's command line (stdio) or URL (HTTP) as the file
// writes it; the query of a URL, which may carry a token, is elided.
func Target(s ServerConfig) string {
	if s.Type == HTTP {
		if strings.Contains(s.URL, "${") {
			return s.URL
		}
		return redactURL(s.URL)
	}
	parts := append([]string{s.Command}, s.Args...)
	for i, a := range parts {
		if a == "" || strings.ContainsAny(a, " \t\"'") {
			parts[i] = fmt.Sprintf("%q", a)
		}
	}
	return strings.Join(parts, " ")
}
