package heygentest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// obj is a JSON object built by the handlers of the newer resources.
type obj = map[string]any

// record is one stored item of a resource other than videos: a lipsync, a
// translation, an asset, a webhook endpoint, a batch, ... Its fields are
// kept in data; the lifecycle of an asynchronous job is derived from its
// creation time on the server's clock.
type record struct {
	seq     int64
	id      string
	kind    string
	created time.Time
	data    obj
	fails   bool     // the job ends failed
	stopped bool     // the job was stopped or cancelled before it finished
	items   []string // ids of the children (batch items, session videos)
}

// phase is where an asynchronous job stands at now.
type phase int

const (
	phaseQueued phase = iota
	phaseRunning
	phaseDone
	phaseFailed
)

func (s *Server) phaseOf(r *record, now time.Time) phase {
	age := now.Sub(r.created)
	switch {
	case r.stopped:
		return phaseFailed
	case age < s.opts.ProcessingAfter:
		return phaseQueued
	case age < s.opts.CompleteAfter:
		return phaseRunning
	case r.fails:
		return phaseFailed
	}
	return phaseDone
}

// doneAt is when a job finished (zero while it runs).
func (s *Server) doneAt(r *record, now time.Time) time.Time {
	switch s.phaseOf(r, now) {
	case phaseDone, phaseFailed:
		if r.stopped {
			if t, has := r.data["_stopped_at"].(time.Time); has {
				return t
			}
		}
		return r.created.Add(s.opts.CompleteAfter)
	}
	return time.Time{}
}

// store holds a tenant's records, per kind, newest first.
type store struct {
	seq   int64
	lists map[string][]*record
	byID  map[string]*record // kind + "/" + id
	made  map[string]int
}

func (t *tenant) st() *store {
	if t.store == nil {
		t.store = &store{lists: map[string][]*record{}, byID: map[string]*record{}, made: map[string]int{}}
	}
	return t.store
}

// newID derives the next id of a kind for this tenant. Caller holds t.mu.
func (t *tenant) newID(kind string) string {
	st := t.st()
	st.made[kind]++
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s:%s:%d", kind, t.id, st.made[kind])))
	return hex.EncodeToString(sum[:16])
}

// put stores a new record at the head of its list. Caller holds t.mu.
func (t *tenant) put(r *record) *record {
	st := t.st()
	st.seq++
	r.seq = st.seq
	if r.data == nil {
		r.data = obj{}
	}
	st.lists[r.kind] = append([]*record{r}, st.lists[r.kind]...)
	st.byID[r.kind+"/"+r.id] = r
	return r
}

// get finds a record. Caller holds t.mu.
func (t *tenant) get(kind, id string) *record {
	return t.st().byID[kind+"/"+id]
}

// drop deletes a record. Caller holds t.mu.
func (t *tenant) drop(kind, id string) bool {
	st := t.st()
	if _, has := st.byID[kind+"/"+id]; !has {
		return false
	}
	delete(st.byID, kind+"/"+id)
	list := st.lists[kind]
	for i, r := range list {
		if r.id == id {
			st.lists[kind] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	return true
}

// all returns a kind's records, newest first. Caller holds t.mu.
func (t *tenant) all(kind string) []*record { return t.st().lists[kind] }

// listRecords pages through a kind's records (newest first) and renders
// each with view.
func listRecords(c *call, scope string, recs []*record, view func(*record) any, filters ...string) reply {
	def, max := c.facts.pageBounds()
	p, err := parsePage(c, scope, def, max, filters...)
	if err != nil {
		return err.reply()
	}
	page := paginate(recs, func(r *record) int64 { return -r.seq }, p)
	return ok(mapItems(page, view))
}

func unixOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }
