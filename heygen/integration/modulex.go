package integration

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// The ModuleX actions keep ModuleX's flat result model: {success = true,
// ...} or, when HeyGen fails, {success = false, error = "..."}. The host
// turns service failures into that shape for Flat functions.

func moduleXFunctions() []*registry.Function {
	return []*registry.Function{
		{
			Name: "create_talking_photo", FullName: "heygen.heygen_create_talking_photo", Op: registry.Write, Flat: true,
			Summary:     "Create a talking photo video from a photo avatar, text and a voice.",
			Description: "Creates a talking photo video: a photo avatar speaks the given text with the given voice. Returns the new video's id and status.",
			Params: []registry.Param{
				{Name: "talking_photo_id", Type: registry.String, Required: true, MinLen: 1, Description: "Identifier of the talking photo (a photo avatar look id)"},
				{Name: "text", Type: registry.String, Required: true, MinLen: 1, MaxLen: 5000, Description: "The text the character will speak"},
				{Name: "voice_id", Type: registry.String, Required: true, MinLen: 1, Description: "Identifier of the voice to use"},
				{Name: "test", Type: registry.Boolean, Default: false, Description: "Test mode; only with --sandbox (HeyGen's current API has no test mode)"},
				{Name: "caption", Type: registry.Boolean, Default: false, Description: "Create the video with captions"},
				{Name: "scale", Type: registry.Number, Default: 1.0, Min: registry.Ptr(0), Max: registry.Ptr(2), Description: "Talking photo scale"},
				{Name: "talking_photo_style", Type: registry.String, Enum: []string{"square", "circle"}, Description: "Talking photo crop style"},
				{Name: "talking_style", Type: registry.String, Enum: []string{"stable", "expressive"}, Description: "Talking style"},
				{Name: "expression", Type: registry.String, Default: "default", Enum: []string{"default", "happy"}, Description: "Expression style"},
				{Name: "super_resolution", Type: registry.Boolean, Default: false, Description: "Whether to enhance the photo image"},
				{Name: "enhance", Type: registry.Boolean, Default: false, Description: "Same as super_resolution"},
				{Name: "matting", Type: registry.Boolean, Default: false, Description: "Whether to apply matting (remove the photo's background)"},
			},
			Returns: "`{success = true, error = nil, video_id = \"...\", status = \"...\"}`, plus every other field HeyGen returns about the new video.",
			Sections: []registry.Section{{Title: "How it maps to HeyGen", Body: strings.Join([]string{
				"A talking photo is a photo-avatar look in HeyGen's current API: `POST /v3/videos` with `type = \"avatar\"`, " +
					"`avatar_id = talking_photo_id`, `script = text`, `voice_id`.",
				"- `talking_style`: `expressive` → `expressiveness = \"high\"`, `stable` → `expressiveness = \"low\"`.",
				"- `expression = \"happy\"` → `motion_prompt` asking for a warm, smiling delivery.",
				"- `matting = true` → `remove_background = true`; `caption = true` → `caption = {file_format = \"srt\"}`.",
				"- `scale` other than 1.0, `talking_photo_style = \"circle\"` and `super_resolution`/`enhance = true` have no " +
					"equivalent in the current API and are refused with invalid_argument rather than ignored.",
				"- `test = true` follows create_video's rule: accepted with `--sandbox` only.",
			}, "\n")}},
			Examples: []registry.Example{{Title: "Make a photo avatar talk", Code: `local r = app.integrations.heygen.create_talking_photo({
talking_photo_id = "photo-abc123",
text = "Hello from a talking photo!",
voice_id = "voice-xyz789",
talking_style = "expressive",
test = true
})
if r.success then
print("Video ID: " .. r.video_id .. " (" .. r.status .. ")")
else
print("Failed: " .. r.error)
end`}},
			Handler: createTalkingPhoto,
		},
		{
			Name: "create_video_from_template", FullName: "heygen.heygen_create_video_from_template", Op: registry.Write, Flat: true,
			Summary:     "Generate a video from a template, with optional variable overrides.",
			Description: "Generates a video from one of your HeyGen templates, replacing the template's variables you give. Returns the new video's id and status.",
			Params: append([]registry.Param{
				{Name: "template_id", Type: registry.String, Required: true, MinLen: 1, Description: "Identifier of the template to use"},
				{Name: "test", Type: registry.Boolean, Default: false, Description: "Test mode; only with --sandbox (HeyGen's current API has no test mode)"},
				{Name: "caption", Type: registry.Boolean, Default: false, Description: "Create the video with captions"},
				{Name: "variables", Type: registry.Object, Open: true, Description: "Variable overrides: variable name -> {properties = {...}} (or a plain string for a text variable)"},
				{Name: "title", Type: registry.String, Description: "Title of the new video"},
			}, templateExtraParams()...),
			Returns: "`{success = true, error = nil, video_id = \"...\", status = \"...\"}`, plus every other field HeyGen returns about the new video.",
			Sections: []registry.Section{{Title: "Variables", Body: strings.Join([]string{
				"kosmo first reads the template (`GET /v3/templates/{template_id}`) and checks every variable you pass: a name the " +
					"template does not declare, a `type` that differs from the declared one, or missing `properties` raise " +
					"invalid_argument naming the variable and listing the declared ones. kosmo sends every variable the template " +
					"declares: its current value from the template, with your values laid over it (a property you give replaces " +
					"the same property; the others stay as the template set them), so nothing the template set is lost.",
				"Each value is `{properties = {...}}` in HeyGen's shape (`name` and `type` are filled in from the template): " +
					"text `{content = \"...\"}`, image/video/audio `{url = \"...\"}` or `{asset_id = \"...\"}`, character " +
					"`{character_id = \"...\"}`, voice `{voice_id = \"...\"}`. A plain string is short for a text variable's content.",
				"Then `POST /v3/templates/{template_id}` generates the video. The other fields of that request (`dimension`, `fps`, " +
					"`scene_ids`, `subtitles`, `callback_url`, ...) are passed as given; their shapes come from HeyGen's spec.",
			}, "\n\n")}},
			Examples: []registry.Example{{Title: "Fill in a template", Code: `local r = app.integrations.heygen.create_video_from_template({
template_id = "template-abc123",
variables = {
headline = {properties = {content = "Our new product"}}
},
test = true
})
print(r.success, r.video_id, r.status)`}},
			Handler: createVideoFromTemplate,
		},
		{
			Name: "list_custom_events_options", FullName: "heygen.heygen_list_custom_events_options", Op: registry.Read, Flat: true,
			Summary:     "List the webhook event types HeyGen can send.",
			Description: "Retrieves the event types available for webhook endpoints (GET /v3/webhooks/event-types).",
			Returns:     "`{success = true, error = nil, events = {\"avatar_video.success\", ...}}`",
			Examples: []registry.Example{{Code: `local r = app.integrations.heygen.list_custom_events_options({})
for _, event in ipairs(r.events) do
print(event)
end`}},
			Handler: listCustomEventsOptions,
		},
		{
			Name: "list_voice_id_options", Columns: []string{"voice_id", "name"}, FullName: "heygen.heygen_list_voice_id_options", Op: registry.Read, Flat: true,
			Summary:     "List voice ids and names usable for video generation.",
			Description: "Retrieves every available voice as {voice_id, name} pairs (all pages of GET /v3/voices).",
			Params:      voiceFilterParams(),
			Returns:     "`{success = true, error = nil, voices = {{voice_id = \"...\", name = \"...\"}, ...}}`",
			Examples: []registry.Example{{Code: `local r = app.integrations.heygen.list_voice_id_options({})
for _, voice in ipairs(r.voices) do
print(voice.voice_id .. ": " .. voice.name)
end`}},
			Handler: listVoiceIDOptions,
		},
		{
			Name: "retrieve_video_link", FullName: "heygen.heygen_retrieve_video_link", Op: registry.Read, Flat: true,
			Summary:     "Fetch the status and download link of a video.",
			Description: "Fetches the status, download URL, thumbnail, duration and caption file of one HeyGen video.",
			Params: []registry.Param{
				{Name: "video_id", Type: registry.String, Required: true, MinLen: 1, Description: "Identifier of the HeyGen video to retrieve"},
			},
			Returns: "`{success, error, video_id, status, video_url, thumbnail_url, duration, caption_url}`; the URLs and duration " +
				"are nil until the video is completed. `caption_url` is HeyGen's `subtitle_url` (an SRT file). Every other field " +
				"HeyGen returns for the video is there too: `failure_code` and `failure_message` when `status` is `failed`, " +
				"`title`, `created_at`, `gif_url`, `captioned_video_url`, ...",
			Examples: []registry.Example{{Code: `local r = app.integrations.heygen.retrieve_video_link({video_id = "abc123"})
if r.success and r.video_url then
print("Download: " .. r.video_url)
end`}},
			Handler: retrieveVideoLink,
		},
	}
}

