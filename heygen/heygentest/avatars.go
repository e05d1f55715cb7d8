package heygentest

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
	var match []*avatarGroup
	for _, g := range s.cat.groups {
		if own == "" || g.ownership == own {
			match = append(match, g)
		}
	}
	return ok(paginate(match, func(g *avatarGroup) int64 { return int64(g.ord) }, p))
}

// GET /v3/avatars/{group_id}
func (s *Server) getAvatarGroup(c *call) reply {
	id := c.params["group_id"]
	g, found := s.cat.groupsByID[id]
	if !found {
		return notFound("avatar_not_found", "group_id", "No avatar group with id %q exists.", id).reply()
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
	var match []*avatarLook
	for _, l := range s.cat.looks {
		if (own == "" || l.ownership == own) && (typ == "" || l.AvatarType == typ) && (group == "" || deref(l.GroupID) == group) {
			match = append(match, l)
		}
	}
	return ok(paginate(match, func(l *avatarLook) int64 { return int64(l.ord) }, p))
}

// GET /v3/avatars/looks/{look_id}
func (s *Server) getAvatarLook(c *call) reply {
	id := c.params["look_id"]
	l, found := s.cat.looksByID[id]
	if !found {
		return notFound("avatar_not_found", "look_id", "No avatar look with id %q exists.", id).reply()
	}
	return ok(single{Data: l})
}
