package heygentest

import "strings"

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
	var match []*voice
	for _, v := range s.cat.voices {
		if v.kind != typ ||
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

// GET /v3/voices/{voice_id}
func (s *Server) getVoice(c *call) reply {
	id := c.params["voice_id"]
	v, found := s.cat.voicesByID[id]
	if !found {
		return notFound("voice_not_found", "voice_id", "No voice with id %q exists.", id).reply()
	}
	return ok(single{Data: v.detail()})
}
