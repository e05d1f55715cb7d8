package heygentest

import (
	"strings"
	"sync"
	"unicode/utf8"
)

func (s *Server) videoAgentRoutes() []route {
	return []route{
		checkedRoute("GET", "/v3/video-agents", s.listAgentSessions),
		checkedRoute("POST", "/v3/video-agents", s.createAgentSession),
		checkedRoute("GET", "/v3/video-agents/styles", s.listAgentStyles),
		checkedRoute("GET", "/v3/video-agents/{session_id}", s.getAgentSession),
		checkedRoute("POST", "/v3/video-agents/{session_id}", s.messageAgentSession),
		checkedRoute("POST", "/v3/video-agents/{session_id}/stop", s.stopAgentSession),
		checkedRoute("GET", "/v3/video-agents/{session_id}/resources/{resource_id}", s.getAgentResource),
		checkedRoute("GET", "/v3/video-agents/{session_id}/videos", s.listAgentVideos),
	}
}

const kindSession = "video_agent_session"

// A session in generate mode renders a real video at once (listed with
// the other videos); in chat mode it waits for a message first. Its
// status follows its latest video. Every message asks for a revision,
// which is a new video.

type agentMessage struct {
	role, typ, content string
	at                 int64
	resources          []string
}

func agentTitle(prompt string) string {
	t := strings.TrimSpace(prompt)
	if utf8.RuneCountInString(t) > 60 {
		t = string([]rune(t)[:60])
	}
	return t
}

// renderFor starts a video for the session. Caller holds t.mu.
func renderFor(c *call, r *record, prompt string) *video {
	v := videoPlan{title: getString(r.data, "title"), format: "mp4", duration: 30, subtitles: true,
		fails: hasFailMarker(prompt)}.build(c.t, c)
	c.t.add(v)
	r.items = append(r.items, v.id)
	r.data["_messages"] = append(r.data["_messages"].([]agentMessage),
		agentMessage{role: "assistant", typ: "text", content: "Writing the script and rendering the video.", at: c.now.Unix()})
	return v
}

func (s *Server) latestVideo(c *call, r *record) *video {
	if len(r.items) == 0 {
		return nil
	}
	return c.t.byID[r.items[len(r.items)-1]]
}

func (s *Server) sessionStatus(c *call, r *record) (string, int, *video) {
	v := s.latestVideo(c, r)
	if r.stopped {
		return "failed", 100, v
	}
	if v == nil {
		if s.phaseOf(r, c.now) == phaseQueued {
			return "thinking", 0, nil
		}
		return "waiting_for_input", 0, nil
	}
	st, _ := v.state(c.now, s.opts)
	switch st {
	case "pending":
		return "thinking", 10, v
	case "processing":
		return "generating", 50, v
	case "failed":
		return "failed", 100, v
	}
	return "completed", 100, v
}

func (s *Server) sessionView(c *call, r *record) obj {
	st, progress, v := s.sessionStatus(c, r)
	msgs := []obj{}
	for _, m := range r.data["_messages"].([]agentMessage) {
		msgs = append(msgs, obj{"role": m.role, "type": m.typ, "content": m.content, "created_at": m.at, "resource_ids": m.resources})
	}
	var videoID any
	if v != nil {
		videoID = v.id
		switch st {
		case "completed":
			msgs = append(msgs, obj{"role": "assistant", "type": "resource", "content": "The video is ready.",
				"created_at": v.createdAt.Add(s.opts.CompleteAfter).Unix(), "resource_ids": []string{"res-" + v.id}})
		case "failed":
			msg := v.failureMessage
			if r.stopped {
				msg = "The session was stopped."
			}
			msgs = append(msgs, obj{"role": "assistant", "type": "error", "content": msg, "created_at": c.now.Unix(), "resource_ids": nil})
		}
	}
	return obj{"session_id": r.id, "created_at": r.created.Unix(), "title": r.data["title"], "status": st,
		"progress": progress, "video_id": videoID, "messages": msgs}
}

func (s *Server) session(c *call) (*record, *apiError) {
	r := c.t.get(kindSession, c.params["session_id"])
	if r == nil {
		return nil, jobNotFound("video agent session", "session_id", c.params["session_id"])
	}
	return r, nil
}

// GET /v3/video-agents
func (s *Server) listAgentSessions(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return listRecords(c, "video_agents", c.t.all(kindSession), func(r *record) any {
		return obj{"session_id": r.id, "created_at": r.created.Unix(), "title": r.data["title"]}
	})
}

// POST /v3/video-agents
func (s *Server) createAgentSession(c *call) reply {
	prompt := getString(c.json, "prompt")
	if strings.TrimSpace(prompt) == "" {
		return invalidParam("prompt", "prompt must describe the video.").reply()
	}
	if id := getString(c.json, "style_id"); id != "" && styleByID(id) == nil {
		return notFound("resource_not_found", "style_id", "No style with id %q exists; GET /v3/video-agents/styles lists them.", id).reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := checkAssetRefs(t, c.json["files"], "files"); err != nil {
		return err.reply()
	}
	r := t.put(&record{id: t.newID(kindSession), kind: kindSession, created: c.now, data: obj{
		"title": agentTitle(prompt), "mode": getString(c.json, "mode"),
		"_messages": []agentMessage{{role: "user", typ: "text", content: prompt, at: c.now.Unix()}},
	}})
	if getString(c.json, "mode") != "chat" {
		renderFor(c, r, prompt)
	}
	v := s.sessionView(c, r)
	return ok(single{Data: obj{"session_id": r.id, "created_at": r.created.Unix(), "status": v["status"], "video_id": v["video_id"]}})
}

// GET /v3/video-agents/{session_id}
func (s *Server) getAgentSession(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	r, err := s.session(c)
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: s.sessionView(c, r)})
}

