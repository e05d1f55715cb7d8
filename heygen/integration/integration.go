// Package integration exposes HeyGen at app.integrations.heygen.*: the
// seven KosmoKrator functions, the five ModuleX actions and the video
// lifecycle helpers, declared once in the registry and implemented on top
// of the heygen client.
package integration

import (
	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// New returns the HeyGen integration declaration.
func New() *registry.Integration {
	ig := &registry.Integration{
		Name:    "heygen",
		Title:   "HeyGen",
		Summary: "AI avatar video generation: list, create and track videos, and browse avatars, voices and templates.",
		Credential: registry.Credential{
			Label:        "API key",
			EnvVar:       "HEYGEN_API_KEY",
			BaseURLEnv:   "HEYGEN_API_BASE",
			AllowHTTPEnv: "HEYGEN_ALLOW_HTTP",

			DefaultBaseURL: heygen.DefaultBaseURL,
		},
		Connect:      connect,
		Simulator:    simulator,
		HealthCheck:  "get_current_user",
		ErrorDetails: []string{"heygen_code"},
	}
	ig.Functions = append(ig.Functions, kosmoKratorFunctions()...)
	ig.Functions = append(ig.Functions, moduleXFunctions()...)
	ig.Functions = append(ig.Functions, lifecycleFunctions()...)
	ig.Functions = append(ig.Functions, fileFunctions()...)
	for _, f := range ig.Functions {
		if hw, ok := handWritten[f.Name]; ok {
			f.Area, f.Request = hw.area, hw.request
		}
	}
	for _, f := range generatedFunctions() {
		f.Generated = true
		ig.Functions = append(ig.Functions, f)
	}
	return ig
}

// handWritten gives the hand-written functions their area and the
// requests they send; generated functions carry both in their declaration.
var handWritten = map[string]struct{ area, request string }{
	"list_videos":                {"videos", "GET /v3/videos"},
	"get_video":                  {"videos", "GET /v3/videos/{video_id}"},
	"create_video":               {"videos", "POST /v3/videos"},
	"list_avatars":               {"avatars", "GET /v3/avatars/looks"},
	"list_voices":                {"voices", "GET /v3/voices"},
	"get_current_user":           {"users", "GET /v3/users/me"},
	"list_templates":             {"templates", "GET /v3/templates"},
	"create_talking_photo":       {"videos", "POST /v3/videos"},
	"create_video_from_template": {"templates", "GET /v3/templates/{template_id}, then POST /v3/templates/{template_id}"},
	"list_custom_events_options": {"webhooks", "GET /v3/webhooks/event-types"},
	"list_voice_id_options":      {"voices", "GET /v3/voices"},
	"retrieve_video_link":        {"videos", "GET /v3/videos/{video_id}"},
	"wait_for_video":             {"videos", "GET /v3/videos/{video_id}, repeated until the video is done"},
	"delete_video":               {"videos", "DELETE /v3/videos/{video_id}"},
	"list_all_videos":            {"videos", "GET /v3/videos, every page"},
	"upload_asset":               {"assets", "POST /v3/assets, or POST /v3/assets/direct-uploads, a PUT of the bytes and POST /v3/assets/{asset_id}/complete"},
	"upload_assets":              {"assets", "upload_asset's requests, once per file"},
	"download":                   {"videos", "GET /v3/videos/{video_id} (or the translation or lipsync), then a GET of the file"},
}

func kosmoKratorFunctions() []*registry.Function {
	return []*registry.Function{
		{
			Name: "list_videos", Columns: []string{"video_id", "status", "title", "created_at", "duration"}, FullName: "heygen.heygen_list_videos", Op: registry.Read,
			Summary:     "List generated videos with pagination.",
			Description: "List generated videos from HeyGen, newest first: ids, statuses and metadata. Use limit and offset for pagination.",
			Params: append(pagingParams("videos"),
				registry.Param{Name: "folder_id", Type: registry.String, Description: "Only videos in this folder"},
				registry.Param{Name: "title", Type: registry.String, Description: "Only videos whose title contains this text"},
			),
			Returns: "`result.data.videos`: an array of videos, each with every field HeyGen returns (`id`, `status`, `title`, " +
				"`created_at`, `video_url`, `thumbnail_url`, `duration`, ...) plus `video_id` (the same as `id`). " +
				"`result.data.has_more` tells whether videos exist past this window.",
			Sections: []registry.Section{{Title: "How it maps to HeyGen", Body: "HeyGen's `GET /v3/videos` pages with opaque tokens, not offsets. " +
				"kosmo reads pages of 100 and remembers each page's token for the rest of the run, so walking a listing with " +
				"offset 0, 100, 200, ... costs one request per page."}},
			Examples: []registry.Example{{Title: "List recent videos", Code: `local result = app.integrations.heygen.list_videos({
limit = 10,
offset = 0
})
for _, video in ipairs(result.data.videos) do
print(video.video_id .. ": " .. video.status)
end`}},
			Handler: listVideos,
		},
		{
			Name: "get_video", FullName: "heygen.heygen_get_video", Op: registry.Read,
			Summary: "Get the status and details of a specific video.",
			Description: "Get the status and details of one HeyGen video: its status (pending, processing, completed, failed), " +
				"the download URL once it is ready, and its metadata.",
			Params: []registry.Param{
				{Name: "video_id", Type: registry.String, Required: true, MinLen: 1, Description: "The unique identifier of the video"},
			},
			Returns: "`result.data`: every field HeyGen returns for the video plus `video_id`. `video_url`, `thumbnail_url` and " +
				"`duration` are present once `status` is `completed`; `failure_code` and `failure_message` when it is `failed`.",
			Sections: []registry.Section{{Title: "How it maps to HeyGen", Body: "`GET /v3/videos/{video_id}`. Download URLs are presigned and expire: " +
				"call get_video again for a fresh one."}},
			Examples: []registry.Example{{Code: `local result = app.integrations.heygen.get_video({
video_id = "abc123"
})
print("Status: " .. result.data.status)
if result.data.video_url then
print("Download: " .. result.data.video_url)
end`}},
			Handler: getVideo,
		},
		createVideoFunction(),
		{
			Name: "list_avatars", Columns: []string{"avatar_id", "name", "gender", "avatar_type"}, FullName: "heygen.heygen_list_avatars", Op: registry.Read,
			Summary: "List all available talking avatars.",
			Description: "List every avatar look usable in videos (public and your own, including photo avatars): ids, names, " +
				"preview images and supported engines. Use avatar_id when creating videos.",
			Params: []registry.Param{
				{Name: "avatar_type", Type: registry.String, Enum: []string{"studio_avatar", "digital_twin", "photo_avatar"}, Description: "Only looks of this kind"},
				{Name: "ownership", Type: registry.String, Enum: []string{"public", "private"}, Description: "Only public looks, or only your own"},
				{Name: "group_id", Type: registry.String, Description: "Only looks of this avatar group"},
				{Name: "max", Type: registry.Integer, Min: registry.Ptr(1), Description: "Stop after this many avatars (default: all)"},
			},
			Returns: "`result.data.avatars`: an array of looks, each with every field HeyGen returns plus `avatar_id` (the look id) " +
				"and `avatar_name` (the look name).",
			Sections: []registry.Section{{Title: "How it maps to HeyGen", Body: "In HeyGen's current API the ids a video takes are avatar *looks*: " +
				"kosmo walks every page of `GET /v3/avatars/looks` (50 per request)."}},
			Examples: []registry.Example{{Code: `local result = app.integrations.heygen.list_avatars({})
for _, avatar in ipairs(result.data.avatars) do
print(avatar.avatar_id .. ": " .. avatar.avatar_name)
end`}},
			Handler: listAvatars,
		},
		{
			Name: "list_voices", Columns: []string{"voice_id", "name", "language", "gender"}, FullName: "heygen.heygen_list_voices", Op: registry.Read,
			Summary:     "List all available voices for video generation.",
			Description: "List every voice usable in videos: ids, names, languages, gender and preview audio. Use voice_id when creating videos.",
			Params:      voiceFilterParams(),
			Returns:     "`result.data.voices`: an array of voices, each with every field HeyGen returns plus `display_name` (the voice name).",
			Sections: []registry.Section{{Title: "How it maps to HeyGen", Body: "kosmo walks every page of `GET /v3/voices` (100 per request); " +
				"HeyGen lists public voices unless `type = \"private\"`."}},
			Examples: []registry.Example{{Code: `local result = app.integrations.heygen.list_voices({})
for _, voice in ipairs(result.data.voices) do
print(voice.voice_id .. ": " .. voice.display_name .. " (" .. voice.language .. ")")
end`}},
			Handler: listVoices,
		},
		{
			Name: "get_current_user", FullName: "heygen.heygen_get_current_user", Op: registry.Read,
			Summary:     "Get the authenticated user's account information.",
			Description: "Get the account behind the API key: name, email, billing type, plan and remaining credits.",
			Returns: "`result.data`: every field HeyGen returns plus `plan` (the subscription plan, or the billing type — " +
				"`wallet`, `usage_based` — when the account has no plan), `remaining_quota` (the remaining figure of the " +
				"billing block HeyGen filled in: wallet balance, subscription credits, or usage-based credits) and " +
				"`quota_source` (which of those it is). When HeyGen gave no figure, `remaining_quota` is nil (never 0), " +
				"`quota_source` is `none` and `remaining_quota_unknown` says why.",
			Sections: []registry.Section{{Title: "How it maps to HeyGen", Body: "`GET /v3/users/me`. Exactly one of `wallet`, `subscription` and " +
				"`usage_based` is filled in, according to `billing_type`."}},
			Examples: []registry.Example{{Code: `local result = app.integrations.heygen.get_current_user({})
print("Plan: " .. result.data.plan)
print("Remaining credits: " .. result.data.remaining_quota)`}},
			Handler: getCurrentUser,
		},
		{
			Name: "list_templates", Columns: []string{"template_id", "name", "aspect_ratio", "created_at"}, FullName: "heygen.heygen_list_templates", Op: registry.Read,
			Summary:     "List available video templates with pagination.",
			Description: "List your HeyGen video templates: ids, names, thumbnails and metadata. Use limit and offset for pagination.",
			Params:      pagingParams("templates"),
			Returns: "`result.data.templates`: an array of templates, each with every field HeyGen returns plus `template_id` " +
				"(the same as `id`); `result.data.has_more` tells whether more exist past this window.",
			Sections: []registry.Section{{Title: "How it maps to HeyGen", Body: "`GET /v3/templates`, read in pages of 100 with tokens remembered for the run, " +
				"as for list_videos."}},
			Examples: []registry.Example{{Code: `local result = app.integrations.heygen.list_templates({
limit = 20,
offset = 0
})
for _, template in ipairs(result.data.templates) do
print(template.template_id .. ": " .. template.name)
end`}},
			Handler: listTemplates,
		},
	}
}

func voiceFilterParams() []registry.Param {
	return []registry.Param{
		{Name: "language", Type: registry.String, Description: "Only voices in this language, e.g. \"English\""},
		{Name: "gender", Type: registry.String, Enum: []string{"male", "female"}, Description: "Only voices of this gender"},
		{Name: "type", Type: registry.String, Enum: []string{"public", "private"}, Description: "Public voices (HeyGen's default) or your own"},
		{Name: "engine", Type: registry.String, Description: "Only voices of this engine, e.g. \"starfish\""},
		{Name: "max", Type: registry.Integer, Min: registry.Ptr(1), Description: "Stop after this many voices (default: all)"},
	}
}
