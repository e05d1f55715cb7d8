package heygentest

import (
	"net/http"
	"time"
)

func (s *Server) avatarRoutes() []route {
	return []route{
		newRoute("GET", "/v3/avatars", s.listAvatarGroups),
		newRoute("GET", "/v3/avatars/{group_id}", s.getAvatarGroup),
		newRoute("GET", "/v3/avatars/looks", s.listAvatarLooks),
		newRoute("GET", "/v3/avatars/looks/{look_id}", s.getAvatarLook),
		checkedRoute("POST", "/v3/avatars", s.createAvatar),
		checkedRoute("DELETE", "/v3/avatars/{group_id}", s.deleteAvatarGroup),
		checkedRoute("POST", "/v3/avatars/{group_id}/consent", s.avatarConsent),
		checkedRoute("PATCH", "/v3/avatars/looks/{look_id}", s.updateAvatarLook),
		checkedRoute("DELETE", "/v3/avatars/looks/{look_id}", s.deleteAvatarLook),
	}
}

// avatarState is what a tenant changed about avatars: deleted and renamed
// catalogue entries. Created groups and looks are records.
type avatarState struct {
	deleted map[string]bool
	renamed map[string]string // look id -> name
}

func (t *tenant) avatars() *avatarState {
	if t.av == nil {
		t.av = &avatarState{deleted: map[string]bool{}, renamed: map[string]string{}}
	}
	return t.av
}

const (
	kindGroup = "avatar_group"
	kindLook  = "avatar_look"
)

// groupStatus is where a created group stands: a digital twin waits for
// consent, then trains like the others.
func (s *Server) groupStatus(c *call, g *record) (string, *string) {
	if g.data["twin"] == true {
		at, consented := g.data["consented_at"].(time.Time)
		if !consented {
			return "pending_consent", ptr("pending")
		}
		probe := &record{created: at, fails: g.fails}
		return s.trainStatus(c, probe), ptr("approved")
	}
	return s.trainStatus(c, g), nil
}

func (s *Server) trainStatus(c *call, r *record) string {
	switch s.phaseOf(r, c.now) {
	case phaseQueued, phaseRunning:
		return "processing"
	case phaseFailed:
		return "failed"
	}
	return "completed"
}

func (s *Server) groupView(c *call, g *record) *avatarGroup {
	st, consent := s.groupStatus(c, g)
	out := &avatarGroup{ID: g.id, Name: getString(g.data, "name"), CreatedAt: g.created.Unix(),
		LooksCount: 0, Status: ptr(st), ConsentStatus: consent, ownership: "private",
		ord: len(s.cat.groups) + int(g.seq)}
	for _, l := range c.t.all(kindLook) {
		if getString(l.data, "group_id") == g.id {
			out.LooksCount++
		}
	}
	if st == "completed" {
		out.PreviewImageURL = ptr(mediaHost + "/avatars/" + g.id + "/preview.jpg")
	}
	if st == "failed" {
		out.Error = &avatarFail{Code: sandboxFailureCode, Message: failMessage(g)}
	}
	return out
}

func (s *Server) lookView(c *call, l *record) *avatarLook {
	gid := getString(l.data, "group_id")
	st := "processing"
	if g := c.t.get(kindGroup, gid); g != nil {
		st, _ = s.groupStatus(c, g)
	}
	out := &avatarLook{ID: l.id, Name: getString(l.data, "name"), AvatarType: getString(l.data, "avatar_type"),
		GroupID: ptr(gid), Status: ptr(st), ownership: "private", ord: len(s.cat.looks) + int(l.seq),
		SupportedAPIEngines: []string{"avatar_iv"}, Tags: []string{}}
	if out.AvatarType == "digital_twin" {
		out.SupportedAPIEngines = []string{"avatar_iii", "avatar_iv", "avatar_v"}
	}
	if st == "completed" {
		out.PreviewImageURL = ptr(mediaHost + "/looks/" + l.id + "/preview.jpg")
		out.ImageWidth, out.ImageHeight = ptr(1080), ptr(1920)
		out.PreferredOrientation = ptr("portrait")
	}
	if st == "failed" {
		out.Error = &avatarFail{Code: sandboxFailureCode, Message: failMessage(l)}
	}
	return out
}