func createTalkingPhoto(ctx context.Context, c *registry.Call) (any, error) {
	const f = "heygen.create_talking_photo"
	s := sessionOf(c)
	a := c.Args
	if err := checkTestMode(f, a, s.sandbox); err != nil {
		return nil, err
	}
	if scale, ok := floatArg(a, "scale"); ok && scale != 1.0 {
		return nil, invalid(f, "scale = %v has no equivalent in HeyGen's current API (photo avatars are framed by HeyGen); leave it at 1.0", scale).WithDetail("param", "scale")
	}
	if str(a, "talking_photo_style") == "circle" {
		return nil, invalid(f, "talking_photo_style = \"circle\" has no equivalent in HeyGen's current API; leave it out or use \"square\"").WithDetail("param", "talking_photo_style")
	}
	for _, k := range []string{"super_resolution", "enhance"} {
		if boolArg(a, k) {
			return nil, invalid(f, "%s = true has no equivalent in HeyGen's current API; leave it out", k).WithDetail("param", k)
		}
	}
	body := map[string]any{
		"type": "avatar", "avatar_id": str(a, "talking_photo_id"), "script": str(a, "text"), "voice_id": str(a, "voice_id"),
	}
	switch str(a, "talking_style") {
	case "expressive":
		body["expressiveness"] = "high"
	case "stable":
		body["expressiveness"] = "low"
	}
	if str(a, "expression") == "happy" {
		body["motion_prompt"] = "Speak with a warm, happy expression and a natural smile."
	}
	if boolArg(a, "matting") {
		body["remove_background"] = true
	}
	if boolArg(a, "caption") {
		body["caption"] = map[string]any{"file_format": "srt"}
	}
	created, err := s.client.Videos.CreateRaw(ctx, body)
	if err != nil {
		return nil, mapError(f, err)
	}
	registry.ReportCreated(ctx, "video_id", created.VideoID)
	return flatResult(created.Raw, map[string]any{"video_id": created.VideoID, "status": created.Status}), nil
}

