package heygentest

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// GET /v3/videos
func (s *Server) listVideos(c *call) reply {
	folder := c.query.Get("folder_id")
	title := c.query.Get("title")
	needle := strings.ToLower(title) // the title filter ignores case
	p, err := parsePage(c, "videos", 10, 100, "folder_id="+folder, "title="+needle)
	if err != nil {
		return err.reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	var match []*video
	for _, v := range t.videos {
		if folder != "" && v.folderID != folder {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(v.title), needle) {
			continue
		}
		match = append(match, v)
	}
	// Lists are newest first, i.e. by decreasing seq; the key must increase.
	page := paginate(match, func(v *video) int64 { return -v.seq }, p)
	return ok(mapItems(page, func(v *video) videoObject { return v.view(c.now, s.opts) }))
}

// GET /v3/videos/{video_id}
func (s *Server) getVideo(c *call) reply {
	id := c.params["video_id"]
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	v, found := t.byID[id]
	if !found {
		return videoNotFound(id).reply()
	}
	return ok(single{Data: v.view(c.now, s.opts)})
}

// DELETE /v3/videos/{video_id}
func (s *Server) deleteVideo(c *call) reply {
	id := c.params["video_id"]
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.remove(id) {
		return videoNotFound(id).reply()
	}
	return ok(single{Data: map[string]any{"id": id, "deleted": true}})
}

func videoNotFound(id string) *apiError {
	return notFound("video_not_found", "video_id", "No video with id %q exists.", id)
}

type createVideoResult struct {
	VideoID      string `json:"video_id"`
	Status       string `json:"status"`
	OutputFormat string `json:"output_format"`
}

// POST /v3/videos
func (s *Server) createVideo(c *call) reply {
	body, err := decodeObject(c.body)
	if err != nil {
		return err.reply()
	}
	if err := createVideoSpec().check(body, ""); err != nil {
		return err.reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	plan, err := s.planVideo(c, body)
	if err != nil {
		return err.reply()
	}
	v := plan.build(t, c)
	t.add(v)
	status, _ := v.state(c.now, s.opts)
	return ok(single{Data: createVideoResult{VideoID: v.id, Status: status, OutputFormat: v.format}})
}

// videoPlan is what a valid create request turns into.
type videoPlan struct {
	title     string
	folderID  string
	format    string
	duration  float64
	subtitles bool
	burned    bool
	gif       bool
	fails     bool
}

func (p videoPlan) build(t *tenant, c *call) *video {
	v := &video{
		id:             t.newVideoID(),
		title:          p.title,
		folderID:       p.folderID,
		createdAt:      c.now,
		duration:       p.duration,
		format:         p.format,
		subtitles:      p.subtitles,
		burnedCaptions: p.burned,
		gif:            p.gif,
		fails:          p.fails,
	}
	if p.fails {
		v.failureCode = sandboxFailureCode
		v.failureMessage = "The sandbox failed this video on purpose because its script contains " + FailMarker + "."
	}
	return v
}

func hasFailMarker(text string) bool {
	return strings.Contains(strings.ToLower(text), FailMarker)
}

// speechSeconds estimates how long a script takes to say.
func speechSeconds(script string) float64 {
	words := len(strings.Fields(script))
	d := float64(words) * 0.4
	if d < 2 {
		d = 2
	}
	return d
}

// planVideo applies the rules that a schema cannot express: ids must
// exist, some fields exclude each other, engines must suit the look.
func (s *Server) planVideo(c *call, body map[string]any) (videoPlan, *apiError) {
	p := videoPlan{title: getString(body, "title"), format: "mp4", gif: true}
	if of := getString(body, "output_format"); of != "" {
		p.format = of
	}
	if capt := getObject(body, "caption"); capt != nil {
		p.subtitles = true
		p.burned = getString(capt, "style") == "default"
	}
	switch getString(body, "type") {
	case "avatar":
		look, err := s.readyLook(c, getString(body, "avatar_id"), "avatar_id")
		if err != nil {
			return p, err
		}
		if err := checkAvatarEngine(s.cat, body, look, ""); err != nil {
			return p, err
		}
		if p.format == "webm" && !look.matting {
			return p, invalidParam("output_format", "Avatar look %q does not support a transparent background, so webm output is not available.", look.ID)
		}
		if err := checkBackground(body, p.format); err != nil {
			return p, err
		}
		sp, err := s.checkSpeech(c, body, "", deref(look.DefaultVoiceID))
		if err != nil {
			return p, err
		}
		p.duration, p.fails = sp.seconds, sp.fails
	case "image":
		if err := checkBackground(body, p.format); err != nil {
			return p, err
		}
		sp, err := s.checkSpeech(c, body, "", "")
		if err != nil {
			return p, err
		}
		p.duration, p.fails = sp.seconds, sp.fails
	case "cinematic_avatar":
		ids, _ := body["avatar_id"].([]any)
		for i, raw := range ids {
			if _, err := s.readyLook(c, raw.(string), fmt.Sprintf("avatar_id[%d]", i)); err != nil {
				return p, err
			}
		}
		if getBool(body, "auto_duration") && present(body, "duration") {
			return p, invalidParam("duration", "duration must be omitted when auto_duration is true.")
		}
		p.duration = 10
		if d, ok := getNumber(body, "duration"); ok {
			p.duration = d
		}
		p.fails = hasFailMarker(getString(body, "prompt"))
	case "studio":
		p.format = "mp4"
		scenes, _ := body["scenes"].([]any)
		for i, raw := range scenes {
			secs, fails, err := s.checkScene(c, raw.(map[string]any), fmt.Sprintf("scenes[%d]", i))
			if err != nil {
				return p, err
			}
			p.duration += secs
			p.fails = p.fails || fails
		}
	}
	return p, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// readyLook finds a look that can be rendered: one of the catalogue or,
// when c is given, one the caller's key created (caller holds c.t.mu).
func (s *Server) readyLook(c *call, id, param string) (*avatarLook, *apiError) {
	look, found := s.cat.looksByID[id]
	if c != nil {
		look = s.findLook(c, id)
		found = look != nil
	}
	if !found {
		return nil, notFound("avatar_not_found", param, "No avatar look with id %q exists.", id)
	}
	if !look.ready() {
		return nil, invalidParam(param, "Avatar look %q cannot be used yet: its status is %q.", id, *look.Status)
	}
	return look, nil
}

// checkAvatarEngine validates engine, expressiveness and motion_prompt of an
// avatar input against the chosen look. prefix locates the input in the body.
func checkAvatarEngine(cat *catalog, in map[string]any, look *avatarLook, prefix string) *apiError {
	engine := "avatar_iv"
	eng := getObject(in, "engine")
	if eng != nil {
		engine = getString(eng, "type")
	}
	if !look.supports(engine) {
		return invalidParam(joinPath(prefix, "engine.type"), "Avatar look %q does not support engine %q; it supports %s.", look.ID, engine, quoteList(look.SupportedAPIEngines))
	}
	if ref := getString(eng, "reference_look_id"); ref != "" {
		other, found := cat.looksByID[ref]
		if !found {
			return notFound("avatar_not_found", joinPath(prefix, "engine.reference_look_id"), "No avatar look with id %q exists.", ref)
		}
		if deref(other.GroupID) != deref(look.GroupID) {
			return invalidParam(joinPath(prefix, "engine.reference_look_id"), "The reference look must belong to the same avatar group as %q.", look.ID)
		}
	}
	if engine == "avatar_v" && present(in, "expressiveness") {
		return invalidParam(joinPath(prefix, "expressiveness"), "expressiveness cannot be used with engine avatar_v.")
	}
	if present(in, "motion_prompt") && look.AvatarType != "photo_avatar" && engine != "avatar_v" {
		return invalidParam(joinPath(prefix, "motion_prompt"), "motion_prompt needs a photo avatar or engine avatar_v.")
	}
	return nil
}

// hexColor is compiled on first use, not at kosmo's start-up.
var hexColor = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
})

func checkBackground(body map[string]any, format string) *apiError {
	bg := getObject(body, "background")
	if bg == nil {
		return nil
	}
	if format == "webm" {
		return invalidParam("background", "background cannot be combined with output_format webm.")
	}
	switch getString(bg, "type") {
	case "color":
		if !hexColor().MatchString(getString(bg, "value")) {
			return invalidParam("background.value", "background.value must be a hex color such as #1a2b3c when the type is color.")
		}
	case "image":
		u, a := present(bg, "url"), present(bg, "asset_id")
		if u == a {
			return invalidParam("background.url", "An image background needs exactly one of url and asset_id.")
		}
	}
	return nil
}

type speech struct {
	seconds float64
	fails   bool
}

// checkSpeech validates the script/audio/voice fields of an input.
// defaultVoice is the fallback voice of an avatar look, if any.
func (s *Server) checkSpeech(c *call, in map[string]any, prefix, defaultVoice string) (speech, *apiError) {
	script := getString(in, "script")
	hasScript := present(in, "script")
	audioURL, audioAsset := present(in, "audio_url"), present(in, "audio_asset_id")
	if hasScript && (audioURL || audioAsset) {
		return speech{}, invalidParam(joinPath(prefix, "script"), "script cannot be combined with audio_url or audio_asset_id.")
	}
	if audioURL && audioAsset {
		return speech{}, invalidParam(joinPath(prefix, "audio_url"), "audio_url and audio_asset_id cannot both be set.")
	}
	if vid := getString(in, "voice_id"); present(in, "voice_id") {
		v := s.findVoice(c, vid)
		if v == nil {
			return speech{}, notFound("voice_not_found", joinPath(prefix, "voice_id"), "No voice with id %q exists.", vid)
		}
		if !v.usable() {
			return speech{}, &apiError{status: http.StatusBadRequest, code: "voice_not_usable", param: joinPath(prefix, "voice_id"),
				message: fmt.Sprintf("Voice %q cannot be used: its status is %q.", vid, v.status)}
		}
	} else if hasScript && defaultVoice == "" {
		return speech{}, invalidParam(joinPath(prefix, "voice_id"), "voice_id is required when script is set.")
	}
	switch {
	case hasScript:
		return speech{seconds: speechSeconds(script), fails: hasFailMarker(script)}, nil
	case audioURL || audioAsset:
		return speech{seconds: 12}, nil
	}
	return speech{seconds: 5}, nil
}

// checkScene validates one studio scene and estimates its length.
func (s *Server) checkScene(c *call, sc map[string]any, path string) (float64, bool, *apiError) {
	switch getString(sc, "type") {
	case "avatar_video":
		in := getObject(sc, "input")
		ip := joinPath(path, "input")
		defaultVoice := ""
		if getString(in, "type") == "avatar" {
			look, err := s.readyLook(c, getString(in, "avatar_id"), joinPath(ip, "avatar_id"))
			if err != nil {
				return 0, false, err
			}
			if err := checkAvatarEngine(s.cat, in, look, ip); err != nil {
				return 0, false, err
			}
			defaultVoice = deref(look.DefaultVoiceID)
		}
		sp, err := s.checkSpeech(c, in, ip, defaultVoice)
		return sp.seconds, sp.fails, err
	case "image":
		if present(sc, "duration") && (present(sc, "script") || present(sc, "audio_url") || present(sc, "audio_asset_id")) {
			return 0, false, invalidParam(joinPath(path, "duration"), "duration cannot be combined with script, audio_url or audio_asset_id.")
		}
		if d, ok := getNumber(sc, "duration"); ok {
			return d, false, nil
		}
		sp, err := s.checkSpeech(c, sc, path, "")
		return sp.seconds, sp.fails, err
	}
	return 8, false, nil // video clip
}

func (s *Server) videoRoutes() []route {
	return []route{
		newRoute("GET", "/v3/videos", s.listVideos),
		newRoute("POST", "/v3/videos", s.createVideo),
		newRoute("GET", "/v3/videos/{video_id}", s.getVideo),
		newRoute("DELETE", "/v3/videos/{video_id}", s.deleteVideo),
		checkedRoute("POST", "/v3/videos/batches", s.createVideoBatch),
		checkedRoute("GET", "/v3/videos/batches/{batch_id}", s.getVideoBatch),
		checkedRoute("GET", "/v3/videos/statuses", s.videoStatuses),
	}
}

// videoItemState maps a video's status to a batch item status. Caller
// holds t.mu.
func (s *Server) videoItemState(c *call) itemState {
	return func(id string) (string, obj, bool) {
		v, found := c.t.byID[id]
		if !found {
			return "", nil, false
		}
		st, _ := v.state(c.now, s.opts)
		switch st {
		case "pending":
			return "queued", nil, true
		case "failed":
			return "failed", obj{"code": v.failureCode, "message": v.failureMessage}, true
		}
		return st, nil, true
	}
}

// POST /v3/videos/batches: every item is a create-video request; one bad
// item refuses the whole batch, naming it.
func (s *Server) createVideoBatch(c *call) reply {
	items, _ := c.json["videos"].([]any)
	if len(items) == 0 {
		return invalidParam("videos", "videos must hold at least one video request.").reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	plans := make([]videoPlan, len(items))
	for i, raw := range items {
		body := raw.(map[string]any)
		prefix := "videos[" + strconv.Itoa(i) + "]"
		err := createVideoSpec().check(body, prefix)
		if err == nil {
			plans[i], err = s.planVideo(c, body)
			if err != nil && err.param == "" {
				err.param = prefix
			} else if err != nil {
				err.param = joinPath(prefix, err.param)
			}
		}
		if err != nil {
			return err.reply()
		}
	}
	ids := make([]string, len(plans))
	for i, p := range plans {
		v := p.build(t, c)
		t.add(v)
		ids[i] = v.id
	}
	b := t.newBatch(c, "videos", getString(c.json, "title"), ids)
	view, err := batchView(c, b, s.videoItemState(c))
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: view})
}

// GET /v3/videos/batches/{batch_id}
func (s *Server) getVideoBatch(c *call) reply { return getBatch(c, "videos", s.videoItemState(c)) }

// GET /v3/videos/statuses
func (s *Server) videoStatuses(c *call) reply {
	return bulkStatuses(c, "videos", "video_ids", s.videoItemState(c))
}
