package integration

import (
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/registry"
)

func sceneParam() *registry.Param {
	return &registry.Param{Type: registry.Object, Fields: []registry.Param{
		{Name: "character", Type: registry.Object, Required: true, Description: "Who speaks: avatar_id and voice_id", Fields: []registry.Param{
			{Name: "avatar_id", Type: registry.String, Description: "Avatar look id (list_avatars() shows them)"},
			{Name: "voice_id", Type: registry.String, Description: "Voice id (list_voices() shows them); with a script and no voice_id, HeyGen uses the avatar's default voice"},
			{Name: "type", Type: registry.String, Enum: []string{"avatar", "talking_photo"}, Description: "Kind of avatar; both are avatar looks in HeyGen's current API, so it changes nothing"},
			{Name: "talking_photo_id", Type: registry.String, Description: "A photo avatar look id; the same as avatar_id"},
		}},
		{Name: "script", Type: registry.String, MaxLen: 5000, Description: "The text the avatar speaks"},
		{Name: "audio_url", Type: registry.String, Description: "Public URL of an audio file to lip-sync, instead of script"},
		{Name: "audio_asset_id", Type: registry.String, Description: "HeyGen asset id of uploaded audio, instead of script"},
		{Name: "voice_settings", Type: registry.Object, Description: "Voice tuning", Fields: []registry.Param{
			{Name: "speed", Type: registry.Number, Min: registry.Ptr(0.5), Max: registry.Ptr(1.5), Description: "Speaking rate, 1.0 is normal"},
			{Name: "pitch", Type: registry.Number, Min: registry.Ptr(-50), Max: registry.Ptr(50), Description: "Pitch shift, 0 is normal"},
			{Name: "volume", Type: registry.Number, Min: registry.Ptr(0), Max: registry.Ptr(1), Description: "Volume, 1.0 is normal"},
			{Name: "locale", Type: registry.String, Description: "Accent or locale for multilingual voices, e.g. \"en-US\""},
			{Name: "stability", Type: registry.Number, Min: registry.Ptr(0), Max: registry.Ptr(1), Description: "Voice stability (ElevenLabs and Fish voices; eleven_v3 takes 0, 0.5 or 1)"},
			{Name: "similarity_boost", Type: registry.Number, Min: registry.Ptr(0), Max: registry.Ptr(1), Description: "ElevenLabs similarity boost"},
			{Name: "style", Type: registry.Number, Min: registry.Ptr(0), Max: registry.Ptr(1), Description: "ElevenLabs style exaggeration"},
			{Name: "use_speaker_boost", Type: registry.Boolean, Description: "ElevenLabs speaker boost"},
			{Name: "similarity", Type: registry.Number, Min: registry.Ptr(0), Max: registry.Ptr(1), Description: "Fish: how closely to match the source voice"},
			{Name: "model", Type: registry.String, Enum: allModels(), Description: "Engine model: an ElevenLabs model, or s1 / s2-pro for Fish voices"},
			{Name: "engine", Type: registry.String, Enum: voiceEngines, Description: "The voice's engine; when left out, kosmo looks the voice up to find it"},
		}},
		{Name: "background", Type: registry.Object, Description: "Scene background", Exclusive: [][]string{{"url", "asset_id"}}, Fields: []registry.Param{
			{Name: "type", Type: registry.String, Required: true, Enum: []string{"color", "image"}, Description: "Background kind"},
			{Name: "value", Type: registry.String, Description: "Hex colour for a color background, e.g. \"#FFFFFF\""},
			{Name: "url", Type: registry.String, Description: "Image URL for an image background"},
			{Name: "asset_id", Type: registry.String, Description: "HeyGen asset id for an image background"},
		}},
		{Name: "expressiveness", Type: registry.String, Enum: []string{"high", "medium", "low"}, Description: "How animated a photo avatar is"},
		avatarVideoField("engine", "Rendering engine, e.g. `{type = \"avatar_v\"}` (the avatar look's supported_api_engines lists what it takes)"),
		avatarVideoField("motion_prompt", "Body motion and gestures, in words (photo avatars, or video avatars on avatar_v)"),
	}}
}

// avatarVideoField declares a field of HeyGen's avatar video request
// (POST /v3/videos, type "avatar") the seed does not name, with the shape
// the spec gives it.
func avatarVideoField(name, description string) registry.Param {
	for _, p := range coveredBodyParams()["POST /v3/videos type=avatar"] {
		if p.Name == name {
			p.Description = description
			return p
		}
	}
	panic("heygen: POST /v3/videos has no field " + name)
}

