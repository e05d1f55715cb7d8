package main

import (
	"sync"

	heygenintegration "github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// builtinIntegrations lists the integrations compiled into kosmo. Adding
// one is one line here. The declarations are plain data that nothing
// changes, so they are built once per process and shared: a start used to
// build them three times (secrets, commands, bindings).
var builtinIntegrations = sync.OnceValue(func() []*registry.Integration {
	return []*registry.Integration{
		heygenintegration.New(),
	}
})
