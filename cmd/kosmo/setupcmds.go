package main

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// setupCommands report and check the set-up: accounts, keys' sources,
// policy, base URLs, the config file.
func setupCommands(st *State) []*cli.Command {
	return []*cli.Command{statusCommand(st), doctorCommand(st)}
}

type configStatus struct {
	Path     string `json:"path"`
	Exists   bool   `json:"exists"`
	Explicit bool   `json:"explicit"`
	Mode     string `json:"mode,omitempty"`
}

type statusAccount struct {
	Name    string `json:"name"`
	Default bool   `json:"default"`
	HasKey  bool   `json:"has_key"`
	Source  string `json:"source"`
	BaseURL string `json:"base_url"`
}

type statusIntegration struct {
	Name           string            `json:"name"`
	Title          string            `json:"title"`
	BaseURL        string            `json:"base_url"`
	BaseURLSource  string            `json:"base_url_source"`
	Policy         map[string]string `json:"policy"`
	DefaultAccount string            `json:"default_account"`
	Accounts       []statusAccount   `json:"accounts"`
	KeyVariable    string            `json:"key_variable,omitempty"`
}

func readConfigStatus(st *State) configStatus {
	path, explicit := configPath(st)
	cs := configStatus{Path: path, Explicit: explicit}
	if info, err := st.Stat(path); err == nil {
		cs.Exists = true
		cs.Mode = fmt.Sprintf("%04o", info.Mode().Perm())
	}
	return cs
}

func statusCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:  "integrations:status",
		Usage: "show each integration's accounts, where each key comes from (never the key), policy and base URL",
		Flags: []cli.Flag{jsonFlag()},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return errcode.New(errcode.UsageError, "integrations:status takes no arguments, got %q", c.Args().First())
			}
			cfg, err := loadConfig(st)
			if err != nil {
				return err
			}
			bindings, err := buildBindings(st, cfg, "")
			if err != nil {
				return err
			}
			out := []statusIntegration{}
			for _, b := range bindings {
				ig := b.Integration
				si := statusIntegration{Name: ig.Name, Title: ig.Title, DefaultAccount: b.Default, Accounts: []statusAccount{},
					Policy:      map[string]string{"read": string(b.Policy.Decide(registry.Read)), "write": string(b.Policy.Decide(registry.Write))},
					KeyVariable: ig.Credential.EnvVar}
				si.BaseURL, si.BaseURLSource = ig.Credential.DefaultBaseURL, "default"
				if v := ig.Credential.BaseURLEnv; v != "" && st.Getenv(v) != "" {
					si.BaseURL, si.BaseURLSource = st.Getenv(v), "env "+v
				}
				for _, a := range b.Accounts {
					base := a.BaseURL
					if base == "" {
						base = si.BaseURL
					}
					si.Accounts = append(si.Accounts, statusAccount{Name: a.Name, Default: a.Name == b.Default,
						HasKey: a.Secret != "", Source: a.Source, BaseURL: base})
				}
				out = append(out, si)
			}
			cs := readConfigStatus(st)
			if c.Bool("json") {
				writeJSON(st.Stdout, map[string]any{"config": cs, "integrations": out})
				return nil
			}
			switch {
			case cs.Exists:
				fmt.Fprintf(st.Stdout, "config file: %s (mode %s)\n", cs.Path, cs.Mode)
			default:
				fmt.Fprintf(st.Stdout, "config file: %s (not present; optional)\n", cs.Path)
			}
			for _, si := range out {
				fmt.Fprintf(st.Stdout, "\n%s (%s)\n", si.Name, si.Title)
				fmt.Fprintf(st.Stdout, "  base URL: %s (%s)\n", si.BaseURL, si.BaseURLSource)
				fmt.Fprintf(st.Stdout, "  policy: read=%s write=%s\n", si.Policy["read"], si.Policy["write"])
				if len(si.Accounts) == 0 {
					fmt.Fprintf(st.Stdout, "  accounts: none (set %s, or try it with --sandbox)\n", si.KeyVariable)
				}
				for _, a := range si.Accounts {
					mark := ""
					if a.Default {
						mark = " (default)"
					}
					key := "key from " + a.Source
					if !a.HasKey {
						key = "NO KEY (" + a.Source + ")"
					}
					fmt.Fprintf(st.Stdout, "  account %s%s: %s; %s\n", a.Name, mark, key, a.BaseURL)
				}
			}
			return nil
		},
	}
}

