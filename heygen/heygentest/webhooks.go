package heygentest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strconv"
	"time"
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

// GET /v3/webhooks/events: the deliveries the sandbox would have made for
// what this key created, one per job that has finished (success or fail):
// videos, video translations, proofreads, AI clipping, video agent
// sessions and photo avatars. Newest first.
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
	var events []webhookEvent
	add := func(prefix string, ok bool, id string, seq int64, done time.Time, data obj) {
		et := prefix + ".success"
		if !ok {
			et = prefix + ".fail"
		}
		if typ != "" && typ != et || entity != "" && entity != id {
			return
		}
		// Newest first: the key falls as the finishing time grows; the
		// sequence number separates events of the same millisecond.
		key := -(done.UnixMilli()*1000 + seq%1000)
		events = append(events, webhookEvent{key: key, body: obj{
			"event_id": "evt_" + id, "event_type": et, "created_at": isoTime(done), "event_data": data,
		}})
	}
	for _, v := range t.videos {
		if v.frozen {
			continue
		}
		st, done := v.state(c.now, s.opts)
		switch st {
		case "completed":
			add("avatar_video", true, v.id, v.seq, done, obj{"video_id": v.id, "url": mediaHost + "/videos/" + v.id + "/video." + v.format})
		case "failed":
			add("avatar_video", false, v.id, v.seq, done, obj{"video_id": v.id, "msg": v.failureMessage})
		}
	}
	jobs := []struct{ kind, prefix, idField string }{
		{kindTranslation, "video_translate", "video_translation_id"},
		{kindProofread, "proofread_creation", "proofread_id"},
		{kindClipping, "ai_clipping", "job_id"},
		{kindGroup, "photo_avatar_generation", "avatar_group_id"},
	}
	for _, j := range jobs {
		for _, r := range t.all(j.kind) {
			if j.kind == kindGroup && r.data["twin"] == true {
				continue
			}
			switch s.phaseOf(r, c.now) {
			case phaseDone:
				add(j.prefix, true, r.id, r.seq, s.doneAt(r, c.now), obj{j.idField: r.id})
			case phaseFailed:
				add(j.prefix, false, r.id, r.seq, s.doneAt(r, c.now), obj{j.idField: r.id, "msg": failMessage(r)})
			}
		}
	}
	for _, r := range t.all(kindSession) {
		st, _, v := s.sessionStatus(c, r)
		if v == nil || st != "completed" && st != "failed" {
			continue
		}
		_, done := v.state(c.now, s.opts)
		if done.IsZero() {
			done = c.now
		}
		add("video_agent", st == "completed", r.id, r.seq, done, obj{"session_id": r.id, "video_id": v.id})
	}
	return ok(mapItems(paginate(sortEvents(events), func(e webhookEvent) int64 { return e.key }, p), func(e webhookEvent) obj { return e.body }))
}

type webhookEvent struct {
	key  int64
	body obj
}

func sortEvents(ev []webhookEvent) []webhookEvent {
	sort.Slice(ev, func(i, j int) bool { return ev[i].key < ev[j].key })
	return ev
}
