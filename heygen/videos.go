package heygen

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// VideosService covers the /v3/videos endpoints.
type VideosService service

// Video statuses reported in Video.Status.
const (
	VideoStatusPending    = "pending"
	VideoStatusProcessing = "processing"
	VideoStatusCompleted  = "completed"
	VideoStatusFailed     = "failed"
)

// Video is a generated (or translated) video as returned by GET /v3/videos,
// GET /v3/videos/{video_id} and POST /v3/templates/{template_id}. Fields
// that HeyGen sends as null are left empty (strings) or nil (pointers).
type Video struct {
	ID                string   `json:"id"`
	Status            string   `json:"status"` // one of the VideoStatus constants
	Title             string   `json:"title"`
	CreatedAt         *int64   `json:"created_at"`   // Unix seconds
	CompletedAt       *int64   `json:"completed_at"` // Unix seconds
	Duration          *float64 `json:"duration"`     // seconds
	VideoURL          string   `json:"video_url"`    // presigned; expires
	CaptionedVideoURL string   `json:"captioned_video_url"`
	SubtitleURL       string   `json:"subtitle_url"` // SRT file
	ThumbnailURL      string   `json:"thumbnail_url"`
	GifURL            string   `json:"gif_url"`
	VideoPageURL      string   `json:"video_page_url"` // page in the HeyGen app
	FolderID          string   `json:"folder_id"`
	FailureCode       string   `json:"failure_code"`    // only when failed
	FailureMessage    string   `json:"failure_message"` // only when failed
	OutputLanguage    string   `json:"output_language"` // only on translated videos

	// Raw is the whole object exactly as HeyGen sent it, with numbers as
	// json.Number.
	Raw map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw from the same bytes.
func (v *Video) UnmarshalJSON(b []byte) error {
	type plain Video
	var p plain
	raw, err := unmarshalWithRaw(b, &p)
	if err != nil {
		return err
	}
	*v = Video(p)
	v.Raw = raw
	return nil
}

// Done reports whether the video reached a final status (completed or
// failed).
func (v *Video) Done() bool {
	return v != nil && (v.Status == VideoStatusCompleted || v.Status == VideoStatusFailed)
}

// VideoListParams filters GET /v3/videos.
type VideoListParams struct {
	Limit    int    // page size, 1-100 (server default 10); 0 leaves it out
	Token    string // cursor from Page.NextToken
	FolderID string // only videos in this folder
	Title    string // only videos whose title contains this text
}

// List returns one page of videos.
func (s *VideosService) List(ctx context.Context, p VideoListParams) (*Page[Video], error) {
	q := listQuery(p.Limit, p.Token)
	setIf(q, "folder_id", p.FolderID)
	setIf(q, "title", p.Title)
	return getPage[Video](ctx, s.client, "/v3/videos", q)
}

// All iterates over every video from p.Token on, fetching pages as needed.
// It stops at the first error, which it yields.
func (s *VideosService) All(ctx context.Context, p VideoListParams) iter.Seq2[Video, error] {
	return paginate(ctx, p.Token, func(ctx context.Context, token string) (*Page[Video], error) {
		p.Token = token
		return s.List(ctx, p)
	})
}

// Get returns one video, including its current status.
func (s *VideosService) Get(ctx context.Context, id string) (*Video, error) {
	eid, err := escapeID("video id", id)
	if err != nil {
		return nil, err
	}
	v := new(Video)
	if err := s.client.getData(ctx, http.MethodGet, "/v3/videos/"+eid, nil, nil, v); err != nil {
		return nil, err
	}
	return v, nil
}

// Delete permanently deletes a video.
func (s *VideosService) Delete(ctx context.Context, id string) error {
	eid, err := escapeID("video id", id)
	if err != nil {
		return err
	}
	_, _, err = s.client.do(ctx, http.MethodDelete, "/v3/videos/"+eid, nil, nil)
	return err
}

// CreatedVideo is the answer to POST /v3/videos. Poll the video with Get or
// Wait using VideoID.
type CreatedVideo struct {
	VideoID      string `json:"video_id"`
	Status       string `json:"status"`        // initial status, e.g. "waiting"
	OutputFormat string `json:"output_format"` // "mp4" or "webm"

	// Raw is the whole object exactly as HeyGen sent it.
	Raw map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw from the same bytes.
func (c *CreatedVideo) UnmarshalJSON(b []byte) error {
	type plain CreatedVideo
	var p plain
	raw, err := unmarshalWithRaw(b, &p)
	if err != nil {
		return err
	}
	*c = CreatedVideo(p)
	c.Raw = raw
	return nil
}

// Values of CreateVideoRequest.Type.
const (
	VideoTypeAvatar          = "avatar"           // a look speaks a script or audio
	VideoTypeImage           = "image"            // an image is animated
	VideoTypeCinematicAvatar = "cinematic_avatar" // prompt-driven, no script
	VideoTypeStudio          = "studio"           // several scenes in one video
)

// CreateVideoRequest is the body of POST /v3/videos. Type selects the
// variant and decides which fields apply:
//
//   - "avatar": AvatarID (a look id) plus the speech and styling fields;
//   - "image": Image plus the same speech and styling fields, no Engine;
//   - "cinematic_avatar": Prompt and AvatarIDs (1-3 look ids), References,
//     Duration, AutoDuration, EnhancePrompt, AspectRatio, Resolution, Title;
//   - "studio": Scenes (1-50) plus Title, Resolution, AspectRatio, Caption,
//     CallbackURL, CallbackID and Watermark.
//
// Zero values are left out of the JSON, so the server defaults apply. For
// anything this type cannot express use VideosService.CreateRaw.
type CreateVideoRequest struct {
	Type string `json:"type"`

	// AvatarID is the look id for the avatar variant.
	AvatarID string `json:"avatar_id,omitempty"`
	// AvatarIDs holds the look ids of the cinematic_avatar variant; they
	// are sent as the "avatar_id" array. Do not set it with AvatarID.
	AvatarIDs []string `json:"-"`
	// Image is the picture to animate in the image variant.
	Image *AssetInput `json:"image,omitempty"`

	Script       string `json:"script,omitempty"`
	VoiceID      string `json:"voice_id,omitempty"`
	AudioURL     string `json:"audio_url,omitempty"`
	AudioAssetID string `json:"audio_asset_id,omitempty"`

	Title            string         `json:"title,omitempty"`
	Resolution       string         `json:"resolution,omitempty"`    // "4k", "1080p", "720p"
	AspectRatio      string         `json:"aspect_ratio,omitempty"`  // "16:9", "9:16", "4:5", "5:4", "1:1", "auto"
	OutputFormat     string         `json:"output_format,omitempty"` // "mp4" or "webm"
	Fit              string         `json:"fit,omitempty"`           // "contain" or "cover"
	RemoveBackground *bool          `json:"remove_background,omitempty"`
	Background       *Background    `json:"background,omitempty"`
	Caption          *Caption       `json:"caption,omitempty"`
	CallbackURL      string         `json:"callback_url,omitempty"`
	CallbackID       string         `json:"callback_id,omitempty"`
	Engine           *Engine        `json:"engine,omitempty"`
	Expressiveness   string         `json:"expressiveness,omitempty"` // "high", "medium", "low"
	MotionPrompt     string         `json:"motion_prompt,omitempty"`
	VoiceSettings    *VoiceSettings `json:"voice_settings,omitempty"`
	Watermark        *Watermark     `json:"watermark,omitempty"`

	// cinematic_avatar fields.
	Prompt        string       `json:"prompt,omitempty"`
	References    []AssetInput `json:"references,omitempty"`
	Duration      *int         `json:"duration,omitempty"` // seconds, 4-15
	AutoDuration  *bool        `json:"auto_duration,omitempty"`
	EnhancePrompt *bool        `json:"enhance_prompt,omitempty"`

	// Scenes of the studio variant.
	Scenes []Scene `json:"scenes,omitempty"`
}

// MarshalJSON writes AvatarIDs as the "avatar_id" array when it is set.
func (r CreateVideoRequest) MarshalJSON() ([]byte, error) {
	type plain CreateVideoRequest
	if len(r.AvatarIDs) == 0 {
		return json.Marshal(plain(r))
	}
	if r.AvatarID != "" {
		return nil, errors.New("heygen: CreateVideoRequest sets both AvatarID and AvatarIDs")
	}
	return json.Marshal(struct {
		plain
		AvatarID []string `json:"avatar_id"`
	}{plain(r), r.AvatarIDs})
}

// AssetInput points at media: a public URL, an uploaded asset, or inline
// base64 data. Build one with AssetFromURL, AssetFromID or AssetFromBase64.
type AssetInput struct {
	Type      string `json:"type"` // "url", "asset_id" or "base64"
	URL       string `json:"url,omitempty"`
	AssetID   string `json:"asset_id,omitempty"`
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
}

// AssetFromURL refers to media at a public URL.
func AssetFromURL(u string) *AssetInput { return &AssetInput{Type: "url", URL: u} }

// AssetFromID refers to an uploaded asset.
func AssetFromID(id string) *AssetInput { return &AssetInput{Type: "asset_id", AssetID: id} }

// AssetFromBase64 embeds media as base64 data of the given MIME type.
func AssetFromBase64(mediaType, data string) *AssetInput {
	return &AssetInput{Type: "base64", MediaType: mediaType, Data: data}
}

// Background of an avatar or image video: a colour (Type "color", Value a
// hex colour) or an image (Type "image" with URL or AssetID).
type Background struct {
	Type    string `json:"type"`
	Value   string `json:"value,omitempty"`
	URL     string `json:"url,omitempty"`
	AssetID string `json:"asset_id,omitempty"`
}

// Caption asks for captions. An SRT file is always produced; Style
// "default" also burns them into the video.
type Caption struct {
	FileFormat string `json:"file_format,omitempty"` // "srt"
	Style      string `json:"style,omitempty"`       // "default"
}

// Engine picks the avatar rendering engine: Type "avatar_iv" (default),
// "avatar_v" (optionally with ReferenceLookID) or "avatar_iii".
type Engine struct {
	Type            string `json:"type"`
	ReferenceLookID string `json:"reference_look_id,omitempty"`
}

// VoiceSettings tunes the speech. Nil pointers keep the server defaults
// (speed 1, pitch 0, volume 1).
type VoiceSettings struct {
	Speed          *float64             `json:"speed,omitempty"`  // 0.5-1.5
	Pitch          *float64             `json:"pitch,omitempty"`  // semitones, -50..50
	Volume         *float64             `json:"volume,omitempty"` // 1 is unchanged
	Locale         string               `json:"locale,omitempty"` // e.g. "en-US"
	EngineSettings *VoiceEngineSettings `json:"engine_settings,omitempty"`
}

// VoiceEngineSettings holds engine specific voice options. EngineType is
// "elevenlabs" (Model, Stability, SimilarityBoost, Style, UseSpeakerBoost),
// "fish" (Model, Stability, Similarity) or "starfish" (nothing else).
type VoiceEngineSettings struct {
	EngineType      string   `json:"engine_type"`
	Model           string   `json:"model,omitempty"`
	Stability       *float64 `json:"stability,omitempty"`
	SimilarityBoost *float64 `json:"similarity_boost,omitempty"`
	Style           *float64 `json:"style,omitempty"`
	UseSpeakerBoost *bool    `json:"use_speaker_boost,omitempty"`
	Similarity      *float64 `json:"similarity,omitempty"`
}

// Watermark overlays an image (an Enterprise feature).
type Watermark struct {
	Image     *AssetInput         `json:"image"`
	Opacity   *float64            `json:"opacity,omitempty"` // default 1
	Scale     *float64            `json:"scale,omitempty"`   // default 1
	Placement *WatermarkPlacement `json:"placement,omitempty"`
}

// WatermarkPlacement positions a watermark.
type WatermarkPlacement struct {
	Position string   `json:"position,omitempty"` // "top_left", "top_right", "bottom_left", "bottom_right"
	OffsetX  *float64 `json:"offset_x,omitempty"`
	OffsetY  *float64 `json:"offset_y,omitempty"`
}

// Scene is one whole-frame scene of a studio video. Type decides the
// shape:
//
//   - "avatar_video": Input describes an avatar or image speaking;
//   - "image": Source is a still image, silent for Duration seconds or
//     narrated by Script/VoiceID (with VoiceSettings) or AudioURL/AudioAssetID;
//   - "video": Source is a clip, with optional Playback.
type Scene struct {
	Type          string         `json:"type"`
	Input         *SceneInput    `json:"input,omitempty"`
	Source        *AssetInput    `json:"source,omitempty"`
	Script        string         `json:"script,omitempty"`
	VoiceID       string         `json:"voice_id,omitempty"`
	AudioURL      string         `json:"audio_url,omitempty"`
	AudioAssetID  string         `json:"audio_asset_id,omitempty"`
	Duration      *float64       `json:"duration,omitempty"`
	VoiceSettings *VoiceSettings `json:"voice_settings,omitempty"`
	Playback      *Playback      `json:"playback,omitempty"`
}

// SceneInput is the speaker of an "avatar_video" scene: Type "avatar" with
// AvatarID, or Type "image" with Image. Engine and Background apply to
// avatars only.
type SceneInput struct {
	Type           string           `json:"type"`
	AvatarID       string           `json:"avatar_id,omitempty"`
	Image          *AssetInput      `json:"image,omitempty"`
	Script         string           `json:"script,omitempty"`
	VoiceID        string           `json:"voice_id,omitempty"`
	AudioURL       string           `json:"audio_url,omitempty"`
	AudioAssetID   string           `json:"audio_asset_id,omitempty"`
	Engine         *Engine          `json:"engine,omitempty"`
	Expressiveness string           `json:"expressiveness,omitempty"`
	MotionPrompt   string           `json:"motion_prompt,omitempty"`
	VoiceSettings  *VoiceSettings   `json:"voice_settings,omitempty"`
	Background     *SceneBackground `json:"background,omitempty"`
}

// SceneBackground is the background of an avatar scene; only colours are
// supported (Type "color", Color "#RRGGBB").
type SceneBackground struct {
	Type  string `json:"type"`
	Color string `json:"color"`
}

// Playback controls the sound of a "video" scene.
type Playback struct {
	Volume *float64 `json:"volume,omitempty"` // 0-1, default 1
	Mute   *bool    `json:"mute,omitempty"`
}

// Create starts rendering a video. The POST is never repeated except after
// a 429 answer, so a network failure may hide a video that was in fact
// created: check with List before trying again.
func (s *VideosService) Create(ctx context.Context, req *CreateVideoRequest) (*CreatedVideo, error) {
	if req == nil {
		return nil, errors.New("heygen: CreateVideoRequest is nil")
	}
	return s.create(ctx, req)
}

// CreateRaw is Create with a body built by the caller, for fields or
// variants that CreateVideoRequest does not cover.
func (s *VideosService) CreateRaw(ctx context.Context, body map[string]any) (*CreatedVideo, error) {
	if body == nil {
		return nil, errors.New("heygen: request body is nil")
	}
	return s.create(ctx, body)
}

func (s *VideosService) create(ctx context.Context, body any) (*CreatedVideo, error) {
	out := new(CreatedVideo)
	if err := s.client.getData(ctx, http.MethodPost, "/v3/videos", nil, body, out); err != nil {
		return nil, err
	}
	return out, nil
}

// WaitOptions tunes VideosService.Wait.
type WaitOptions struct {
	// Interval is the first pause between polls (default 2s); it doubles
	// after every poll up to MaxInterval (default 30s). Each pause is
	// multiplied by a random factor in [0.75, 1.25).
	Interval    time.Duration
	MaxInterval time.Duration
	// OnPoll, when set, is called after every successful poll with the
	// video and the time since Wait started.
	OnPoll func(v *Video, elapsed time.Duration)
}

// Wait polls Get until the video is completed or failed, or ctx ends; bound
// the total time with a context deadline.
//
// On completion it returns the video. On failure it returns the video and
// a *VideoFailedError. When ctx ends it returns the last video seen (nil if
// none) and an error wrapping ctx.Err(). Any other error from Get is
// returned as is, again with the last video seen.
func (s *VideosService) Wait(ctx context.Context, id string, o WaitOptions) (*Video, error) {
	if _, err := escapeID("video id", id); err != nil {
		return nil, err
	}
	c := s.client
	interval := o.Interval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	maxInterval := o.MaxInterval
	if maxInterval <= 0 {
		maxInterval = 30 * time.Second
	}
	maxInterval = max(maxInterval, interval)

	start := time.Now()
	var last *Video
	ctxErr := func() error {
		return fmt.Errorf("heygen: waiting for video %s: %w", id, ctx.Err())
	}
	for {
		v, err := s.Get(ctx, id)
		if err != nil {
			if ctx.Err() != nil {
				return last, ctxErr()
			}
			return last, err
		}
		last = v
		if o.OnPoll != nil {
			o.OnPoll(v, time.Since(start))
		}
		switch v.Status {
		case VideoStatusCompleted:
			return v, nil
		case VideoStatusFailed:
			return v, &VideoFailedError{VideoID: cmp.Or(v.ID, id), Code: c.scrub.String(v.FailureCode), Message: c.scrub.String(v.FailureMessage)}
		}
		pause := min(time.Duration(float64(interval)*c.jitter()), maxInterval)
		if err := c.sleep(ctx, pause); err != nil {
			if ctx.Err() != nil {
				return last, ctxErr()
			}
			return last, fmt.Errorf("heygen: waiting for video %s: %w", id, err)
		}
		interval = min(interval*2, maxInterval)
	}
}
