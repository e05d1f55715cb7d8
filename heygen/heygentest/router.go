package heygentest

import (
	"net/url"
	"sort"
	"strings"
)

// route binds a method and a path pattern such as /v3/videos/{video_id} to
// a handler.
type route struct {
	method  string
	pattern string
	handle  func(*call) reply
	segs    []string
	// checked routes have their query and JSON body validated against the
	// endpoint facts before the handler runs (the decoded body is in
	// call.json); the older handlers validate with their own wording.
	checked bool
}

func newRoute(method, pattern string, h func(*call) reply) route {
	return route{method: method, pattern: pattern, handle: h, segs: strings.Split(strings.TrimPrefix(pattern, "/"), "/")}
}

// checkedRoute is a route whose request is validated from the facts.
func checkedRoute(method, pattern string, h func(*call) reply) route {
	rt := newRoute(method, pattern, h)
	rt.checked = true
	return rt
}

// apiRoutes lists every endpoint the sandbox implements: all of HeyGen's
// v3 API. The handlers live in one file per resource group.
func (s *Server) apiRoutes() []route {
	var routes []route
	for _, group := range [][]route{
		s.videoRoutes(),
		s.avatarRoutes(),
		s.voiceRoutes(),
		s.userRoutes(),
		s.templateRoutes(),
		s.webhookRoutes(),
		s.assetRoutes(),
		s.audioRoutes(),
		s.brandRoutes(),
		s.lipsyncRoutes(),
		s.translationRoutes(),
		s.proofreadRoutes(),
		s.videoAgentRoutes(),
		s.backgroundRemovalRoutes(),
		s.clippingRoutes(),
	} {
		routes = append(routes, group...)
	}
	return routes
}

// matchRoute finds the route for an escaped path. Among the patterns that
// fit the path the one with the most literal segments wins, so
// /v3/avatars/looks is not taken for a group id. When that pattern exists
// but not for this method, the route is nil and allowed lists the methods
// it has.
func matchRoute(routes []route, escapedPath, method string) (*route, map[string]string, []string) {
	raw := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	segs := make([]string, len(raw))
	for i, p := range raw {
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, nil, nil
		}
		segs[i] = u
	}
	best, bestScore := "", -1
	for i := range routes {
		if score, ok := fits(routes[i].segs, segs); ok && score > bestScore {
			best, bestScore = routes[i].pattern, score
		}
	}
	if bestScore < 0 {
		return nil, nil, nil
	}
	var allowed []string
	for i := range routes {
		rt := &routes[i]
		if rt.pattern != best {
			continue
		}
		if rt.method == method {
			params := map[string]string{}
			for j, p := range rt.segs {
				if isParam(p) {
					params[p[1:len(p)-1]] = segs[j]
				}
			}
			return rt, params, nil
		}
		allowed = append(allowed, rt.method)
	}
	sort.Strings(allowed)
	return nil, nil, allowed
}

// fits reports whether path segments match pattern segments and how many
// of them were literal.
func fits(pattern, segs []string) (int, bool) {
	if len(pattern) != len(segs) {
		return 0, false
	}
	score := 0
	for i, p := range pattern {
		switch {
		case isParam(p):
			if segs[i] == "" {
				return 0, false
			}
		case p == segs[i]:
			score++
		default:
			return 0, false
		}
	}
	return score, true
}

func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}
