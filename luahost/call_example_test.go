package luahost_test

import (
	"context"
	"fmt"

	"github.com/kosmo-dev/kosmo/luahost"
)

// A Go caller (a CLI command, an MCP tool) calls an integration function
// without Lua, through the same validation, policy and audit as scripts.
func ExampleHost_Call() {
	h, err := luahost.New(luahost.Options{Integrations: []luahost.Binding{demoBinding(nil)}})
	if err != nil {
		panic(err)
	}
	defer h.Close()
	res := h.Call(context.Background(), "demo", "list_things", map[string]any{"limit": int64(2)}, luahost.CallOptions{Account: "work"})
	things := res.Data.(map[string]any)["data"].(map[string]any)["things"].([]any)
	fmt.Println(len(things), res.Record.Path, res.Record.Status)

	res = h.Call(context.Background(), "demo", "make_thing", map[string]any{"parts": []any{}}, luahost.CallOptions{})
	fmt.Println(res.Error.Code)
	// Output:
	// 2 app.integrations.demo.work.list_things ok
	// permission_denied
}