func createVideoFromTemplate(ctx context.Context, c *registry.Call) (any, error) {
	const f = "heygen.create_video_from_template"
	s := sessionOf(c)
	a := c.Args
	if err := checkTestMode(f, a, s.sandbox); err != nil {
		return nil, err
	}
	id := str(a, "template_id")
	tpl, err := s.client.Templates.Get(ctx, id)
	if err != nil {
		return nil, mapError(f, err)
	}
	given, _ := a["variables"].(map[string]any)
	vars, verr := templateVariables(f, tpl, given)
	if verr != nil {
		return nil, verr
	}
	body := map[string]any{"variables": vars}
	if boolArg(a, "caption") {
		body["caption"] = true
	}
	copyOptional(body, a, "title")
	for _, p := range templateExtraParams() {
		if v, ok := a[p.Name]; ok && v != nil {
			body[p.Name] = v
		}
	}
	v, err := s.client.Templates.GenerateRaw(ctx, id, body)
	if err != nil {
		return nil, mapError(f, err)
	}
	registry.ReportCreated(ctx, "video_id", v.ID)
	return flatResult(v.Raw, map[string]any{"video_id": v.ID, "status": v.Status}), nil
}

// templateExtraParams are the fields of POST /v3/templates/{template_id}
// that create_video_from_template's seed parameters do not name; they
// come from the spec and pass through unchanged.
func templateExtraParams() []registry.Param {
	seed := []string{"template_id", "test", "caption", "variables", "title"}
	var out []registry.Param
	for _, p := range coveredBodyParams()["POST /v3/templates/{template_id}"] {
		if !slices.Contains(seed, p.Name) {
			out = append(out, p)
		}
	}
	return out
}

