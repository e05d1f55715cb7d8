package heygentest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"sync"
	"time"
)

// mediaHost is the fake host every media URL points at.
const mediaHost = "https://sandbox.kosmo.invalid"

// catalog is the immutable seed shared by every tenant. Videos are the only
// data the API can change, so each tenant copies just the video list.
type catalog struct {
	videos []*video // newest first

	groups     []*avatarGroup
	groupsByID map[string]*avatarGroup
	looks      []*avatarLook
	looksByID  map[string]*avatarLook

	voices     []*voice
	voicesByID map[string]*voice

	templates     []*template
	templatesByID map[string]*template

	eventTypes []eventType
}

// tenant is the state of one API key.
type tenant struct {
	cat     *catalog
	id      string // short key digest, used to derive ids
	billing billingKind

	mu      sync.Mutex
	videos  []*video // newest first (highest seq first)
	byID    map[string]*video
	lastSeq int64
	made    int

	store *store // records of the other resources, made on first use
	// avatars and voices this tenant created, renamed or deleted
	av *avatarState
	vc *voiceState
}

func newTenant(cat *catalog, id string, b billingKind) *tenant {
	t := &tenant{cat: cat, id: id, billing: b, byID: make(map[string]*video, len(cat.videos))}
	// Video values are never modified after creation, so the seed pointers
	// can be shared; only the list itself is private to the tenant.
	t.videos = append([]*video(nil), cat.videos...)
	for _, v := range t.videos {
		t.byID[v.id] = v
		if v.seq > t.lastSeq {
			t.lastSeq = v.seq
		}
	}
	return t
}

// newVideoID derives the next id for a video created by this tenant.
func (t *tenant) newVideoID() string {
	t.made++
	sum := sha256.Sum256([]byte(fmt.Sprintf("video:%s:%d", t.id, t.made)))
	return hex.EncodeToString(sum[:16])
}

// add puts a freshly created video at the head of the list. Caller holds t.mu.
func (t *tenant) add(v *video) {
	t.lastSeq++
	v.seq = t.lastSeq
	t.videos = append([]*video{v}, t.videos...)
	t.byID[v.id] = v
}

// remove deletes a video. Caller holds t.mu.
func (t *tenant) remove(id string) bool {
	if _, ok := t.byID[id]; !ok {
		return false
	}
	delete(t.byID, id)
	for i, v := range t.videos {
		if v.id == id {
			t.videos = append(t.videos[:i:i], t.videos[i+1:]...)
			break
		}
	}
	return true
}

// video is the stored form of a video. Seed videos have a frozen status;
// created ones derive theirs from the clock.
type video struct {
	seq            int64
	id             string
	title          string
	folderID       string
	outputLanguage string
	createdAt      time.Time
	duration       float64
	format         string // "mp4" or "webm"
	subtitles      bool   // a sidecar SRT is produced
	burnedCaptions bool   // a captioned copy is produced
	gif            bool

	frozen      bool
	status      string    // frozen videos only
	completedAt time.Time // frozen videos only

	fails          bool // created videos: ends failed
	failureCode    string
	failureMessage string
}

// videoObject is the Video object of the API.
type videoObject struct {
	ID                string   `json:"id"`
	Status            string   `json:"status"`
	Title             *string  `json:"title"`
	CreatedAt         *int64   `json:"created_at"`
	CompletedAt       *int64   `json:"completed_at"`
	Duration          *float64 `json:"duration"`
	VideoURL          *string  `json:"video_url"`
	CaptionedVideoURL *string  `json:"captioned_video_url"`
	SubtitleURL       *string  `json:"subtitle_url"`
	ThumbnailURL      *string  `json:"thumbnail_url"`
	GifURL            *string  `json:"gif_url"`
	VideoPageURL      *string  `json:"video_page_url"`
	FolderID          *string  `json:"folder_id"`
	FailureCode       *string  `json:"failure_code"`
	FailureMessage    *string  `json:"failure_message"`
	OutputLanguage    *string  `json:"output_language"`
}

// state returns the status of v at now and, when it has finished, when.
func (v *video) state(now time.Time, o Options) (string, time.Time) {
	if v.frozen {
		return v.status, v.completedAt
	}
	age := now.Sub(v.createdAt)
	switch {
	case age < o.ProcessingAfter:
		return "pending", time.Time{}
	case age < o.CompleteAfter:
		return "processing", time.Time{}
	case v.fails:
		return "failed", v.createdAt.Add(o.CompleteAfter)
	}
	return "completed", v.createdAt.Add(o.CompleteAfter)
}

