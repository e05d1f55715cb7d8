package heygen

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
)

// TemplatesService covers the /v3/templates endpoints.
type TemplatesService service

// Template is an API-ready template (one that defines variables) as listed
// by GET /v3/templates.
type Template struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	AspectRatio  string `json:"aspect_ratio"`
	ThumbnailURL string `json:"thumbnail_url"`
	CreatedAt    *int64 `json:"created_at"` // Unix seconds
	UpdatedAt    *int64 `json:"updated_at"` // Unix seconds

	// Raw is the whole object exactly as HeyGen sent it.
	Raw map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw from the same bytes.
func (t *Template) UnmarshalJSON(b []byte) error {
	type plain Template
	var p plain
	raw, err := unmarshalWithRaw(b, &p)
	if err != nil {
		return err
	}
	*t = Template(p)
	t.Raw = raw
	return nil
}

// TemplateDetail is a template with its variables and scenes, as returned
// by GET /v3/templates/{template_id}.
type TemplateDetail struct {
	Template

	// Variables maps each variable name to its current value, in the shape
	// that GenerateTemplateRequest.Variables takes: change the values you
	// need and send the entries back. Numbers are json.Number. It is a copy,
	// so editing it leaves Raw untouched.
	Variables map[string]any
	Scenes    []TemplateScene
	SceneIDs  []string
}

// UnmarshalJSON decodes the detail object; Raw (in Template) holds all of
// it.
func (d *TemplateDetail) UnmarshalJSON(b []byte) error {
	var t Template
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	var rest struct {
		Scenes   []TemplateScene `json:"scenes"`
		SceneIDs []string        `json:"scene_ids"`
	}
	if err := json.Unmarshal(b, &rest); err != nil {
		return err
	}
	// Decode the variables a second time so they do not share maps with Raw.
	again, err := decodeRaw(b)
	if err != nil {
		return err
	}
	vars, ok := again["variables"].(map[string]any)
	if !ok && again["variables"] != nil {
		return errors.New(`template "variables" is not an object`)
	}
	*d = TemplateDetail{Template: t, Variables: vars, Scenes: rest.Scenes, SceneIDs: rest.SceneIDs}
	return nil
}

// TemplateScene is one scene of a template.
type TemplateScene struct {
	SceneID   string             `json:"scene_id"`
	Script    string             `json:"script"` // placeholders left in
	Variables []TemplateVariable `json:"variables"`
}

// TemplateVariable names a variable used by a scene.
type TemplateVariable struct {
	Name         string `json:"name"`
	VariableType string `json:"variable_type"` // "text", "image", "video", "audio", "character", "voice"
}

// TemplateListParams pages through GET /v3/templates (it has no filters).
type TemplateListParams struct {
	Limit int    // page size, 1-100 (server default 10); 0 leaves it out
	Token string // cursor from Page.NextToken
}

// List returns one page of templates.
func (s *TemplatesService) List(ctx context.Context, p TemplateListParams) (*Page[Template], error) {
	return getPage[Template](ctx, s.client, "/v3/templates", listQuery(p.Limit, p.Token))
}

// All iterates over every template from p.Token on. It stops at the first
// error, which it yields.
func (s *TemplatesService) All(ctx context.Context, p TemplateListParams) iter.Seq2[Template, error] {
	return paginate(ctx, p.Token, func(ctx context.Context, token string) (*Page[Template], error) {
		p.Token = token
		return s.List(ctx, p)
	})
}

// Get returns a template with its variables and scenes.
func (s *TemplatesService) Get(ctx context.Context, id string) (*TemplateDetail, error) {
	eid, err := escapeID("template id", id)
	if err != nil {
		return nil, err
	}
	d := new(TemplateDetail)
	if err := s.client.getData(ctx, http.MethodGet, "/v3/templates/"+eid, nil, nil, d); err != nil {
		return nil, err
	}
	return d, nil
}

// GenerateTemplateRequest is the body of POST /v3/templates/{template_id}.
// Zero values are left out so the server defaults apply; Variables is
// always sent (as {} when nil).
type GenerateTemplateRequest struct {
	// Variables maps variable names to values, in the shape found in
	// TemplateDetail.Variables.
	Variables map[string]any `json:"variables"`

	Title       string   `json:"title,omitempty"`
	FolderID    string   `json:"folder_id,omitempty"`
	SceneIDs    []string `json:"scene_ids,omitempty"` // pick, reorder or repeat scenes
	CallbackURL string   `json:"callback_url,omitempty"`
	CallbackID  string   `json:"callback_id,omitempty"`

	Caption                    *bool              `json:"caption,omitempty"`
	Subtitles                  *TemplateSubtitles `json:"subtitles,omitempty"`
	Dimension                  *Dimension         `json:"dimension,omitempty"`
	FPS                        int                `json:"fps,omitempty"` // 25 (default), 30 or 60
	EnableSharing              *bool              `json:"enable_sharing,omitempty"`
	IncludeGIF                 *bool              `json:"include_gif,omitempty"`
	KeepTextVerticallyCentered *bool              `json:"keep_text_vertically_centered,omitempty"`
	ReorderMusic               *bool              `json:"reorder_music,omitempty"` // server default true
	BrandVoiceID               string             `json:"brand_voice_id,omitempty"`
}

// TemplateSubtitles styles burned-in subtitles.
type TemplateSubtitles struct {
	PresetName       string            `json:"preset_name"` // e.g. "classic", "bold", "bright"
	FontSize         *int              `json:"font_size,omitempty"`
	Alignment        *int              `json:"alignment,omitempty"` // server default 2
	Position         *SubtitlePosition `json:"position,omitempty"`
	DisableHighlight *bool             `json:"disable_highlight,omitempty"`
}

// SubtitlePosition places subtitles.
type SubtitlePosition struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Dimension is an output size in pixels: even numbers from 128 to 4096
// with the template's aspect ratio.
type Dimension struct {
	Width  int `json:"width"`
	Height int `json:"height"`
}

// Generate renders a video from a template and returns it (usually still
// pending); follow it with VideosService.Wait. The POST is never repeated
// except after a 429 answer.
func (s *TemplatesService) Generate(ctx context.Context, id string, req *GenerateTemplateRequest) (*Video, error) {
	if req == nil {
		return nil, errors.New("heygen: GenerateTemplateRequest is nil")
	}
	body := *req
	if body.Variables == nil {
		body.Variables = map[string]any{}
	}
	return s.generate(ctx, id, &body)
}

// GenerateRaw is Generate with a body built by the caller. A missing
// "variables" member is not added.
func (s *TemplatesService) GenerateRaw(ctx context.Context, id string, body map[string]any) (*Video, error) {
	if body == nil {
		return nil, errors.New("heygen: request body is nil")
	}
	return s.generate(ctx, id, body)
}

func (s *TemplatesService) generate(ctx context.Context, id string, body any) (*Video, error) {
	eid, err := escapeID("template id", id)
	if err != nil {
		return nil, err
	}
	v := new(Video)
	if err := s.client.getData(ctx, http.MethodPost, "/v3/templates/"+eid, nil, body, v); err != nil {
		return nil, err
	}
	return v, nil
}
