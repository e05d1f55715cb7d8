package heygen

import (
	"context"
)

// WebhooksService covers the /v3/webhooks endpoints.
type WebhooksService service

// WebhookEventType is an event a webhook endpoint can subscribe to.
type WebhookEventType struct {
	EventType   string `json:"event_type"` // e.g. "avatar_video.success"
	Description string `json:"description"`

	// Raw is the whole object exactly as HeyGen sent it.
	Raw map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw from the same bytes.
func (w *WebhookEventType) UnmarshalJSON(b []byte) error {
	type plain WebhookEventType
	var p plain
	raw, err := unmarshalWithRaw(b, &p)
	if err != nil {
		return err
	}
	*w = WebhookEventType(p)
	w.Raw = raw
	return nil
}

// EventTypes lists every webhook event type. The endpoint takes no page
// token and answers with the whole list at once.
func (s *WebhooksService) EventTypes(ctx context.Context) ([]WebhookEventType, error) {
	page, err := getPage[WebhookEventType](ctx, s.client, "/v3/webhooks/event-types", nil)
	if err != nil {
		return nil, err
	}
	return page.Data, nil
}