func (v *video) view(now time.Time, o Options) videoObject {
	status, done := v.state(now, o)
	out := videoObject{
		ID:             v.id,
		Status:         status,
		Title:          strOrNil(v.title),
		CreatedAt:      unixPtr(v.createdAt),
		FolderID:       strOrNil(v.folderID),
		OutputLanguage: strOrNil(v.outputLanguage),
	}
	switch status {
	case "completed":
		base := mediaHost + "/videos/" + v.id
		out.CompletedAt = unixPtr(done)
		d := math.Round(v.duration*100) / 100
		out.Duration = &d
		out.VideoURL = ptr(base + "/video." + v.format)
		out.ThumbnailURL = ptr(base + "/thumbnail.jpg")
		out.VideoPageURL = ptr(mediaHost + "/share/" + v.id)
		if v.gif {
			out.GifURL = ptr(base + "/preview.gif")
		}
		if v.subtitles {
			out.SubtitleURL = ptr(base + "/captions.srt")
		}
		if v.burnedCaptions {
			out.CaptionedVideoURL = ptr(base + "/video_captioned." + v.format)
		}
	case "failed":
		out.FailureCode = ptr(v.failureCode)
		out.FailureMessage = ptr(v.failureMessage)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func strOrNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func unixPtr(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	u := t.Unix()
	return &u
}

// avatarGroup is an avatar group of GET /v3/avatars.
type avatarGroup struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Gender          *string     `json:"gender"`
	LooksCount      int         `json:"looks_count"`
	CreatedAt       int64       `json:"created_at"`
	DefaultVoiceID  *string     `json:"default_voice_id"`
	PreviewImageURL *string     `json:"preview_image_url"`
	PreviewVideoURL *string     `json:"preview_video_url"`
	Status          *string     `json:"status"`
	ConsentStatus   *string     `json:"consent_status"`
	Error           *avatarFail `json:"error"`

	ownership string // "public" or "private"
	ord       int    // position in the catalog, the pagination key
}

type avatarFail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// avatarLook is a look of GET /v3/avatars/looks; its id is what POST
// /v3/videos takes as avatar_id.
type avatarLook struct {
	ID                   string      `json:"id"`
	Name                 string      `json:"name"`
	AvatarType           string      `json:"avatar_type"`
	GroupID              *string     `json:"group_id"`
	Gender               *string     `json:"gender"`
	DefaultVoiceID       *string     `json:"default_voice_id"`
	PreviewImageURL      *string     `json:"preview_image_url"`
	PreviewVideoURL      *string     `json:"preview_video_url"`
	ImageWidth           *int        `json:"image_width"`
	ImageHeight          *int        `json:"image_height"`
	PreferredOrientation *string     `json:"preferred_orientation"`
	SupportedAPIEngines  []string    `json:"supported_api_engines"`
	Tags                 []string    `json:"tags"`
	Status               *string     `json:"status"`
	Error                *avatarFail `json:"error"`

	ownership string
	matting   bool // can render with a transparent background
	ord       int
}

// ready reports whether the look can be used to render videos.
func (l *avatarLook) ready() bool { return l.Status == nil || *l.Status == "completed" }

func (l *avatarLook) supports(engine string) bool {
	for _, e := range l.SupportedAPIEngines {
		if e == engine {
			return true
		}
	}
	return false
}

// voice holds everything the two voice views need.
type voice struct {
	id             string
	name           string
	language       string
	gender         string
	kind           string // "public" or "private"
	previewURL     string
	supportPause   bool
	supportLocale  bool
	interactive    bool
	engines        []string
	status         string // private clones only
	failureMessage string
	createdAt      time.Time
	ord            int
}

type voiceListItem struct {
	VoiceID         string  `json:"voice_id"`
	Name            string  `json:"name"`
	Language        string  `json:"language"`
	Gender          string  `json:"gender"`
	Type            string  `json:"type"`
	PreviewAudioURL *string `json:"preview_audio_url"`
	SupportPause    bool    `json:"support_pause"`
	SupportLocale   bool    `json:"support_locale"`
}

type voiceDetail struct {
	VoiceID                  string  `json:"voice_id"`
	Name                     *string `json:"name"`
	Language                 *string `json:"language"`
	Gender                   *string `json:"gender"`
	PreviewAudioURL          *string `json:"preview_audio_url"`
	SupportPause             bool    `json:"support_pause"`
	SupportInteractiveAvatar bool    `json:"support_interactive_avatar"`
	Status                   *string `json:"status"`
	FailureMessage           *string `json:"failure_message"`
	CreatedAt                *int64  `json:"created_at"`
}

func (v *voice) listItem() voiceListItem {
	return voiceListItem{
		VoiceID:         v.id,
		Name:            v.name,
		Language:        v.language,
		Gender:          v.gender,
		Type:            v.kind,
		PreviewAudioURL: strOrNil(v.previewURL),
		SupportPause:    v.supportPause,
		SupportLocale:   v.supportLocale,
	}
}

func (v *voice) detail() voiceDetail {
	return voiceDetail{
		VoiceID:                  v.id,
		Name:                     strOrNil(v.name),
		Language:                 strOrNil(v.language),
		Gender:                   strOrNil(v.gender),
		PreviewAudioURL:          strOrNil(v.previewURL),
		SupportPause:             v.supportPause,
		SupportInteractiveAvatar: v.interactive,
		Status:                   strOrNil(v.status),
		FailureMessage:           strOrNil(v.failureMessage),
		CreatedAt:                unixPtr(v.createdAt),
	}
}

// usable reports whether videos can be rendered with the voice.
func (v *voice) usable() bool { return v.status == "" || v.status == "complete" }

func (v *voice) hasEngine(e string) bool {
	for _, x := range v.engines {
		if x == e {
			return true
		}
	}
	return false
}

// Template variable types.
const (
	varText      = "text"
	varImage     = "image"
	varVideo     = "video"
	varAudio     = "audio"
	varCharacter = "character"
	varVoice     = "voice"
)

type templateVar struct {
	name     string
	kind     string
	defaults map[string]any // the "properties" of the variable's default value
}

type templateScene struct {
	id     string
	script string // may be empty
	vars   []string
}

type template struct {
	id          string
	name        string
	aspectRatio string
	createdAt   time.Time
	updatedAt   time.Time
	vars        []templateVar // in declaration order
	scenes      []templateScene
	ord         int
}

func (t *template) variable(name string) (templateVar, bool) {
	for _, v := range t.vars {
		if v.name == name {
			return v, true
		}
	}
	return templateVar{}, false
}

func (t *template) scene(id string) (templateScene, bool) {
	for _, s := range t.scenes {
		if s.id == id {
			return s, true
		}
	}
	return templateScene{}, false
}

type eventType struct {
	EventType   string `json:"event_type"`
	Description string `json:"description"`
}
