package heygentest

import (
	"hash/fnv"
	"math"
	"strings"
)

func (s *Server) voiceRoutes() []route {
	return []route{
		newRoute("GET", "/v3/voices", s.listVoices),
		newRoute("GET", "/v3/voices/{voice_id}", s.getVoice),
		checkedRoute("POST", "/v3/voices", s.designVoice),
		checkedRoute("POST", "/v3/voices/clone", s.cloneVoice),
		checkedRoute("POST", "/v3/voices/speech", s.speech),
		checkedRoute("DELETE", "/v3/voices/{voice_id}", s.deleteVoice),
	}
}

// voiceState is what a tenant changed about voices: clones it made and
// voices it deleted.
type voiceState struct {
	deleted map[string]bool
}

func (t *tenant) voices() *voiceState {
	if t.vc == nil {
		t.vc = &voiceState{deleted: map[string]bool{}}
	}
	return t.vc
}

const kindClone = "voice_clone"

// cloneVoice turns a clone record into a voice on the server's clock.
func (s *Server) cloneAsVoice(c *call, r *record) *voice {
	v := &voice{id: r.id, name: getString(r.data, "name"), language: getString(r.data, "language"),
		gender: "unknown", kind: "private", supportPause: true, engines: []string{"starfish"}, createdAt: r.created}
	switch s.phaseOf(r, c.now) {
	case phaseQueued, phaseRunning:
		v.status = "processing"
	case phaseFailed:
		v.status, v.failureMessage = "failed", failMessage(r)
	default:
		v.status = "complete"
		v.previewURL = mediaHost + "/voices/" + r.id + "/preview.mp3"
	}
	return v
}

// GET /v3/voices
func (s *Server) listVoices(c *call) reply {
	typ, err := enumParam(c, "type", "public", "private")
	if err != nil {
		return err.reply()
	}
	if typ == "" {
		typ = "public"
	}
	engine := strings.ToLower(c.query.Get("engine"))
	lang := c.query.Get("language")
	gender := c.query.Get("gender")
	p, err := parsePage(c, "voices", 20, 100, "type="+typ, "engine="+engine,
		"language="+strings.ToLower(lang), "gender="+strings.ToLower(gender))
	if err != nil {
		return err.reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	all := s.cat.voices
	if typ == "private" {
		// Clones follow the catalogue, oldest first.
		clones := t.all(kindClone)
		all = append([]*voice(nil), all...)
		for i := len(clones) - 1; i >= 0; i-- {
			v := s.cloneAsVoice(c, clones[i])
			v.ord = len(s.cat.voices) + int(clones[i].seq)
			all = append(all, v)
		}
	}
	var match []*voice
	for _, v := range all {
		if v.kind != typ || t.voices().deleted[v.id] ||
			engine != "" && !v.hasEngine(engine) ||
			lang != "" && !strings.EqualFold(v.language, lang) ||
			gender != "" && !strings.EqualFold(v.gender, gender) {
			continue
		}
		match = append(match, v)
	}
	page := paginate(match, func(v *voice) int64 { return int64(v.ord) }, p)
	return ok(mapItems(page, (*voice).listItem))
}

// findVoice looks a voice up among the catalogue and this tenant's
// clones. Caller holds t.mu.
func (s *Server) findVoice(c *call, id string) *voice {
	if c.t.voices().deleted[id] {
		return nil
	}
	if v, found := s.cat.voicesByID[id]; found {
		return v
	}
	if r := c.t.get(kindClone, id); r != nil {
		return s.cloneAsVoice(c, r)
	}
	return nil
}

func voiceNotFound(id string) *apiError {
	return notFound("voice_not_found", "voice_id", "No voice with id %q exists.", id)
}

// GET /v3/voices/{voice_id}
func (s *Server) getVoice(c *call) reply {
	id := c.params["voice_id"]
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	v := s.findVoice(c, id)
	if v == nil {
		return voiceNotFound(id).reply()
	}
	return ok(single{Data: v.detail()})
}

// POST /v3/voices: up to three public voices that fit the description,
// picked deterministically from the prompt and the seed.
func (s *Server) designVoice(c *call) reply {
	prompt := strings.TrimSpace(getString(c.json, "prompt"))
	if prompt == "" {
		return invalidParam("prompt", "prompt must describe the voice.").reply()
	}
	gender := strings.ToLower(getString(c.json, "gender"))
	seed := 0
	if n, has := getNumber(c.json, "seed"); has {
		seed = int(n)
	}
	var pool []*voice
	for _, v := range s.cat.voices {
		if v.kind == "public" && (gender == "" || strings.EqualFold(v.gender, gender)) {
			pool = append(pool, v)
		}
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(prompt)))
	start := int(h.Sum32()) + seed
	out := []voiceListItem{}
	for i := 0; i < 3 && i < len(pool); i++ {
		out = append(out, pool[(start+i*7)%len(pool)].listItem())
	}
	return ok(single{Data: obj{"seed": seed, "voices": out}})
}

