package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// endpointHandler runs a generated function: it splits the validated
// arguments into path, query and body as the endpoint declares, sends the
// request, and returns every top-level member of HeyGen's answer (data,
// and has_more / next_token for pages) as plain values.
func endpointHandler(label string, ep heygen.Endpoint) registry.Handler {
	return func(ctx context.Context, c *registry.Call) (any, error) {
		path, query, body := splitArgs(ep, c.Args)
		res, err := sessionOf(c).client.Call(ctx, ep, path, query, body)
		if err != nil {
			return nil, mapError(label, err)
		}
		if ep.Method == http.MethodPost && strings.HasPrefix(c.Function.Name, "create_") {
			reportCreatedIDs(ctx, res.Body)
		}
		return res.Body, nil
	}
}

// splitArgs sorts validated arguments into the request's parts: path
// placeholders, query parameters, and (for endpoints with a body) every
// other argument as a body field.
func splitArgs(ep heygen.Endpoint, args map[string]any) (map[string]string, url.Values, map[string]any) {
	path := map[string]string{}
	query := url.Values{}
	var body map[string]any
	if ep.Body != "" {
		body = map[string]any{}
	}
	for k, v := range args {
		switch {
		case slices.Contains(ep.PathParams, k):
			path[k] = queryText(v)
		case slices.Contains(ep.QueryParams, k):
			query.Set(k, queryText(v))
		case body != nil:
			body[k] = v
		}
	}
	return path, query, body
}

// queryText writes a validated scalar the way a URL carries it.
func queryText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

// reportCreatedIDs names, in the call's audit record, the ids a create_*
// function's answer carries at the top of its data ("id", "video_id",
// "batch_id", ...), so an interrupted or failed run can still list what it
// created.
func reportCreatedIDs(ctx context.Context, body any) {
	top, _ := body.(map[string]any)
	data, _ := top["data"].(map[string]any)
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if id, ok := data[k].(string); ok && (k == "id" || strings.HasSuffix(k, "_id")) {
			registry.ReportCreated(ctx, k, id)
		}
	}
}
