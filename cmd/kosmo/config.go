package main

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// Config is kosmo's configuration file (TOML). Every key is optional.
//
//	[limits]
//	cpu_limit = "30s"        # Lua execution time
//	timeout = "10m"          # whole run
//	memory_limit_mb = 32
//	output_limit_mb = 16
//
//	[integrations.heygen]
//	default_account = "default"
//
//	[integrations.heygen.permissions]
//	read = "allow"           # allow | ask | deny
//	write = "ask"
//
//	[integrations.heygen.accounts.work]
//	api_key_env = "WORK_HEYGEN_KEY"   # read the key from this variable
//	# api_key = "..."                 # or inline (the file must then be mode 0600)
//	base_url = "https://api.heygen.com"
type Config struct {
	Limits       LimitsConfig                 `toml:"limits"`
	Integrations map[string]IntegrationConfig `toml:"integrations"`

	path string // where it was read from ("" = no file)
}

// LimitsConfig sets default limits; flags override them.
type LimitsConfig struct {
	CPULimit      string `toml:"cpu_limit"`
	Timeout       string `toml:"timeout"`
	MemoryLimitMB int64  `toml:"memory_limit_mb"`
	OutputLimitMB int64  `toml:"output_limit_mb"`
}

// IntegrationConfig configures one integration.
type IntegrationConfig struct {
	DefaultAccount string                   `toml:"default_account"`
	Permissions    PermissionsConfig        `toml:"permissions"`
	Accounts       map[string]AccountConfig `toml:"accounts"`
}

// PermissionsConfig is the policy per operation class.
type PermissionsConfig struct {
	Read  string `toml:"read"`
	Write string `toml:"write"`
}

// AccountConfig declares one account.
type AccountConfig struct {
	APIKeyEnv string `toml:"api_key_env"`
	APIKey    string `toml:"api_key"`
	BaseURL   string `toml:"base_url"`
}

// configPath is $KOSMO_CONFIG, else $XDG_CONFIG_HOME/kosmo/config.toml,
// else ~/.config/kosmo/config.toml. explicit reports whether the user
// named the file (then it must exist).
func configPath(st *State) (path string, explicit bool) {
	if p := st.Getenv("KOSMO_CONFIG"); p != "" {
		return p, true
	}
	return filepath.Join(configDir(st), "config.toml"), false
}

func configDir(st *State) string {
	if x := st.Getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "kosmo")
	}
	return filepath.Join(st.Home, ".config", "kosmo")
}

// loadConfig reads the config file. A missing default file is fine; a
// missing explicit file, bad TOML, unknown keys, or an inline api_key in a
// file others can read are configuration errors (exit 3).
func loadConfig(st *State) (*Config, error) {
	path, explicit := configPath(st)
	cfg := &Config{}
	data, err := st.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && !explicit {
			return cfg, nil
		}
		return nil, configError(path, "cannot read it: %v", err)
	}
	md, err := toml.Decode(string(data), cfg)
	if err != nil {
		// The parser may quote the offending line, which can be the one
		// holding a key: learn what looks like one before reporting.
		st.Redactor.Add(configTextSecrets(string(data))...)
		return nil, configError(path, "%s", st.Redactor.Error(err))
	}
	cfg.rememberSecrets(st)
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		keys := make([]string, len(undecoded))
		for i, k := range undecoded {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return nil, configError(path, "unknown key(s): %s", strings.Join(keys, ", ")).
			WithHint("see the README's Configuration section for the accepted keys")
	}
	cfg.path = path
	for name, ic := range cfg.Integrations {
		for acct, ac := range ic.Accounts {
			if ac.APIKey == "" {
				continue
			}
			info, err := st.Stat(path)
			if err == nil && info.Mode().Perm()&0o077 != 0 {
				return nil, configError(path, "account %s.%s has an inline api_key but the file is readable by others (mode %04o)",
					name, acct, info.Mode().Perm()).
					WithHint("run: chmod 600 %s (or use api_key_env to read the key from a variable)", path)
			}
		}
	}
	if _, err := cfg.limits(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// rememberSecrets teaches the redactor the keys the config file holds or
// names, before anything else can quote them.
func (c *Config) rememberSecrets(st *State) {
	for _, ic := range c.Integrations {
		for _, ac := range ic.Accounts {
			st.Redactor.Add(ac.APIKey)
			if ac.APIKeyEnv != "" {
				st.Redactor.Add(st.Getenv(ac.APIKeyEnv))
			}
		}
	}
}

func configError(path, format string, args ...any) *errcode.Error {
	return errcode.New(errcode.ConfigError, "config file %s: "+format, append([]any{path}, args...)...)
}

// parsedLimits are the config file's limits in host units.
type parsedLimits struct {
	cpu, timeout   time.Duration
	memory, output int64
}

func (c *Config) limits() (parsedLimits, error) {
	var l parsedLimits
	var err error
	if c.Limits.CPULimit != "" {
		if l.cpu, err = parseDuration(c.Limits.CPULimit); err != nil {
			return l, configError(c.path, "limits.cpu_limit: %v", err)
		}
	}
	if c.Limits.Timeout != "" {
		if l.timeout, err = parseDuration(c.Limits.Timeout); err != nil {
			return l, configError(c.path, "limits.timeout: %v", err)
		}
	}
	if c.Limits.MemoryLimitMB < 0 || c.Limits.OutputLimitMB < 0 {
		return l, configError(c.path, "limits: sizes must be positive")
	}
	l.memory = c.Limits.MemoryLimitMB << 20
	l.output = c.Limits.OutputLimitMB << 20
	return l, nil
}
