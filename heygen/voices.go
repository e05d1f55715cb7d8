package heygen

import (
	"context"
	"iter"
	"net/http"
)

// VoicesService covers the /v3/voices endpoints.
type VoicesService service

// Voice is a text-to-speech voice. List pages fill the first group of
// fields; Get also fills the second group.
type Voice struct {
	VoiceID         string `json:"voice_id"`
	Name            string `json:"name"`
	Language        string `json:"language"` // main language, e.g. "English"
	Gender          string `json:"gender"`
	Type            string `json:"type"` // "public" or "private"
	PreviewAudioURL string `json:"preview_audio_url"`
	SupportPause    bool   `json:"support_pause"`  // SSML breaks
	SupportLocale   bool   `json:"support_locale"` // locale variants via VoiceSettings.Locale

	SupportInteractiveAvatar bool   `json:"support_interactive_avatar"`
	Status                   string `json:"status"` // clones: "processing", "complete", "failed"
	FailureMessage           string `json:"failure_message"`
	CreatedAt                *int64 `json:"created_at"` // Unix seconds

	// Raw is the whole object exactly as HeyGen sent it.
	Raw map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw from the same bytes.
func (v *Voice) UnmarshalJSON(b []byte) error {
	type plain Voice
	var p plain
	raw, err := unmarshalWithRaw(b, &p)
	if err != nil {
		return err
	}
	*v = Voice(p)
	v.Raw = raw
	return nil
}

// VoiceListParams filters GET /v3/voices.
type VoiceListParams struct {
	Limit    int    // page size, 1-100 (server default 20); 0 leaves it out
	Token    string // cursor from Page.NextToken
	Type     string // "public" (server default) or "private"
	Engine   string // e.g. "starfish"
	Language string // e.g. "English"
	Gender   string // "male" or "female"
}

// List returns one page of voices.
func (s *VoicesService) List(ctx context.Context, p VoiceListParams) (*Page[Voice], error) {
	q := listQuery(p.Limit, p.Token)
	setIf(q, "type", p.Type)
	setIf(q, "engine", p.Engine)
	setIf(q, "language", p.Language)
	setIf(q, "gender", p.Gender)
	return getPage[Voice](ctx, s.client, "/v3/voices", q)
}

// All iterates over every voice from p.Token on. It stops at the first
// error, which it yields.
func (s *VoicesService) All(ctx context.Context, p VoiceListParams) iter.Seq2[Voice, error] {
	return paginate(ctx, p.Token, func(ctx context.Context, token string) (*Page[Voice], error) {
		p.Token = token
		return s.List(ctx, p)
	})
}

// Get returns one voice.
func (s *VoicesService) Get(ctx context.Context, id string) (*Voice, error) {
	eid, err := escapeID("voice id", id)
	if err != nil {
		return nil, err
	}
	v := new(Voice)
	if err := s.client.getData(ctx, http.MethodGet, "/v3/voices/"+eid, nil, nil, v); err != nil {
		return nil, err
	}
	return v, nil
}