// templateVariables starts from the template's current value of every
// variable (GET returns them in the shape the generate request takes) and
// overlays the caller's values: a caller's properties replace the same
// properties of the template's value and keep the others, so nothing the
// template set is lost. Names the template does not declare, and types
// that differ from the declared one, are refused.
func templateVariables(f string, tpl *heygen.TemplateDetail, given map[string]any) (map[string]any, error) {
	declared := make([]string, 0, len(tpl.Variables))
	for name := range tpl.Variables {
		declared = append(declared, name)
	}
	sort.Strings(declared)
	out := make(map[string]any, len(tpl.Variables))
	for _, name := range declared {
		if current, ok := tpl.Variables[name].(map[string]any); ok {
			out[name] = cloneJSON(current)
		}
	}
	names := make([]string, 0, len(given))
	for name := range given {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		param := "variables." + name
		decl, ok := tpl.Variables[name]
		if !ok {
			e := invalid(f, "template %s has no variable '%s' (it declares: %s)", tpl.ID, name, listOrNone(declared)).WithDetail("param", param)
			if s := registry.Suggest(name, declared); len(s) > 0 {
				e.Message += ". Did you mean: " + strings.Join(s, ", ")
			}
			return nil, e
		}
		declType := ""
		if d, ok := decl.(map[string]any); ok {
			declType, _ = d["type"].(string)
		}
		var caller map[string]any
		switch v := given[name].(type) {
		case string:
			if declType != "text" {
				return nil, invalid(f, "variable '%s' is a %s variable: give {properties = {...}}, not a string", name, declType).WithDetail("param", param)
			}
			caller = map[string]any{"properties": map[string]any{"content": v}}
		case map[string]any:
			caller = v
		default:
			return nil, invalid(f, "variable '%s' must be a table {properties = {...}} or, for text, a string", name).WithDetail("param", param)
		}
		if t, ok := caller["type"].(string); ok && declType != "" && t != declType {
			return nil, invalid(f, "variable '%s' is declared as %s, got type = %q", name, declType, t).WithDetail("param", param)
		}
		props, ok := caller["properties"].(map[string]any)
		if !ok {
			return nil, invalid(f, "variable '%s' is missing its properties table, e.g. {properties = {content = \"...\"}} for text", name).WithDetail("param", param+".properties")
		}
		entry, _ := out[name].(map[string]any)
		if entry == nil {
			entry = map[string]any{}
		}
		for k, x := range caller {
			if k != "properties" {
				entry[k] = x
			}
		}
		merged, _ := entry["properties"].(map[string]any)
		if merged == nil {
			merged = map[string]any{}
		}
		for k, x := range props {
			merged[k] = x
		}
		entry["properties"] = merged
		entry["name"] = name
		if declType != "" {
			entry["type"] = declType
		}
		out[name] = entry
	}
	return out, nil
}

// cloneJSON deep-copies decoded JSON so that overlays never change the
// template value they start from.
func cloneJSON(v any) map[string]any {
	b, _ := json.Marshal(v)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// flatResult builds a ModuleX-style result: success and error, the
// seed's named fields, and every other field HeyGen sent about the video
// (failure_code and failure_message for a failed one, title, created_at,
// ...), so nothing the seed does not name is out of reach.
func flatResult(raw map[string]any, named map[string]any) map[string]any {
	out := make(map[string]any, len(raw)+len(named)+2)
	for k, v := range raw {
		if k != "success" && k != "error" {
			out[k] = v
		}
	}
	for k, v := range named {
		out[k] = v
	}
	out["success"] = true
	out["error"] = nil
	return out
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func listCustomEventsOptions(ctx context.Context, c *registry.Call) (any, error) {
	types, err := sessionOf(c).client.Webhooks.EventTypes(ctx)
	if err != nil {
		return nil, mapError("heygen.list_custom_events_options", err)
	}
	events := make([]any, len(types))
	for i, t := range types {
		events[i] = t.EventType
	}
	return map[string]any{"success": true, "error": nil, "events": events}, nil
}

func listVoiceIDOptions(ctx context.Context, c *registry.Call) (any, error) {
	voices, _, err := fetchVoices(ctx, sessionOf(c), c.Args)
	if err != nil {
		return nil, mapError("heygen.list_voice_id_options", err)
	}
	out := make([]any, len(voices))
	for i, v := range voices {
		out[i] = map[string]any{"voice_id": v.VoiceID, "name": v.Name}
	}
	return map[string]any{"success": true, "error": nil, "voices": out}, nil
}

func retrieveVideoLink(ctx context.Context, c *registry.Call) (any, error) {
	v, err := sessionOf(c).client.Videos.Get(ctx, str(c.Args, "video_id"))
	if err != nil {
		return nil, mapError("heygen.retrieve_video_link", err)
	}
	out := flatResult(v.Raw, map[string]any{"video_id": v.ID, "status": v.Status})
	for k, val := range map[string]string{"video_url": v.VideoURL, "thumbnail_url": v.ThumbnailURL, "caption_url": v.SubtitleURL} {
		if val != "" {
			out[k] = val
		}
	}
	if v.Duration != nil {
		out["duration"] = *v.Duration
	}
	return out, nil
}
