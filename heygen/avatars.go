package heygen

import (
	"context"
	"iter"
	"net/http"
)

// AvatarsService covers the /v3/avatars endpoints: avatar groups and their
// looks.
type AvatarsService service

// Values of AvatarLook.AvatarType and LookListParams.AvatarType.
const (
	AvatarTypeStudio      = "studio_avatar"
	AvatarTypeDigitalTwin = "digital_twin"
	AvatarTypePhoto       = "photo_avatar"
)

// AvatarLook is one look of an avatar. Its ID is what POST /v3/videos takes
// as avatar_id.
type AvatarLook struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	AvatarType           string         `json:"avatar_type"` // one of the AvatarType constants
	GroupID              string         `json:"group_id"`
	Gender               string         `json:"gender"`
	DefaultVoiceID       string         `json:"default_voice_id"`
	PreviewImageURL      string         `json:"preview_image_url"`
	PreviewVideoURL      string         `json:"preview_video_url"`
	ImageWidth           *int           `json:"image_width"`
	ImageHeight          *int           `json:"image_height"`
	PreferredOrientation string         `json:"preferred_orientation"` // "portrait", "landscape", "square"
	SupportedAPIEngines  []string       `json:"supported_api_engines"` // "avatar_v", "avatar_iv", "avatar_iii"
	Tags                 []string       `json:"tags"`
	Status               string         `json:"status"` // "processing", "pending_consent", "failed", "completed"
	Error                *AvatarProblem `json:"error"`

	// Raw is the whole object exactly as HeyGen sent it.
	Raw map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw from the same bytes.
func (l *AvatarLook) UnmarshalJSON(b []byte) error {
	type plain AvatarLook
	var p plain
	raw, err := unmarshalWithRaw(b, &p)
	if err != nil {
		return err
	}
	*l = AvatarLook(p)
	l.Raw = raw
	return nil
}

// AvatarGroup is an avatar with all its looks. Its ID is not a valid
// avatar_id for videos; use the id of one of its looks.
type AvatarGroup struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	Gender          string         `json:"gender"`
	LooksCount      int            `json:"looks_count"`
	CreatedAt       int64          `json:"created_at"` // Unix seconds
	DefaultVoiceID  string         `json:"default_voice_id"`
	PreviewImageURL string         `json:"preview_image_url"`
	PreviewVideoURL string         `json:"preview_video_url"`
	Status          string         `json:"status"` // private avatars only
	ConsentStatus   string         `json:"consent_status"`
	Error           *AvatarProblem `json:"error"`

	// Raw is the whole object exactly as HeyGen sent it.
	Raw map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw from the same bytes.
func (g *AvatarGroup) UnmarshalJSON(b []byte) error {
	type plain AvatarGroup
	var p plain
	raw, err := unmarshalWithRaw(b, &p)
	if err != nil {
		return err
	}
	*g = AvatarGroup(p)
	g.Raw = raw
	return nil
}

// AvatarProblem explains why an avatar or look failed to train.
type AvatarProblem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// LookListParams filters GET /v3/avatars/looks.
type LookListParams struct {
	Limit      int    // page size, 1-50 (server default 20); 0 leaves it out
	Token      string // cursor from Page.NextToken
	GroupID    string // only looks of this avatar group
	AvatarType string // one of the AvatarType constants
	Ownership  string // "public" or "private"; empty means both
}

// GroupListParams filters GET /v3/avatars.
type GroupListParams struct {
	Limit     int    // page size, 1-50 (server default 20); 0 leaves it out
	Token     string // cursor from Page.NextToken
	Ownership string // "public" or "private"; empty means both
}

// ListLooks returns one page of avatar looks.
func (s *AvatarsService) ListLooks(ctx context.Context, p LookListParams) (*Page[AvatarLook], error) {
	q := listQuery(p.Limit, p.Token)
	setIf(q, "group_id", p.GroupID)
	setIf(q, "avatar_type", p.AvatarType)
	setIf(q, "ownership", p.Ownership)
	return getPage[AvatarLook](ctx, s.client, "/v3/avatars/looks", q)
}

// AllLooks iterates over every look from p.Token on. It stops at the first
// error, which it yields.
func (s *AvatarsService) AllLooks(ctx context.Context, p LookListParams) iter.Seq2[AvatarLook, error] {
	return paginate(ctx, p.Token, func(ctx context.Context, token string) (*Page[AvatarLook], error) {
		p.Token = token
		return s.ListLooks(ctx, p)
	})
}

// GetLook returns one look.
func (s *AvatarsService) GetLook(ctx context.Context, id string) (*AvatarLook, error) {
	eid, err := escapeID("look id", id)
	if err != nil {
		return nil, err
	}
	l := new(AvatarLook)
	if err := s.client.getData(ctx, http.MethodGet, "/v3/avatars/looks/"+eid, nil, nil, l); err != nil {
		return nil, err
	}
	return l, nil
}

// ListGroups returns one page of avatar groups.
func (s *AvatarsService) ListGroups(ctx context.Context, p GroupListParams) (*Page[AvatarGroup], error) {
	q := listQuery(p.Limit, p.Token)
	setIf(q, "ownership", p.Ownership)
	return getPage[AvatarGroup](ctx, s.client, "/v3/avatars", q)
}

// AllGroups iterates over every avatar group from p.Token on. It stops at
// the first error, which it yields.
func (s *AvatarsService) AllGroups(ctx context.Context, p GroupListParams) iter.Seq2[AvatarGroup, error] {
	return paginate(ctx, p.Token, func(ctx context.Context, token string) (*Page[AvatarGroup], error) {
		p.Token = token
		return s.ListGroups(ctx, p)
	})
}

// GetGroup returns one avatar group.
func (s *AvatarsService) GetGroup(ctx context.Context, id string) (*AvatarGroup, error) {
	eid, err := escapeID("group id", id)
	if err != nil {
		return nil, err
	}
	g := new(AvatarGroup)
	if err := s.client.getData(ctx, http.MethodGet, "/v3/avatars/"+eid, nil, nil, g); err != nil {
		return nil, err
	}
	return g, nil
}
