package heygentest

func (s *Server) backgroundRemovalRoutes() []route {
	return []route{
		checkedRoute("GET", "/v3/background-removals", s.listRemovals),
		checkedRoute("POST", "/v3/background-removals", s.createRemoval),
		checkedRoute("GET", "/v3/background-removals/{job_id}", s.getRemoval),
		checkedRoute("DELETE", "/v3/background-removals/{job_id}", s.deleteRemoval),
	}
}

const kindRemoval = "background_removal"

func (s *Server) removalView(c *call) func(*record) any {
	return func(r *record) any {
		ph := s.phaseOf(r, c.now)
		status := map[phase]string{phaseQueued: "pending", phaseRunning: "processing", phaseDone: "completed", phaseFailed: "failed"}[ph]
		layers := obj{}
		v := obj{"id": r.id, "status": status, "created_at": r.created.Unix(), "completed_at": unixOrNil(s.doneAt(r, c.now)),
			"duration": nil, "error": nil, "layers": layers}
		switch ph {
		case phaseDone:
			for _, l := range r.data["layers"].([]string) {
				layers[l] = mediaHost + "/removals/" + r.id + "/" + l + ".webm"
			}
			v["duration"] = 12.0
		case phaseFailed:
			v["error"] = failMessage(r)
		}
		return v
	}
}

// GET /v3/background-removals
func (s *Server) listRemovals(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return listRecords(c, "background_removals", c.t.all(kindRemoval), s.removalView(c))
}

// POST /v3/background-removals: the requested layers (default the
// foreground) become transparent webm files.
func (s *Server) createRemoval(c *call) reply {
	layers := []string{"foreground"}
	if raw, has := c.json["layers"].([]any); has && len(raw) > 0 {
		layers = layers[:0]
		for _, l := range raw {
			layers = append(layers, l.(string))
		}
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	if err := checkAssetRefs(c.t, c.json, ""); err != nil {
		return err.reply()
	}
	r := newJob(c, kindRemoval, obj{"title": c.json["title"], "layers": layers})
	return ok(single{Data: s.removalView(c)(r)})
}

// GET /v3/background-removals/{job_id}
func (s *Server) getRemoval(c *call) reply {
	return getJob(c, kindRemoval, "job_id", s.removalView(c))
}

// DELETE /v3/background-removals/{job_id}
func (s *Server) deleteRemoval(c *call) reply {
	return deleteJob(c, kindRemoval, "job_id", obj{"deleted": true})
}
