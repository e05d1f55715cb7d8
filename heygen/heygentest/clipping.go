package heygentest

import "fmt"

func (s *Server) clippingRoutes() []route {
	return []route{
		checkedRoute("GET", "/v3/ai-clipping", s.listClippings),
		checkedRoute("POST", "/v3/ai-clipping", s.createClipping),
		checkedRoute("GET", "/v3/ai-clipping/{job_id}", s.getClipping),
		checkedRoute("DELETE", "/v3/ai-clipping/{job_id}", s.deleteClipping),
	}
}

const kindClipping = "ai_clipping"

func (s *Server) clippingView(c *call) func(*record) any {
	return func(r *record) any {
		ph := s.phaseOf(r, c.now)
		status := map[phase]string{phaseQueued: "pending", phaseRunning: "running", phaseDone: "completed", phaseFailed: "failed"}[ph]
		if r.stopped {
			status = "cancelled"
		}
		settings := r.data["output_settings"].(obj)
		progress := map[phase]int{phaseQueued: 0, phaseRunning: 50, phaseDone: 100, phaseFailed: 100}[ph]
		v := obj{"id": r.id, "title": r.data["title"], "status": status, "progress": progress,
			"created_at": r.created.Unix(), "callback_id": r.data["callback_id"], "input_language": r.data["input_language"],
			"output_settings": settings, "source_duration": nil, "failure_message": nil, "clips": []obj{}}
		switch ph {
		case phaseDone:
			v["source_duration"] = 600.0
			var clips []obj
			for _, d := range settings["duration_types"].([]string) {
				for i := 1; i <= 2; i++ {
					id := fmt.Sprintf("%s-%s-%d", r.id[:12], d, i)
					secs := map[string]float64{"30": 30, "60": 60, "180": 180, "long": 420}[d]
					base := mediaHost + "/clips/" + id
					clips = append(clips, obj{"id": id, "status": "completed", "title": fmt.Sprintf("Clip %s (%ss) #%d", getString(r.data, "title"), d, i),
						"aspect_ratio": settings["aspect_ratio"], "duration_seconds": secs, "video_url": base + "/video.mp4",
						"thumbnail_url": base + "/thumbnail.jpg", "virality_score": 90 - 10*i, "failure_message": nil})
				}
			}
			v["clips"] = clips
		case phaseFailed:
			v["failure_message"] = failMessage(r)
		}
		return v
	}
}

// GET /v3/ai-clipping
func (s *Server) listClippings(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return listRecords(c, "ai_clipping", c.t.all(kindClipping), s.clippingView(c))
}

// POST /v3/ai-clipping: two clips per requested duration once done. The
// spec documents no answer body; the sandbox answers with the job.
func (s *Server) createClipping(c *call) reply {
	settings := obj{"aspect_ratio": "portrait", "captions": true, "duration_types": []string{"60"}, "caption_style": nil, "prompt": nil}
	if in := getObject(c.json, "output_settings"); in != nil {
		for _, k := range []string{"aspect_ratio", "captions", "caption_style", "prompt"} {
			if v, has := in[k]; has && v != nil {
				settings[k] = v
			}
		}
		if raw, has := in["duration_types"].([]any); has && len(raw) > 0 {
			var d []string
			for _, x := range raw {
				d = append(d, x.(string))
			}
			settings["duration_types"] = d
		}
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	if err := checkAssetRefs(c.t, c.json, ""); err != nil {
		return err.reply()
	}
	r := newJob(c, kindClipping, obj{"title": c.json["title"], "callback_id": c.json["callback_id"],
		"input_language": c.json["input_language"], "output_settings": settings})
	return ok(single{Data: s.clippingView(c)(r)})
}

// GET /v3/ai-clipping/{job_id}
func (s *Server) getClipping(c *call) reply {
	return getJob(c, kindClipping, "job_id", s.clippingView(c))
}

// DELETE /v3/ai-clipping/{job_id}
func (s *Server) deleteClipping(c *call) reply { return deleteJob(c, kindClipping, "job_id", nil) }