// doctorCheck is one finding of integrations:doctor.
type doctorCheck struct {
	Integration string `json:"integration,omitempty"`
	Account     string `json:"account,omitempty"`
	Check       string `json:"check"`
	Status      string `json:"status"` // ok, warning, problem
	Message     string `json:"message"`
	Code        string `json:"code,omitempty"`
	Next        string `json:"next,omitempty"` // the exact command to run next
}

func doctorCommand(st *State) *cli.Command {
	return &cli.Command{
		Name:      "integrations:doctor",
		Usage:     "check the config file, base URLs and every account's key against the service; print the next command for each problem",
		ArgsUsage: "[INTEGRATION]",
		Flags: []cli.Flag{jsonFlag(),
			&cli.StringFlag{Name: "timeout", Value: "20s", Usage: "bound each account check to `DURATION`"}},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 1 {
				return errcode.New(errcode.UsageError, "integrations:doctor takes at most one INTEGRATION")
			}
			only := c.Args().First()
			if only != "" {
				if _, e := findIntegration(only); e != nil {
					return e
				}
			}
			timeout, err := parseDuration(c.String("timeout"))
			if err != nil {
				return errcode.New(errcode.UsageError, "--timeout %q: %v", c.String("timeout"), err)
			}
			checks, worst := runDoctor(st, only, timeout)
			if c.Bool("json") {
				writeJSON(st.Stdout, map[string]any{"ok": worst == nil, "checks": checks})
			} else {
				for _, ch := range checks {
					who := ch.Check
					if ch.Account != "" {
						who = ch.Integration + " account " + ch.Account
					} else if ch.Integration != "" {
						who = ch.Integration + " " + ch.Check
					}
					fmt.Fprintf(st.Stdout, "[%s] %s: %s\n", ch.Status, who, ch.Message)
					if ch.Next != "" {
						fmt.Fprintf(st.Stdout, "    next: %s\n", ch.Next)
					}
				}
				if worst == nil {
					fmt.Fprintln(st.Stdout, "All checks passed.")
				}
			}
			if worst != nil {
				return reported{code: worst.ExitCode()}
			}
			return nil
		},
	}
}

// runDoctor makes every check; worst is the first problem's error (nil
// when there is none).
func runDoctor(st *State, only string, timeout time.Duration) (checks []doctorCheck, worst *errcode.Error) {
	problem := func(ch doctorCheck, e *errcode.Error) {
		ch.Status, ch.Code = "problem", string(e.Code)
		if ch.Message == "" {
			ch.Message = e.Message
		}
		checks = append(checks, ch)
		if worst == nil {
			worst = e
		}
	}
	cs := readConfigStatus(st)
	cfg, err := loadConfig(st)
	if err != nil {
		e, _ := errcode.As(err)
		problem(doctorCheck{Check: "config", Next: nextForConfig(e, cs.Path)}, e)
		return checks, worst
	}
	switch {
	case !cs.Exists:
		checks = append(checks, doctorCheck{Check: "config", Status: "ok", Message: "no config file at " + cs.Path + " (optional)"})
	case cs.Mode != "" && cs.Mode[2:] != "00":
		checks = append(checks, doctorCheck{Check: "config", Status: "warning",
			Message: fmt.Sprintf("%s can be read by other users (mode %s); keep it private", cs.Path, cs.Mode),
			Next:    "chmod 600 " + shellQuote(cs.Path)})
	default:
		checks = append(checks, doctorCheck{Check: "config", Status: "ok", Message: cs.Path + " (mode " + cs.Mode + ")"})
	}
	bindings, err := buildBindings(st, cfg, "")
	if err != nil {
		e, _ := errcode.As(err)
		problem(doctorCheck{Check: "accounts", Next: nextForConfig(e, cs.Path)}, e)
		return checks, worst
	}
	host, err := luahost.New(luahost.Options{Integrations: bindings, Version: versionString(), Stderr: st.Stderr})
	if err != nil {
		e := errcode.Wrap(errcode.ConfigError, err, "")
		problem(doctorCheck{Check: "accounts", Next: "kosmo integrations:status"}, e)
		return checks, worst
	}
	defer host.Close()
	for _, b := range bindings {
		ig := b.Integration
		if only != "" && ig.Name != only {
			continue
		}
		bases := map[string]bool{}
		for _, a := range b.Accounts {
			bases[a.BaseURL] = true
		}
		for base := range bases {
			if base == "" {
				continue
			}
			u, _ := url.Parse(base)
			if u != nil && u.Scheme == "http" && !isLoopback(u.Hostname()) {
				allow := ig.Credential.AllowHTTPEnv
				checks = append(checks, doctorCheck{Integration: ig.Name, Check: "base_url", Status: "warning",
					Message: base + " uses plain http to a remote host (allowed by " + allow + "): keys travel unencrypted",
					Next:    "unset " + allow + " and use an https URL"})
			}
		}
		if len(b.Accounts) == 0 {
			e := authMissingFor(ig.Credential.EnvVar)
			problem(doctorCheck{Integration: ig.Name, Check: "accounts", Message: "no " + ig.Title + " account is configured",
				Next: "export " + ig.Credential.EnvVar + "='<your " + ig.Title + " API key>'"}, e)
			continue
		}
		if ig.HealthCheck == "" {
			checks = append(checks, doctorCheck{Integration: ig.Name, Check: "accounts", Status: "warning",
				Message: ig.Title + " declares no health check; keys were not tested"})
			continue
		}
		for _, a := range b.Accounts {
			res := host.Call(st.Context, ig.Name, ig.HealthCheck, nil, luahost.CallOptions{Account: a.Name, Timeout: timeout})
			ch := doctorCheck{Integration: ig.Name, Account: a.Name, Check: "credentials"}
			if res.Error == nil {
				ch.Status = "ok"
				ch.Message = fmt.Sprintf("key from %s accepted by %s (%s)", a.Source, baseOr(a.BaseURL, ig.Credential.DefaultBaseURL), ig.Name+"."+ig.HealthCheck)
				checks = append(checks, ch)
				continue
			}
			ch.Message = res.Error.Message
			ch.Next = nextForAccount(res.Error, ig.Name, ig.HealthCheck, ig.Title, a.Name, a.Source, keyVariable(ig.Credential.EnvVar, a.Name), baseOr(a.BaseURL, ig.Credential.DefaultBaseURL))
			problem(ch, res.Error)
		}
	}
	return checks, worst
}

