package heygentest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
)

func (s *Server) webhookRoutes() []route {
	return []route{
		newRoute("GET", "/v3/webhooks/event-types", s.listWebhookEventTypes),
		checkedRoute("GET", "/v3/webhooks/endpoints", s.listWebhookEndpoints),
		checkedRoute("POST", "/v3/webhooks/endpoints", s.createWebhookEndpoint),
		checkedRoute("PATCH", "/v3/webhooks/endpoints/{endpoint_id}", s.updateWebhookEndpoint),
		checkedRoute("DELETE", "/v3/webhooks/endpoints/{endpoint_id}", s.deleteWebhookEndpoint),
		checkedRoute("POST", "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret", s.rotateWebhookSecret),
		checkedRoute("GET", "/v3/webhooks/events", s.listWebhookEvents),
	}
}

// GET /v3/webhooks/event-types. The list is short and, like the real one,
// comes in a single page although it carries the list envelope.
func (s *Server) listWebhookEventTypes(c *call) reply {
	return ok(listPage{Data: s.cat.eventTypes})
}

const kindEndpoint = "webhook_endpoint"

func endpointView(r *record) any {
	return obj{
		"endpoint_id": r.id,
		"url":         r.data["url"],
		"events":      r.data["events"],
		"status":      "enabled",
		"secret":      nil,
		"created_at":  isoTime(r.created),
	}
}

func webhookSecret(id string, n int) string {
	sum := sha256.Sum256([]byte("whsec:" + id + ":" + strconv.Itoa(n)))
	return "whsec_" + hex.EncodeToString(sum[:20])
}

// checkWebhookURL enforces a public HTTPS URL, as HeyGen does.
func checkWebhookURL(raw string) *apiError {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return invalidParam("url", "url must be an absolute https URL, got %q.", raw)
	}
	return nil
}

// GET /v3/webhooks/endpoints
func (s *Server) listWebhookEndpoints(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return listRecords(c, "webhook_endpoints", c.t.all(kindEndpoint), endpointView)
}

// POST /v3/webhooks/endpoints: the answer is the only time, with
// rotate-secret, that the signing secret is shown.
func (s *Server) createWebhookEndpoint(c *call) reply {
	u := getString(c.json, "url")
	if err := checkWebhookURL(u); err != nil {
		return err.reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.put(&record{id: t.newID(kindEndpoint), kind: kindEndpoint, created: c.now,
		data: obj{"url": u, "events": c.json["events"], "entity_id": c.json["entity_id"], "_rotations": 0}})
	v := endpointView(r).(obj)
	v["secret"] = webhookSecret(r.id, 0)
	return ok(single{Data: v})
}

func endpointNotFound(id string) *apiError {
	return notFound("resource_not_found", "endpoint_id", "No webhook endpoint with id %q exists.", id)
}

// PATCH /v3/webhooks/endpoints/{endpoint_id}
func (s *Server) updateWebhookEndpoint(c *call) reply {
	if present(c.json, "url") {
		if err := checkWebhookURL(getString(c.json, "url")); err != nil {
			return err.reply()
		}
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.get(kindEndpoint, c.params["endpoint_id"])
	if r == nil {
		return endpointNotFound(c.params["endpoint_id"]).reply()
	}
	if present(c.json, "url") {
		r.data["url"] = getString(c.json, "url")
	}
	if _, has := c.json["events"]; has {
		r.data["events"] = c.json["events"]
	}
	return ok(single{Data: endpointView(r)})
}

// DELETE /v3/webhooks/endpoints/{endpoint_id}
func (s *Server) deleteWebhookEndpoint(c *call) reply {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	id := c.params["endpoint_id"]
	if !t.drop(kindEndpoint, id) {
		return endpointNotFound(id).reply()
	}
	return ok(obj{"data": obj{"endpoint_id": id, "deleted": true}, "error": nil})
}

// POST /v3/webhooks/endpoints/{endpoint_id}/rotate-secret
func (s *Server) rotateWebhookSecret(c *call) reply {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	r := t.get(kindEndpoint, c.params["endpoint_id"])
	if r == nil {
		return endpointNotFound(c.params["endpoint_id"]).reply()
	}
	n := r.data["_rotations"].(int) + 1
	r.data["_rotations"] = n
	return ok(single{Data: obj{"endpoint_id": r.id, "secret": webhookSecret(r.id, n)}})
}

// GET /v3/webhooks/events: the deliveries the sandbox would have made, one
// per video this key created that has finished (success or fail), newest
// first.
func (s *Server) listWebhookEvents(c *call) reply {
	typ := c.query.Get("event_type")
	entity := c.query.Get("entity_id")
	def, max := c.facts.pageBounds()
	p, err := parsePage(c, "webhook_events", def, max, "event_type="+typ, "entity_id="+entity)
	if err != nil {
		return err.reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	type event struct {
		key  int64
		body obj
	}
	var events []event
	for _, v := range t.videos {
		if v.frozen {
			continue
		}
		st, done := v.state(c.now, s.opts)
		et := ""
		switch st {
		case "completed":
			et = "avatar_video.success"
		case "failed":
			et = "avatar_video.fail"
		default:
			continue
		}
		if typ != "" && typ != et || entity != "" && entity != v.id {
			continue
		}
		data := obj{"video_id": v.id, "status": st}
		if st == "completed" {
			data["url"] = mediaHost + "/videos/" + v.id + "/video." + v.format
		} else {
			data["msg"] = v.failureMessage
		}
		events = append(events, event{key: -v.seq, body: obj{
			"event_id":   "evt_" + v.id,
			"event_type": et,
			"created_at": isoTime(done),
			"event_data": data,
		}})
	}
	page := paginate(events, func(e event) int64 { return e.key }, p)
	return ok(mapItems(page, func(e event) obj { return e.body }))
}