func createVideoFunction() *registry.Function {
	return &registry.Function{
		Name: "create_video", FullName: "heygen.heygen_create_video", Op: registry.Write,
		Summary: "Generate a new AI video with avatars and voices. Returns a `video_id` to track generation progress.",
		Description: "Generate a new AI video on HeyGen from one or more scenes (avatar, voice, script, background), " +
			"with optional dimensions. Returns a video_id to track generation progress with get_video or wait_for_video.",
		Params: []registry.Param{
			{Name: "video_inputs", Type: registry.Array, Required: true, MinLen: 1, MaxLen: 50, Items: sceneParam(),
				Description: "Array of video input objects defining scenes"},
			{Name: "dimension", Type: registry.Object, Description: "Video dimensions, e.g. `{width = 1920, height = 1080}`; 1920x1080 when omitted",
				Fields: []registry.Param{
					{Name: "width", Type: registry.Integer, Required: true, Min: registry.Ptr(128), Max: registry.Ptr(4096), Description: "Width in pixels"},
					{Name: "height", Type: registry.Integer, Required: true, Min: registry.Ptr(128), Max: registry.Ptr(4096), Description: "Height in pixels"},
				}},
			{Name: "test", Type: registry.Boolean, Default: false, Description: "Generate a test/preview video; only with --sandbox (see below)"},
			{Name: "title", Type: registry.String, Description: "Title of the video in HeyGen"},
			{Name: "caption", Type: registry.Boolean, Default: false, Description: "Also produce captions (an SRT file)"},
			{Name: "callback_url", Type: registry.String, Description: "URL HeyGen calls when the video is done"},
			{Name: "callback_id", Type: registry.String, Description: "Your id, echoed back in webhook events"},
			avatarVideoField("watermark", "Your own watermark image over the video (an Enterprise option at HeyGen)"),
			avatarVideoField("output_format", "Container: mp4, or webm with a transparent background (one-scene videos)"),
			avatarVideoField("fit", "How the avatar fills the frame (one-scene videos)"),
			avatarVideoField("remove_background", "Remove the avatar's background (one-scene videos)"),
		},
		Returns: "`result.data.video_id` and `result.data.status` (plus every field HeyGen returns). " +
			"Follow progress with `get_video` or `wait_for_video`.",
		Sections: []registry.Section{
			{Title: "Video Input Structure", Body: "Each video input defines a scene:\n\n```lua\n{\ncharacter = {\navatar_id = \"avatar-id-here\",\n" +
				"voice_id = \"voice-id-here\"\n},\nscript = \"Your script text here\",\nvoice_settings = {\nspeed = 1.0,\nstability = 0.5\n}\n}\n```"},
			{Title: "How it maps to HeyGen", Body: strings.Join([]string{
				"- One scene becomes `POST /v3/videos` with `type = \"avatar\"`: `character.avatar_id` → `avatar_id`, " +
					"`character.voice_id` → `voice_id`, `script`, `voice_settings`, `background`.",
				"- Several scenes become one `type = \"studio\"` video with an `avatar_video` scene each, in order. " +
					"Studio scenes take colour backgrounds only; an image background there is refused.",
				"- `dimension` becomes `resolution` + `aspect_ratio`: the short side picks 720p, 1080p or 4k, the ratio one of " +
					"16:9, 9:16, 1:1, 4:5, 5:4 (1920x1080 → 1080p 16:9, 1080x1920 → 1080p 9:16, 1280x720 → 720p 16:9, " +
					"3840x2160 → 4k 16:9, 1080x1080 → 1080p 1:1). Any other size is refused with the list of supported sizes.",
				"- `voice_settings.speed`, `pitch`, `volume` and `locale` are HeyGen's own. The engine tuning fields go to " +
					"`voice_settings.engine_settings` for the engine the voice uses: ElevenLabs takes `model`, `stability`, " +
					"`similarity_boost`, `style`, `use_speaker_boost`; Fish takes `model` (`s1`, `s2-pro`), `stability`, `similarity`; " +
					"Starfish takes none. Name the engine with `voice_settings.engine`, or leave it out and kosmo finds it by " +
					"listing the voices of each engine that takes the given fields (`GET /v3/voices?engine=...`, once per run). " +
					"A field the engine does not take is refused, never sent to the wrong engine.",
				"- `background` `{type = \"color\", value = \"#RRGGBB\"}` or `{type = \"image\", url = ...}` / `asset_id` " +
					"(one of the two, not both).",
				"- `character.type` and `character.talking_photo_id` come from HeyGen's older API: photo avatars are " +
					"avatar looks now, so both name the same `avatar_id`.",
				"- `test`: HeyGen's current API has no test mode, so a real call would spend credits. `test = true` is " +
					"accepted only with `--sandbox`; against the real API it fails with invalid_argument. To rehearse a workflow " +
					"against your real account without creating anything, run it with `--dry-run`.",
				"- `engine` and `motion_prompt` (per scene), `watermark`, and for one-scene videos `output_format`, `fit` and " +
					"`remove_background` are HeyGen's own fields, passed as given. `expressiveness` cannot be combined with the " +
					"`avatar_v` engine.",
				"- Unknown fields are refused with a suggestion, never dropped.",
			}, "\n")},
		},
		Examples: []registry.Example{
			{Title: "Create a simple avatar video", Code: `local result = app.integrations.heygen.create_video({
video_inputs = {
{
character = {
avatar_id = "avatar-abc123",
voice_id = "voice-xyz789"
},
script = "Welcome to our product demo!"
}
},
test = true
})
print("Video ID: " .. result.data.video_id)`},
			{Title: "Create a video with custom dimensions", Code: `local result = app.integrations.heygen.create_video({
video_inputs = {
{
character = {
avatar_id = "avatar-abc123",
voice_id = "voice-xyz789"
},
script = "This is a landscape video."
}
},
dimension = { width = 1920, height = 1080 },
test = false
})`},
		},
		Handler: createVideo,
	}
}
