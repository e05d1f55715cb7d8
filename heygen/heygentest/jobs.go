package heygentest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Helpers shared by the asynchronous jobs (lipsyncs, translations,
// proofreads, background removals, clipping).

// newJob stores a job created by the current request. A body carrying the
// fail marker anywhere makes the job fail. Caller holds t.mu.
func newJob(c *call, kind string, data obj) *record {
	t := c.t
	return t.put(&record{id: t.newID(kind), kind: kind, created: c.now, data: data,
		fails: hasFailMarker(string(c.body))})
}

// jobStatus names a phase in the vocabulary most jobs use.
func jobStatus(p phase) string {
	switch p {
	case phaseQueued:
		return "pending"
	case phaseRunning:
		return "running"
	case phaseFailed:
		return "failed"
	}
	return "completed"
}

// checkAssetRefs refuses asset inputs ({"type": "asset_id", ...}) that name
// no asset of this key. Caller holds t.mu.
func checkAssetRefs(t *tenant, v any, path string) *apiError {
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "asset_id" {
			id, _ := x["asset_id"].(string)
			if r := t.get(kindAsset, id); r == nil || r.data["status"] != "completed" {
				return notFound("asset_not_found", joinPath(path, "asset_id"), "No uploaded asset with id %q exists.", id)
			}
		}
		for k, e := range x {
			if err := checkAssetRefs(t, e, joinPath(path, k)); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := checkAssetRefs(t, e, path+"["+itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

// retitle handles PATCH {title} on a job.
func retitle(c *call, kind, param string, view func(*record) any) reply {
	title := strings.TrimSpace(getString(c.json, "title"))
	if title == "" {
		return invalidParam("title", "title must not be empty.").reply()
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	r := c.t.get(kind, c.params[param])
	if r == nil {
		return jobNotFound(kind, param, c.params[param]).reply()
	}
	r.data["title"] = title
	return ok(single{Data: view(r)})
}

// getJob handles GET /.../{id}.
func getJob(c *call, kind, param string, view func(*record) any) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	r := c.t.get(kind, c.params[param])
	if r == nil {
		return jobNotFound(kind, param, c.params[param]).reply()
	}
	return ok(single{Data: view(r)})
}

// deleteJob handles DELETE /.../{id}; extra fields join the answer.
func deleteJob(c *call, kind, param string, extra obj) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	id := c.params[param]
	if !c.t.drop(kind, id) {
		return jobNotFound(kind, param, id).reply()
	}
	out := obj{"id": id}
	for k, v := range extra {
		out[k] = v
	}
	return ok(single{Data: out})
}

func jobNotFound(kind, param, id string) *apiError {
	return &apiError{status: http.StatusNotFound, code: "resource_not_found", param: param,
		message: "No " + strings.ReplaceAll(kind, "_", " ") + " with id \"" + id + "\" exists."}
}

// stop marks a job stopped now. Caller holds t.mu.
func stop(r *record, now time.Time) {
	if !r.stopped {
		r.stopped = true
		r.data["_stopped_at"] = now
	}
}

func numberOr(m map[string]any, key string, def float64) float64 {
	if f, has := getNumber(m, key); has {
		return f
	}
	return def
}

// itemFails reports whether one item of a batch carries the fail marker.
func itemFails(item any) bool {
	b, _ := json.Marshal(item)
	return hasFailMarker(string(b))
}
