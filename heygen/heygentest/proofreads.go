package heygentest

import "net/http"

func (s *Server) proofreadRoutes() []route {
	return []route{
		checkedRoute("POST", "/v3/video-translations/proofreads", s.createProofread),
		checkedRoute("GET", "/v3/video-translations/proofreads/{proofread_id}", s.getProofread),
		checkedRoute("POST", "/v3/video-translations/proofreads/{proofread_id}/generate", s.generateFromProofread),
		checkedRoute("GET", "/v3/video-translations/proofreads/{proofread_id}/srt", s.getProofreadSRT),
		checkedRoute("PUT", "/v3/video-translations/proofreads/{proofread_id}/srt", s.putProofreadSRT),
	}
}

const kindProofread = "proofread"

// proofreadStatus: processing while the draft subtitles are made, then
// completed (or failed).
func (s *Server) proofreadStatus(c *call, r *record) string {
	switch s.phaseOf(r, c.now) {
	case phaseDone:
		return "completed"
	case phaseFailed:
		return "failed"
	}
	return "processing"
}

func (s *Server) proofreadView(c *call) func(*record) any {
	return func(r *record) any {
		st := s.proofreadStatus(c, r)
		v := obj{"id": r.id, "title": r.data["title"], "status": st, "created_at": r.created.Unix(),
			"input_language": r.data["input_language"], "output_language": r.data["output_language"],
			"submitted_for_review": r.data["srt_replaced"] == true, "failure_message": nil}
		if st == "failed" {
			v["failure_message"] = failMessage(r)
		}
		return v
	}
}

// POST /v3/video-translations/proofreads: one proofread per output
// language.
func (s *Server) createProofread(c *call) reply {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	jobs, err := translationJobs(c, c.json, "")
	if err != nil {
		return err.reply()
	}
	// The translations made by translationJobs are only the plan: keep
	// their settings on proofreads instead.
	out := make([]string, len(jobs))
	for i, j := range jobs {
		t.drop(kindTranslation, j.id)
		p := newJob(c, kindProofread, j.data)
		p.fails = j.fails
		out[i] = p.id
	}
	return ok(single{Data: obj{"proofread_ids": out, "status": "processing"}})
}

func (s *Server) proofread(c *call) (*record, *apiError) {
	r := c.t.get(kindProofread, c.params["proofread_id"])
	if r == nil {
		return nil, jobNotFound(kindProofread, "proofread_id", c.params["proofread_id"])
	}
	return r, nil
}

// GET /v3/video-translations/proofreads/{proofread_id}
func (s *Server) getProofread(c *call) reply {
	return getJob(c, kindProofread, "proofread_id", s.proofreadView(c))
}

// POST /v3/video-translations/proofreads/{proofread_id}/generate: once the
// proofread is completed, render the translation from it.
func (s *Server) generateFromProofread(c *call) reply {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	p, err := s.proofread(c)
	if err != nil {
		return err.reply()
	}
	if st := s.proofreadStatus(c, p); st != "completed" {
		return (&apiError{status: http.StatusConflict, code: "conflict", param: "proofread_id",
			message: "Proofread " + p.id + " is " + st + "; a video can be generated once it is completed."}).reply()
	}
	data := obj{}
	for k, v := range p.data {
		data[k] = v
	}
	data["callback_id"] = c.json["callback_id"]
	data["translate_audio_only"] = c.json["translate_audio_only"]
	data["enable_caption"] = c.json["captions"]
	r := newJob(c, kindTranslation, data)
	return ok(single{Data: obj{"video_translation_id": r.id, "status": "processing"}})
}

// GET /v3/video-translations/proofreads/{proofread_id}/srt
func (s *Server) getProofreadSRT(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	p, err := s.proofread(c)
	if err != nil {
		return err.reply()
	}
	if st := s.proofreadStatus(c, p); st != "completed" {
		return (&apiError{status: http.StatusConflict, code: "conflict", param: "proofread_id",
			message: "Proofread " + p.id + " is " + st + "; its subtitles are ready once it is completed."}).reply()
	}
	base := mediaHost + "/proofreads/" + p.id
	return ok(single{Data: obj{"srt_url": base + "/translated.srt", "original_srt_url": base + "/original.srt"}})
}

// PUT /v3/video-translations/proofreads/{proofread_id}/srt: replace the
// translated subtitles with an edited file.
func (s *Server) putProofreadSRT(c *call) reply {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	p, err := s.proofread(c)
	if err != nil {
		return err.reply()
	}
	if err := checkAssetRefs(t, c.json, ""); err != nil {
		return err.reply()
	}
	p.data["srt_replaced"] = true
	return ok(single{Data: s.proofreadView(c)(p)})
}
