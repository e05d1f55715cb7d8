package heygentest

// GET /v3/webhooks/event-types. The list is short and, like the real one,
// comes in a single page although it carries the list envelope.
func (s *Server) listWebhookEventTypes(c *call) reply {
	return ok(listPage{Data: s.cat.eventTypes})
}
