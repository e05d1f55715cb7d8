package heygentest

import "strconv"

func (s *Server) lipsyncRoutes() []route {
	return []route{
		checkedRoute("GET", "/v3/lipsyncs", s.listLipsyncs),
		checkedRoute("POST", "/v3/lipsyncs", s.createLipsync),
		checkedRoute("GET", "/v3/lipsyncs/{lipsync_id}", s.getLipsync),
		checkedRoute("PATCH", "/v3/lipsyncs/{lipsync_id}", s.updateLipsync),
		checkedRoute("DELETE", "/v3/lipsyncs/{lipsync_id}", s.deleteLipsync),
		checkedRoute("POST", "/v3/lipsyncs/batches", s.createLipsyncBatch),
		checkedRoute("GET", "/v3/lipsyncs/batches/{batch_id}", s.getLipsyncBatch),
		checkedRoute("GET", "/v3/lipsyncs/statuses", s.lipsyncStatuses),
	}
}

const kindLipsync = "lipsync"

func (s *Server) lipsyncView(c *call) func(*record) any {
	return func(r *record) any {
		ph := s.phaseOf(r, c.now)
		v := obj{
			"id": r.id, "title": r.data["title"], "status": jobStatus(ph), "created_at": r.created.Unix(),
			"callback_id": r.data["callback_id"], "video_url": nil, "caption_url": nil, "duration": nil, "failure_message": nil,
		}
		switch ph {
		case phaseDone:
			base := mediaHost + "/lipsyncs/" + r.id
			v["video_url"] = base + "/video.mp4"
			v["duration"] = r.data["_duration"]
			if r.data["enable_caption"] == true {
				v["caption_url"] = base + "/captions.srt"
			}
		case phaseFailed:
			v["failure_message"] = failMessage(r)
		}
		return v
	}
}

// lipsyncData checks one lipsync request and keeps what its views need.
// Caller holds t.mu.
func lipsyncData(c *call, body map[string]any, prefix string) (obj, *apiError) {
	if err := checkAssetRefs(c.t, body, prefix); err != nil {
		return nil, err
	}
	start, end := numberOr(body, "start_time", 0), numberOr(body, "end_time", 0)
	if start < 0 || present(body, "end_time") && end <= start {
		return nil, invalidParam(joinPath(prefix, "end_time"), "end_time must be after start_time, and start_time not negative.")
	}
	dur := 12.0
	if present(body, "end_time") {
		dur = end - start
	}
	return obj{"title": body["title"], "callback_id": body["callback_id"], "enable_caption": body["enable_caption"], "_duration": dur}, nil
}

// GET /v3/lipsyncs
func (s *Server) listLipsyncs(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return listRecords(c, "lipsyncs", c.t.all(kindLipsync), s.lipsyncView(c))
}

// POST /v3/lipsyncs
func (s *Server) createLipsync(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	data, err := lipsyncData(c, c.json, "")
	if err != nil {
		return err.reply()
	}
	r := newJob(c, kindLipsync, data)
	return ok(single{Data: obj{"lipsync_id": r.id}})
}

// GET /v3/lipsyncs/{lipsync_id}
func (s *Server) getLipsync(c *call) reply {
	return getJob(c, kindLipsync, "lipsync_id", s.lipsyncView(c))
}

// PATCH /v3/lipsyncs/{lipsync_id}
func (s *Server) updateLipsync(c *call) reply {
	return retitle(c, kindLipsync, "lipsync_id", s.lipsyncView(c))
}

// DELETE /v3/lipsyncs/{lipsync_id}
func (s *Server) deleteLipsync(c *call) reply { return deleteJob(c, kindLipsync, "lipsync_id", nil) }

// POST /v3/lipsyncs/batches
func (s *Server) createLipsyncBatch(c *call) reply {
	items, _ := c.json["lipsyncs"].([]any)
	if len(items) == 0 {
		return invalidParam("lipsyncs", "lipsyncs must hold at least one lipsync request.").reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	datas := make([]obj, len(items))
	for i, raw := range items {
		d, err := lipsyncData(c, raw.(map[string]any), "lipsyncs["+strconv.Itoa(i)+"]")
		if err != nil {
			return err.reply()
		}
		datas[i] = d
	}
	ids := make([]string, len(items))
	for i, d := range datas {
		r := newJob(c, kindLipsync, d)
		r.fails = itemFails(items[i])
		ids[i] = r.id
	}
	b := t.newBatch(c, "lipsyncs", getString(c.json, "title"), ids)
	view, err := batchView(c, b, s.jobItemState(c, kindLipsync))
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: view})
}

// GET /v3/lipsyncs/batches/{batch_id}
func (s *Server) getLipsyncBatch(c *call) reply {
	return getBatch(c, "lipsyncs", s.jobItemState(c, kindLipsync))
}

// GET /v3/lipsyncs/statuses
func (s *Server) lipsyncStatuses(c *call) reply {
	return bulkStatuses(c, "lipsyncs", "lipsync_ids", s.jobItemState(c, kindLipsync))
}
