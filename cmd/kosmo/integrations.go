package main

import (
	heygenintegration "github.com/kosmo-dev/kosmo/heygen/integration"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// builtinIntegrations lists the integrations compiled into kosmo. Adding
// one is one line here.
func builtinIntegrations() []*registry.Integration {
	return []*registry.Integration{
		heygenintegration.New(),
	}
}
