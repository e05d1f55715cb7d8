package luahost_test

import (
	"context"
	"fmt"

	"github.com/kosmo-dev/kosmo/luahost"
)

// Embedding the host takes a few lines: build it once, run chunks, read
// the envelope.
func Example() {
	h, err := luahost.New(luahost.Options{})
	if err != nil {
		panic(err)
	}
	defer h.Close()
	env := h.Run(context.Background(), `
local doc = json.decode('{"names": ["ada", "grace"]}')
for _, n in ipairs(doc.names) do print("hello " .. n) end
return #doc.names`, luahost.RunOptions{})
	fmt.Print(env.Output)
	fmt.Println(env.Success, env.Result[0])
	// Output:
	// hello ada
	// hello grace
	// true 2
}

// Errors come back coded, with the line where they happened.
func Example_errors() {
	h, _ := luahost.New(luahost.Options{})
	defer h.Close()
	env := h.Run(context.Background(), "local x = nil\nreturn x.field", luahost.RunOptions{Name: "script.lua"})
	fmt.Println(env.Error.Code, env.Error.Line)
	// Output:
	// lua_runtime_error 2
}