// POST /v3/voices/clone: a private voice that is processing, then
// complete (or failed when the name carries the fail marker).
func (s *Server) cloneVoice(c *call) reply {
	name := strings.TrimSpace(getString(c.json, "voice_name"))
	if name == "" {
		return invalidParam("voice_name", "voice_name must not be empty.").reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	lang := getString(c.json, "language")
	if lang == "" {
		lang = "English"
	}
	r := t.put(&record{id: t.newID(kindClone), kind: kindClone, created: c.now, fails: hasFailMarker(name),
		data: obj{"name": name, "language": lang}})
	return ok(single{Data: obj{"voice_clone_id": r.id}})
}

// POST /v3/voices/speech: synthesised speech as an audio file, with word
// timings.
func (s *Server) speech(c *call) reply {
	text := getString(c.json, "text")
	if n := len([]rune(text)); n < 1 || n > 5000 {
		return invalidParam("text", "text must have between 1 and 5000 characters, got %d.", n).reply()
	}
	speed := 1.0
	if f, has := getNumber(c.json, "speed"); has {
		if f < 0.5 || f > 2 {
			return invalidParam("speed", "speed must be between 0.5 and 2.").reply()
		}
		speed = f
	}
	if it := getString(c.json, "input_type"); it != "" && it != "text" && it != "ssml" {
		return invalidParam("input_type", "input_type must be one of \"text\", \"ssml\", got %q.", it).reply()
	}
	c.t.mu.Lock()
	v := s.findVoice(c, getString(c.json, "voice_id"))
	c.t.mu.Unlock()
	if v == nil {
		return voiceNotFound(getString(c.json, "voice_id")).reply()
	}
	if !v.usable() {
		return invalidParam("voice_id", "Voice %q cannot be used yet: its status is %q.", v.id, v.status).reply()
	}
	words := strings.Fields(text)
	stamps := make([]obj, len(words))
	at := 0.0
	for i, w := range words {
		d := math.Round(0.4/speed*1000) / 1000
		stamps[i] = obj{"word": w, "start": at, "end": math.Round((at+d)*1000) / 1000}
		at = math.Round((at+d)*1000) / 1000
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(v.id + "\x00" + text))
	id := strings.TrimLeft(strings.ToLower(strings.TrimSpace(hexOf(h.Sum64()))), " ")
	return ok(single{Data: obj{
		"audio_url":       mediaHost + "/speech/" + id + "/speech.mp3",
		"duration":        math.Max(at, 0.5),
		"request_id":      "speech-" + id,
		"word_timestamps": stamps,
	}})
}

func hexOf(n uint64) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 16)
	for i := 15; i >= 0; i-- {
		b[i] = digits[n&15]
		n >>= 4
	}
	return string(b)
}

// DELETE /v3/voices/{voice_id}: only private voices can be deleted.
func (s *Server) deleteVoice(c *call) reply {
	id := c.params["voice_id"]
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	v := s.findVoice(c, id)
	if v == nil {
		return voiceNotFound(id).reply()
	}
	if v.kind != "private" {
		return (&apiError{status: 403, code: "resource_access_denied", param: "voice_id",
			message: "Voice " + id + " is a public voice; only your own voices can be deleted."}).reply()
	}
	if !t.drop(kindClone, id) {
		t.voices().deleted[id] = true
	}
	return ok(single{Data: obj{"voice_id": id}})
}