// POST /v3/video-agents/{session_id}: a message, which starts a (new)
// render.
func (s *Server) messageAgentSession(c *call) reply {
	msg := getString(c.json, "message")
	if strings.TrimSpace(msg) == "" {
		return invalidParam("message", "message must not be empty.").reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	r, err := s.session(c)
	if err != nil {
		return err.reply()
	}
	if r.stopped {
		return invalidParam("session_id", "Session %s was stopped; start a new one.", r.id).reply()
	}
	r.data["_messages"] = append(r.data["_messages"].([]agentMessage), agentMessage{role: "user", typ: "text", content: msg, at: c.now.Unix()})
	renderFor(c, r, msg)
	return ok(single{Data: obj{"session_id": r.id, "run_id": "run-" + r.items[len(r.items)-1][:16], "title": r.data["title"]}})
}

// POST /v3/video-agents/{session_id}/stop
func (s *Server) stopAgentSession(c *call) reply {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	r, err := s.session(c)
	if err != nil {
		return err.reply()
	}
	if st, _, _ := s.sessionStatus(c, r); st != "completed" && st != "failed" {
		stop(r, c.now)
	}
	return ok(single{Data: obj{"session_id": r.id}})
}

// GET /v3/video-agents/{session_id}/resources/{resource_id}: the videos a
// session made are its resources ("res-" + video id).
func (s *Server) getAgentResource(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	r, err := s.session(c)
	if err != nil {
		return err.reply()
	}
	rid := c.params["resource_id"]
	vid := strings.TrimPrefix(rid, "res-")
	for _, id := range r.items {
		if id != vid {
			continue
		}
		v := c.t.byID[id]
		if v == nil {
			break
		}
		out := v.view(c.now, s.opts)
		return ok(single{Data: obj{"resource_id": rid, "resource_type": "video", "source_type": "generated",
			"created_at": unixOrNil(v.createdAt), "url": out.VideoURL, "preview_url": out.GifURL,
			"thumbnail_url": out.ThumbnailURL, "metadata": obj{"video_id": v.id, "status": out.Status}}})
	}
	return notFound("resource_not_found", "resource_id", "Session %s has no resource %q.", r.id, rid).reply()
}

// GET /v3/video-agents/{session_id}/videos
func (s *Server) listAgentVideos(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	r, err := s.session(c)
	if err != nil {
		return err.reply()
	}
	out := []videoObject{}
	for i := len(r.items) - 1; i >= 0; i-- {
		if v := c.t.byID[r.items[i]]; v != nil {
			out = append(out, v.view(c.now, s.opts))
		}
	}
	return ok(listPage{Data: out})
}

// agentStyles are built on first use, not at kosmo's start-up.
var agentStyles = sync.OnceValue(func() []obj {
	return []obj{
		{"style_id": "style-explainer", "name": "Explainer", "tags": []string{"education", "business"}, "aspect_ratio": "16:9"},
		{"style_id": "style-social", "name": "Social short", "tags": []string{"social", "marketing"}, "aspect_ratio": "9:16"},
		{"style_id": "style-news", "name": "News desk", "tags": []string{"news"}, "aspect_ratio": "16:9"},
		{"style_id": "style-product", "name": "Product launch", "tags": []string{"marketing", "business"}, "aspect_ratio": "16:9"},
		{"style_id": "style-tutorial", "name": "Tutorial", "tags": []string{"education"}, "aspect_ratio": "16:9"},
		{"style_id": "style-square", "name": "Square promo", "tags": []string{"social"}, "aspect_ratio": "1:1"},
	}
})

func styleByID(id string) obj {
	for _, st := range agentStyles() {
		if st["style_id"] == id {
			return st
		}
	}
	return nil
}

// GET /v3/video-agents/styles
func (s *Server) listAgentStyles(c *call) reply {
	tag := c.query.Get("tag")
	def, max := c.facts.pageBounds()
	p, err := parsePage(c, "agent_styles", def, max, "tag="+tag)
	if err != nil {
		return err.reply()
	}
	var idx []int
	for i, st := range agentStyles() {
		if tag == "" || contains(st["tags"].([]string), tag) {
			idx = append(idx, i)
		}
	}
	return ok(mapItems(paginate(idx, func(i int) int64 { return int64(i) }, p), func(i int) obj {
		st := obj{}
		for k, v := range agentStyles()[i] {
			st[k] = v
		}
		id := st["style_id"].(string)
		st["thumbnail_url"] = mediaHost + "/styles/" + id + "/thumbnail.jpg"
		st["preview_video_url"] = mediaHost + "/styles/" + id + "/preview.mp4"
		return st
	}))
}
