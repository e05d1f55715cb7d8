package heygentest

import (
	"strings"
)

// Batches group items created by one request (videos, lipsyncs, video
// translations, asset uploads). They share one shape: a batch object whose
// items page inside it, and a bulk status list.

// itemState is the status of one batch item: queued, processing,
// completed or failed, plus an error object when it failed. found is false
// when the item no longer exists.
type itemState func(id string) (status string, errObj obj, found bool)

type batchRef struct {
	batchID string
	index   int
}

func (t *tenant) batchOf(res, id string) (batchRef, bool) {
	st := t.st()
	b, has := st.byID["batchitem:"+res+"/"+id]
	if !has {
		return batchRef{}, false
	}
	return batchRef{batchID: b.id, index: b.data["_index"].(int)}, true
}

// newBatch records a batch of ids of resource res. Caller holds t.mu.
func (t *tenant) newBatch(c *call, res, title string, ids []string) *record {
	b := t.put(&record{id: t.newID("batch"), kind: "batch:" + res, created: c.now, items: ids,
		data: obj{"title": orNil(title)}})
	st := t.st()
	for i, id := range ids {
		st.byID["batchitem:"+res+"/"+id] = &record{id: b.id, data: obj{"_index": i}}
	}
	return b
}

// batchView renders a batch with one page of its items. Caller holds t.mu.
func batchView(c *call, b *record, state itemState) (obj, *apiError) {
	def, max := c.facts.pageBounds()
	p, err := parsePage(c, "batch:"+b.id, def, max)
	if err != nil {
		return nil, err
	}
	counts := obj{}
	items := make([]obj, len(b.items))
	done, failed := 0, 0
	for i, id := range b.items {
		st, e, found := state(id)
		if !found {
			st, e = "failed", obj{"code": "not_found", "message": "The item was deleted."}
		}
		it := obj{"item_index": i, "status": st, "video_id": id, "error": nil}
		if e != nil {
			it["error"] = e
		}
		items[i] = it
		n, _ := counts[st].(int)
		counts[st] = n + 1
		switch st {
		case "completed":
			done++
		case "failed":
			failed++
		}
	}
	status := "processing"
	switch {
	case failed == len(items) && len(items) > 0:
		status = "failed"
	case done+failed == len(items):
		status = "completed"
	}
	page := paginate(items, func(it obj) int64 { return int64(it["item_index"].(int)) }, p)
	return obj{
		"batch_id":         b.id,
		"status":           status,
		"title":            b.data["title"],
		"created_at":       b.created.Unix(),
		"total_items":      len(items),
		"counts_by_status": counts,
		"items":            page.Data,
		"has_more":         page.HasMore,
		"next_token":       page.NextToken,
	}, nil
}

// getBatch serves GET /v3/<res>/batches/{batch_id}.
func getBatch(c *call, res string, state itemState) reply {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.get("batch:"+res, c.params["batch_id"])
	if b == nil {
		return notFound("batch_not_found", "batch_id", "No batch with id %q exists.", c.params["batch_id"]).reply()
	}
	v, err := batchView(c, b, state)
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: v})
}

// splitIDs reads a comma-separated id list from the query.
func splitIDs(c *call, name string) []string {
	var out []string
	for _, v := range c.query[name] {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

// bulkStatuses serves GET /v3/<res>/statuses: the status of the items
// named by idsParam and of every item of the batches in batch_ids, in that
// order; unknown ids are reported as failed with a not_found error.
func bulkStatuses(c *call, res, idsParam string, state itemState) reply {
	ids := splitIDs(c, idsParam)
	batches := splitIDs(c, "batch_ids")
	if len(ids) == 0 && len(batches) == 0 {
		return invalidParam(idsParam, "Give %s or batch_ids (comma-separated ids).", idsParam).reply()
	}
	if len(ids)+len(batches) > 100 {
		return invalidParam(idsParam, "At most 100 ids may be asked for at once.").reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	out := []obj{}
	add := func(id string, ref *batchRef) {
		st, e, found := state(id)
		if !found {
			st, e = "failed", obj{"code": "not_found", "message": "No item with id " + id + " exists."}
		}
		it := obj{"video_id": id, "status": st, "error": nil, "batch_id": nil, "item_index": nil}
		if e != nil {
			it["error"] = e
		}
		if ref == nil {
			if r, has := t.batchOf(res, id); has {
				ref = &r
			}
		}
		if ref != nil {
			it["batch_id"], it["item_index"] = ref.batchID, ref.index
		}
		out = append(out, it)
	}
	for _, id := range ids {
		add(id, nil)
	}
	for _, bid := range batches {
		b := t.get("batch:"+res, bid)
		if b == nil {
			return notFound("batch_not_found", "batch_ids", "No batch with id %q exists.", bid).reply()
		}
		for i, id := range b.items {
			add(id, &batchRef{batchID: bid, index: i})
		}
	}
	return ok(listPage{Data: out})
}

// jobItemState maps the lifecycle of a job record to a batch item status.
func (s *Server) jobItemState(c *call, kind string) itemState {
	return func(id string) (string, obj, bool) {
		r := c.t.get(kind, id)
		if r == nil {
			return "", nil, false
		}
		switch s.phaseOf(r, c.now) {
		case phaseQueued:
			return "queued", nil, true
		case phaseRunning:
			return "processing", nil, true
		case phaseFailed:
			return "failed", obj{"code": failCode(r), "message": failMessage(r)}, true
		}
		return "completed", nil, true
	}
}

func failCode(r *record) string {
	if r.stopped {
		return "cancelled"
	}
	return sandboxFailureCode
}

func failMessage(r *record) string {
	if r.stopped {
		return "The job was stopped before it finished."
	}
	return "The sandbox failed this job on purpose because its input contains " + FailMarker + "."
}