func baseOr(base, def string) string {
	if base == "" {
		return def
	}
	return base
}

func keyVariable(envVar, account string) string {
	if account == "default" {
		return envVar
	}
	return envVar + "_" + strings.ToUpper(account)
}

func authMissingFor(envVar string) *errcode.Error {
	return errcode.New(errcode.AuthMissing, "no API key").WithDetail("env_var", envVar)
}

// nextForConfig is the command that fixes a configuration error.
func nextForConfig(e *errcode.Error, path string) string {
	switch {
	case strings.Contains(e.Message, "readable by others"):
		return "chmod 600 " + shellQuote(path)
	case strings.Contains(e.Message, "plain http") || strings.Contains(e.Message, "not an http(s) URL"):
		for _, ig := range builtinIntegrations() {
			if c := ig.Credential; c.BaseURLEnv != "" && c.DefaultBaseURL != "" && strings.Contains(e.Message, "base URL") {
				return "export " + c.BaseURLEnv + "=" + c.DefaultBaseURL
			}
		}
	}
	return "${EDITOR:-vi} " + shellQuote(path)
}

// nextForAccount is the command to run about a failed account check.
func nextForAccount(e *errcode.Error, ig, fn, title, account, source, variable, base string) string {
	setKey := "export " + variable + "='<your " + title + " API key>'"
	if path, ok := strings.CutPrefix(source, "config "); ok {
		setKey = "${EDITOR:-vi} " + shellQuote(path)
	} else if v, ok := strings.CutPrefix(source, "env "); ok {
		setKey = "export " + strings.TrimSuffix(v, " (config)") + "='<your " + title + " API key>'"
	}
	switch e.Code {
	case errcode.AuthMissing:
		return setKey
	case errcode.APIError:
		if s, _ := e.Details["status"].(int); s == 401 || s == 403 {
			return setKey
		}
	case errcode.NetworkError, errcode.Timeout:
		return "curl -sS -o /dev/null -w '%{http_code}\\n' " + shellQuote(base)
	case errcode.RateLimited:
		return "sleep 60 && kosmo integrations:doctor " + ig
	}
	return fmt.Sprintf("kosmo integrations:call %s.%s --account %s --json", ig, fn, account)
}
