package luahost_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/kosmo-dev/kosmo/luahost"
	"github.com/kosmo-dev/kosmo/luahost/errcode"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// demoIntegration is a small integration used to exercise the host: a
// read function with paging parameters, a write function with nested
// parameters, a flat (never-raising) function and a failing one.
func demoIntegration(connects *atomic.Int64) *registry.Integration {
	return &registry.Integration{
		Name:    "demo",
		Title:   "Demo",
		Summary: "A test integration.",
		Credential: registry.Credential{
			Label: "API key", EnvVar: "DEMO_API_KEY", BaseURLEnv: "DEMO_API_BASE",
		},
		Connect: func(ctx context.Context, acct registry.Account, env registry.Env) (any, error) {
			if connects != nil {
				connects.Add(1)
			}
			return "session-for-" + acct.Name, nil
		},
		Functions: []*registry.Function{
			{
				Name: "list_things", FullName: "demo.demo_list_things", Op: registry.Read,
				Summary: "List things.", Description: "Lists things with paging.",
				Params: []registry.Param{
					{Name: "limit", Type: registry.Integer, Default: int64(10), Min: registry.Ptr(1), Max: registry.Ptr(100), Description: "How many."},
					{Name: "offset", Type: registry.Integer, Default: int64(0), Min: registry.Ptr(0), Description: "Skip this many."},
				},
				Examples: []registry.Example{{Title: "List", Code: "dump(app.integrations.demo.list_things({limit = 2}))"}},
				Handler: func(ctx context.Context, c *registry.Call) (any, error) {
					registry.CountRequest(ctx)
					limit, offset := c.Args["limit"].(int64), c.Args["offset"].(int64)
					items := []any{}
					for i := offset; i < offset+limit; i++ {
						items = append(items, map[string]any{"id": fmt.Sprintf("t%d", i), "n": i, "missing": nil})
					}
					return map[string]any{"data": map[string]any{"things": items, "account": c.Account, "session": c.Session}}, nil
				},
			},
			{
				Name: "make_thing", FullName: "demo.demo_make_thing", Op: registry.Write,
				Summary: "Make a thing.", Description: "Creates a thing from parts.",
				Params: []registry.Param{
					{Name: "parts", Type: registry.Array, Required: true, Items: &registry.Param{Type: registry.Object, Fields: []registry.Param{
						{Name: "kind", Type: registry.String, Required: true, Enum: []string{"a", "b"}},
					}}},
				},
				Handler: func(ctx context.Context, c *registry.Call) (any, error) {
					return map[string]any{"data": map[string]any{"made": len(c.Args["parts"].([]any))}}, nil
				},
			},
			{
				Name: "flat_fail", FullName: "demo.demo_flat_fail", Op: registry.Read, Flat: true,
				Summary: "Always fails remotely.", Description: "Returns success=false.",
				Handler: func(ctx context.Context, c *registry.Call) (any, error) {
					return nil, errcode.New(errcode.APIError, "remote said no (404)").WithDetail("status", 404)
				},
			},
			{
				Name: "fail", FullName: "demo.demo_fail", Op: registry.Read,
				Summary: "Always fails.", Description: "Raises an api_error.",
				Handler: func(ctx context.Context, c *registry.Call) (any, error) {
					return nil, errcode.New(errcode.APIError, "remote said no").WithDetail("status", 404).WithDetail("request_id", "req-9")
				},
			},
			{
				Name: "boom", FullName: "demo.demo_boom", Op: registry.Read,
				Summary: "Plain Go error.", Description: "Returns a plain error.",
				Handler: func(ctx context.Context, c *registry.Call) (any, error) {
					return nil, errors.New("something broke")
				},
			},
		},
	}
}

func demoBinding(connects *atomic.Int64) luahost.Binding {
	return luahost.Binding{
		Integration: demoIntegration(connects),
		Accounts: []registry.Account{
			{Name: "default", Secret: "sk-demo-secret-default"},
			{Name: "work", Secret: "sk-demo-secret-work"},
		},
		Policy: registry.DefaultPolicy(),
	}
}