// groups returns the catalogue groups this tenant still has and the ones
// it created, in list order. Caller holds t.mu.
func (s *Server) groups(c *call) []*avatarGroup {
	av := c.t.avatars()
	var out []*avatarGroup
	for _, g := range s.cat.groups {
		if !av.deleted[g.ID] {
			out = append(out, g)
		}
	}
	recs := c.t.all(kindGroup)
	for i := len(recs) - 1; i >= 0; i-- {
		out = append(out, s.groupView(c, recs[i]))
	}
	return out
}

// looks is the same for looks, with renames applied. Caller holds t.mu.
func (s *Server) looks(c *call) []*avatarLook {
	av := c.t.avatars()
	var out []*avatarLook
	for _, l := range s.cat.looks {
		if av.deleted[l.ID] || av.deleted[deref(l.GroupID)] {
			continue
		}
		if name, has := av.renamed[l.ID]; has {
			cp := *l
			cp.Name = name
			l = &cp
		}
		out = append(out, l)
	}
	recs := c.t.all(kindLook)
	for i := len(recs) - 1; i >= 0; i-- {
		out = append(out, s.lookView(c, recs[i]))
	}
	return out
}

// GET /v3/avatars
func (s *Server) listAvatarGroups(c *call) reply {
	own, err := enumParam(c, "ownership", "public", "private")
	if err != nil {
		return err.reply()
	}
	p, err := parsePage(c, "avatars", 20, 50, "ownership="+own)
	if err != nil {
		return err.reply()
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	var match []*avatarGroup
	for _, g := range s.groups(c) {
		if own == "" || g.ownership == own {
			match = append(match, g)
		}
	}
	return ok(paginate(match, func(g *avatarGroup) int64 { return int64(g.ord) }, p))
}

func (s *Server) findGroup(c *call, id string) *avatarGroup {
	for _, g := range s.groups(c) {
		if g.ID == id {
			return g
		}
	}
	return nil
}

func (s *Server) findLook(c *call, id string) *avatarLook {
	for _, l := range s.looks(c) {
		if l.ID == id {
			return l
		}
	}
	return nil
}

func groupNotFound(id string) *apiError {
	return notFound("avatar_not_found", "group_id", "No avatar group with id %q exists.", id)
}

func lookNotFound(id string) *apiError {
	return notFound("avatar_not_found", "look_id", "No avatar look with id %q exists.", id)
}

// GET /v3/avatars/{group_id}
func (s *Server) getAvatarGroup(c *call) reply {
	id := c.params["group_id"]
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	g := s.findGroup(c, id)
	if g == nil {
		return groupNotFound(id).reply()
	}
	return ok(single{Data: g})
}

// GET /v3/avatars/looks
func (s *Server) listAvatarLooks(c *call) reply {
	own, err := enumParam(c, "ownership", "public", "private")
	if err != nil {
		return err.reply()
	}
	typ, err := enumParam(c, "avatar_type", "studio_avatar", "digital_twin", "photo_avatar")
	if err != nil {
		return err.reply()
	}
	group := c.query.Get("group_id")
	p, err := parsePage(c, "looks", 20, 50, "group_id="+group, "avatar_type="+typ, "ownership="+own)
	if err != nil {
		return err.reply()
	}
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	var match []*avatarLook
	for _, l := range s.looks(c) {
		if (own == "" || l.ownership == own) && (typ == "" || l.AvatarType == typ) && (group == "" || deref(l.GroupID) == group) {
			match = append(match, l)
		}
	}
	return ok(paginate(match, func(l *avatarLook) int64 { return int64(l.ord) }, p))
}

// GET /v3/avatars/looks/{look_id}
func (s *Server) getAvatarLook(c *call) reply {
	id := c.params["look_id"]
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	l := s.findLook(c, id)
	if l == nil {
		return lookNotFound(id).reply()
	}
	return ok(single{Data: l})
}

// POST /v3/avatars: a photo avatar (from an image or a prompt) or a
// digital twin (from a video, waiting for consent). It trains on the
// server's clock; a name with the fail marker fails.
func (s *Server) createAvatar(c *call) reply {
	typ := getString(c.json, "type")
	name := getString(c.json, "name")
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := checkAssetRefs(t, c.json, ""); err != nil {
		return err.reply()
	}
	gid := getString(c.json, "avatar_group_id")
	var g *record
	if gid != "" {
		g = t.get(kindGroup, gid)
		if g == nil {
			return notFound("avatar_not_found", "avatar_group_id", "No avatar group of yours has id %q.", gid).reply()
		}
	} else {
		g = t.put(&record{id: t.newID(kindGroup), kind: kindGroup, created: c.now, fails: hasFailMarker(name),
			data: obj{"name": name, "twin": typ == "digital_twin"}})
	}
	lookType := "photo_avatar"
	if typ == "digital_twin" {
		lookType = "digital_twin"
	}
	l := t.put(&record{id: t.newID(kindLook), kind: kindLook, created: c.now, fails: g.fails,
		data: obj{"name": name, "group_id": g.id, "avatar_type": lookType}})
	return ok(single{Data: obj{"avatar_group": s.groupView(c, g), "avatar_item": s.lookView(c, l)}})
}

// POST /v3/avatars/{group_id}/consent
func (s *Server) avatarConsent(c *call) reply {
	id := c.params["group_id"]
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	g := t.get(kindGroup, id)
	if g == nil {
		if s.findGroup(c, id) != nil {
			return invalidParam("group_id", "Avatar group %q needs no consent.", id).reply()
		}
		return groupNotFound(id).reply()
	}
	if g.data["twin"] != true {
		return invalidParam("group_id", "Avatar group %q is not a digital twin; only those need consent.", id).reply()
	}
	if _, done := g.data["consented_at"]; !done {
		g.data["consented_at"] = c.now
	}
	return ok(single{Data: obj{"avatar_group": s.groupView(c, g), "url": mediaHost + "/share/consent/" + id}})
}

// DELETE /v3/avatars/{group_id}: own groups only, with their looks.
func (s *Server) deleteAvatarGroup(c *call) reply {
	id := c.params["group_id"]
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	g := s.findGroup(c, id)
	if g == nil {
		return groupNotFound(id).reply()
	}
	if g.ownership != "private" {
		return (&apiError{status: http.StatusForbidden, code: "resource_access_denied", param: "group_id",
			message: "Avatar group " + id + " is public; only your own avatars can be deleted."}).reply()
	}
	if t.drop(kindGroup, id) {
		for _, l := range append([]*record(nil), t.all(kindLook)...) {
			if getString(l.data, "group_id") == id {
				t.drop(kindLook, l.id)
			}
		}
	} else {
		t.avatars().deleted[id] = true
	}
	return ok(single{Data: obj{"id": id}})
}

// PATCH /v3/avatars/looks/{look_id}: rename an own look.
func (s *Server) updateAvatarLook(c *call) reply {
	id := c.params["look_id"]
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	l := s.findLook(c, id)
	if l == nil {
		return lookNotFound(id).reply()
	}
	if l.ownership != "private" {
		return (&apiError{status: http.StatusForbidden, code: "resource_access_denied", param: "look_id",
			message: "Avatar look " + id + " is public; only your own looks can be changed."}).reply()
	}
	if name := getString(c.json, "name"); name != "" {
		if r := t.get(kindLook, id); r != nil {
			r.data["name"] = name
		} else {
			t.avatars().renamed[id] = name
		}
	}
	return ok(single{Data: s.findLook(c, id)})
}

// DELETE /v3/avatars/looks/{look_id}
func (s *Server) deleteAvatarLook(c *call) reply {
	id := c.params["look_id"]
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	l := s.findLook(c, id)
	if l == nil {
		return lookNotFound(id).reply()
	}
	if l.ownership != "private" {
		return (&apiError{status: http.StatusForbidden, code: "resource_access_denied", param: "look_id",
			message: "Avatar look " + id + " is public; only your own looks can be deleted."}).reply()
	}
	if !t.drop(kindLook, id) {
		t.avatars().deleted[id] = true
	}
	return ok(single{Data: obj{"id": id}})
}
