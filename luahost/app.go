package luahost

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"sync/atomic"

	lua "github.com/yuin/gopher-lua"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/luaconv"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// openIntegrations builds app.integrations: one table per integration
// holding its functions bound to the default account, plus one subtable
// per configured account (app.integrations.heygen.work.list_videos).
// Unknown names raise with suggestions instead of yielding nil.
func (h *Host) openIntegrations(L *lua.LState) *lua.LTable {
	root := L.NewTable()
	for _, name := range h.order {
		b := h.bindings[name]
		t := h.accountTable(L, b, b.Default, "app.integrations."+name)
		for _, acct := range accountsWithDefault(b) {
			t.RawSetString(acct, h.accountTable(L, b, acct, "app.integrations."+name+"."+acct))
		}
		L.SetMetatable(t, h.unknownMemberMeta(L, b))
		root.RawSetString(name, t)
	}
	L.SetMetatable(root, h.unknownIntegrationMeta(L))
	return root
}

// accountsWithDefault lists the account names that get a subtable: the
// configured ones, and always "default" (portable scripts use it).
func accountsWithDefault(b *Binding) []string {
	names := accountNames(b)
	for _, n := range names {
		if n == "default" {
			return names
		}
	}
	return append(names, "default")
}

func (h *Host) accountTable(L *lua.LState, b *Binding, account, prefix string) *lua.LTable {
	t := L.CreateTable(0, len(b.Integration.Functions))
	for _, f := range b.Integration.Functions {
		t.RawSetString(f.Name, L.NewFunction(h.callFunction(b, f, account, prefix+"."+f.Name)))
	}
	if prefix != "app.integrations."+b.Integration.Name {
		L.SetMetatable(t, h.unknownFunctionMeta(L, b, prefix))
	}
	return t
}

func protectedMeta(L *lua.LState, index lua.LGFunction) *lua.LTable {
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(index))
	mt.RawSetString("__metatable", lua.LString("kosmo.namespace"))
	return mt
}

func (h *Host) unknownIntegrationMeta(L *lua.LState) *lua.LTable {
	return protectedMeta(L, func(L *lua.LState) int {
		key := L.ToString(2)
		e := errcode.New(errcode.UnknownFunction, "Unknown integration: app.integrations.%s.", key)
		if s := registry.Suggest(key, h.order); len(s) > 0 {
			e.Message += " Did you mean: " + strings.Join(s, ", ")
		}
		if len(h.order) > 0 {
			e.WithHint("available integrations: %s", strings.Join(h.order, ", "))
		} else {
			e.WithHint("no integrations are available in this command; use kosmo integrations:lua")
		}
		raise(L, e)
		return 0
	})
}

// unknownFunctionMeta guards an account subtable: anything missing there
// is an unknown function.
func (h *Host) unknownFunctionMeta(L *lua.LState, b *Binding, prefix string) *lua.LTable {
	return protectedMeta(L, func(L *lua.LState) int {
		raise(L, unknownFunction(b, prefix, L.ToString(2)))
		return 0
	})
}

func unknownFunction(b *Binding, prefix, key string) *errcode.Error {
	names := b.Integration.FunctionNames()
	e := errcode.New(errcode.UnknownFunction, "Unknown function: %s.%s.", prefix, key)
	if s := registry.Suggest(key, names); len(s) > 0 {
		e.Message += " Did you mean: " + strings.Join(s, ", ")
		e.WithDetail("suggestions", s)
	}
	return e.WithHint("%s functions: %s (docs.read(%q))", b.Integration.Title, strings.Join(names, ", "), b.Integration.Name)
}

// unknownMemberMeta guards app.integrations.<name>: a missing key is either
// a mistyped function or an account that is not configured. Names close to
// a function, or shaped like one (with an underscore), are reported as
// unknown functions; other names as unknown accounts.
func (h *Host) unknownMemberMeta(L *lua.LState, b *Binding) *lua.LTable {
	return protectedMeta(L, func(L *lua.LState) int {
		key := L.ToString(2)
		prefix := "app.integrations." + b.Integration.Name
		if len(registry.Suggest(key, b.Integration.FunctionNames())) > 0 || strings.Contains(key, "_") {
			raise(L, unknownFunction(b, prefix, key))
		}
		raise(L, unknownAccount(b, key))
		return 0
	})
}

func unknownAccount(b *Binding, name string) *errcode.Error {
	ig := b.Integration
	e := errcode.New(errcode.UnknownAccount, "Unknown account: app.integrations.%s.%s. Configured %s accounts: %s.",
		ig.Name, name, ig.Title, listOrNone(accountNames(b)))
	if ig.Credential.EnvVar != "" {
		e.WithHint("to add the account %q, set %s_%s (or declare it in the config file); it is not a function either (functions: %s)",
			name, ig.Credential.EnvVar, strings.ToUpper(name), strings.Join(ig.FunctionNames(), ", "))
	}
	return e.WithDetail("account", name).WithDetail("accounts", accountNames(b))
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// callFunction returns the Lua function for one integration function bound
// to one account. Every call is validated, permission-checked, audited and
// run with the CPU clock paused while the integration waits.
func (h *Host) callFunction(b *Binding, f *registry.Function, account, path string) lua.LGFunction {
	return func(L *lua.LState) int {
		r := activeRun(L, path)
		args := h.callArgs(L, f, path)
		var requests atomic.Int64
		finish := r.audit(path, account, f.Op, &requests)

		validated, verr := f.Validate(args)
		if verr != nil {
			e := errcode.From(verr, errcode.InvalidArgument)
			finish(e)
			raise(L, e)
		}
		if e := h.authorize(L, r, b, f, account, path); e != nil {
			finish(e)
			raise(L, e)
		}
		acct, e := findAccount(b, account)
		if e != nil {
			finish(e)
			raise(L, e)
		}

		var result any
		if e := r.await(errcode.LuaRuntimeError, func(ctx context.Context) (err error) {
			result, err = h.invoke(registry.WithRequestCounter(ctx, &requests), r, b, f, acct, validated)
			return err
		}); e != nil {
			finish(e)
			if f.Flat && flatCodes[e.Code] && r.ctx.Err() == nil {
				L.Push(luaconv.ToLua(L, map[string]any{"success": false, "error": e.Message}))
				return 1
			}
			raise(L, e)
		}
		finish(nil)
		L.Push(luaconv.ToLua(L, result))
		return 1
	}
}

// flatCodes are the failures that Flat functions report in their result
// instead of raising: the remote service said no or could not be reached.
var flatCodes = map[errcode.Code]bool{
	errcode.APIError:     true,
	errcode.RateLimited:  true,
	errcode.NetworkError: true,
	errcode.Timeout:      true,
}

// callArgs converts the single table argument of an integration call.
func (h *Host) callArgs(L *lua.LState, f *registry.Function, path string) map[string]any {
	if L.GetTop() > 1 {
		if _, self := L.Get(1).(*lua.LTable); self && L.GetTop() == 2 {
			if t, ok := L.Get(1).(*lua.LTable); ok && t.RawGetString(f.Name) != lua.LNil {
				raise(L, errcode.New(errcode.InvalidArgument, "%s: called with ':' — use a dot: %s({...})", f.Label(), path))
			}
		}
		raise(L, errcode.New(errcode.InvalidArgument, "%s takes one table of named parameters, got %d arguments", f.Label(), L.GetTop()).
			WithHint("call it as %s({name = value, ...})", path))
	}
	switch v := L.Get(1).(type) {
	case *lua.LNilType:
		return map[string]any{}
	case *lua.LTable:
		goVal, err := luaconv.ToGo(L, v, luaconv.ToGoOptions{Strict: true})
		if err != nil {
			raise(L, errcode.New(errcode.InvalidArgument, "%s: %v", f.Label(), err).WithDetail("function", f.Label()))
		}
		switch m := goVal.(type) {
		case map[string]any:
			return m
		case []any:
			if len(m) == 0 {
				return map[string]any{}
			}
		}
		raise(L, errcode.New(errcode.InvalidArgument, "%s expects a table of named parameters, got a list", f.Label()).
			WithHint("call it as %s({name = value, ...})", path))
	default:
		raise(L, errcode.New(errcode.InvalidArgument, "%s expects a table of named parameters, got %s", f.Label(), v.Type().String()).
			WithHint("call it as %s({name = value, ...})", path))
	}
	return nil
}

// authorize applies the permission policy. --force bypasses it, and the
// envelope records that it did.
func (h *Host) authorize(L *lua.LState, r *run, b *Binding, f *registry.Function, account, path string) *errcode.Error {
	decision := b.Policy.Decide(f.Op)
	if decision == registry.Allow {
		return nil
	}
	if h.opts.Force || r.opts.Force {
		r.bypass()
		return nil
	}
	ig := b.Integration.Name
	if decision == registry.Ask {
		prompt := r.opts.Prompt
		if prompt == nil {
			prompt = h.opts.Prompt
		}
		if prompt != nil {
			var ok bool
			r.waiting(func() {
				ok = prompt(fmt.Sprintf("Allow %s (%s, account %s)?", path, f.Op, account))
			})
			if ok {
				return nil
			}
			return errcode.New(errcode.PermissionDenied, "permission denied: you declined %s", path).
				WithDetail("function", f.Label()).WithDetail("op", string(f.Op))
		}
	}
	e := errcode.New(errcode.PermissionDenied, "permission denied: %s is a %s operation and the %s %s policy is %q",
		path, f.Op, ig, f.Op, decision).
		WithDetail("function", f.Label()).WithDetail("op", string(f.Op)).WithDetail("policy", string(decision))
	if decision == registry.Ask {
		e.Message += ", which means denied when nobody can be asked (non-interactive run)"
	}
	return e.WithHint("rerun with --force to allow it for this run, or set %s %s = \"allow\" under [integrations.%s.permissions] in the config file",
		ig, f.Op, ig)
}

func findAccount(b *Binding, name string) (registry.Account, *errcode.Error) {
	for _, a := range b.Accounts {
		if a.Name == name {
			if a.Secret == "" {
				return a, authMissing(b, name)
			}
			return a, nil
		}
	}
	return registry.Account{}, authMissing(b, name)
}

func authMissing(b *Binding, account string) *errcode.Error {
	ig := b.Integration
	c := ig.Credential
	envVar := c.EnvVar
	if account != "default" && envVar != "" {
		envVar += "_" + strings.ToUpper(account)
	}
	label := c.Label
	if label == "" {
		label = "credentials"
	}
	e := errcode.New(errcode.AuthMissing, "no %s %s for account %q", ig.Title, label, account)
	if envVar != "" {
		e.WithHint("set %s (or declare the account in the config file), or run with --sandbox to use the simulated %s", envVar, ig.Title)
		e.WithDetail("env_var", envVar)
	}
	return e.WithDetail("account", account)
}

// invoke connects the account's session (once per run) and runs the
// handler, turning a panic into an error instead of crashing the host.
func (h *Host) invoke(ctx context.Context, r *run, b *Binding, f *registry.Function, acct registry.Account, args map[string]any) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = errcode.New(errcode.LuaRuntimeError, "internal error in %s: %v", f.Label(), p).
				WithDetail("stack", string(debug.Stack()))
		}
	}()
	env := registry.Env{Sandbox: h.opts.Sandbox, Transport: h.opts.Transport, Version: h.opts.Version, Progress: h.opts.Stderr, Files: h.opts.Files}
	session, err := r.session(ctx, b, acct, env)
	if err != nil {
		return nil, err
	}
	return f.Handler(ctx, &registry.Call{Function: f, Account: acct.Name, Session: session, Args: args, Env: env})
}

func (r *run) session(ctx context.Context, b *Binding, acct registry.Account, env registry.Env) (any, error) {
	key := b.Integration.Name + "/" + acct.Name
	r.mu.Lock()
	s, ok := r.sessions[key]
	r.mu.Unlock()
	if ok || b.Integration.Connect == nil {
		return s, nil
	}
	s, err := b.Integration.Connect(ctx, acct, env)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if r.sessions == nil {
		r.sessions = map[string]any{}
	}
	r.sessions[key] = s
	r.mu.Unlock()
	return s, nil
}

func (r *run) record(rec CallRecord) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, rec)
}

func (r *run) bypass() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.bypassed = true
}

// endedBy prefers the limit that ended the run over the error a handler
// returned because its context was cancelled.
func (r *run) endedBy(e *errcode.Error) *errcode.Error {
	if s := r.stopped(); s != nil {
		return s
	}
	return e
}
