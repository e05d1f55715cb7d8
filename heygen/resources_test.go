package heygen_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen"
)

const lookJSON = `{
	"id": "look_1",
	"name": "Anna in office",
	"avatar_type": "studio_avatar",
	"group_id": "grp_1",
	"gender": "female",
	"default_voice_id": "voice_9",
	"preview_image_url": "https://cdn.example/a.jpg",
	"preview_video_url": null,
	"image_width": 1920,
	"image_height": 1080,
	"preferred_orientation": "landscape",
	"supported_api_engines": ["avatar_iv", "avatar_v"],
	"tags": ["office"],
	"status": "failed",
	"error": {"code": "train_failed", "message": "blurry"},
	"extra_id": 123456789012345678
}`

func TestAvatarsListLooks(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":[`+lookJSON+`],"has_more":false,"next_token":null}`))
	page, err := c.Avatars.ListLooks(context.Background(), heygen.LookListParams{
		Limit: 50, Token: "tk", GroupID: "grp_1", AvatarType: heygen.AvatarTypeStudio, Ownership: "public",
	})
	require.NoError(t, err)
	r := f.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/v3/avatars/looks", r.Path)
	assert.Equal(t, "50", r.Query.Get("limit"))
	assert.Equal(t, "tk", r.Query.Get("token"))
	assert.Equal(t, "grp_1", r.Query.Get("group_id"))
	assert.Equal(t, "studio_avatar", r.Query.Get("avatar_type"))
	assert.Equal(t, "public", r.Query.Get("ownership"))

	require.Len(t, page.Data, 1)
	l := page.Data[0]
	assert.Equal(t, "look_1", l.ID)
	assert.Equal(t, "Anna in office", l.Name)
	assert.Equal(t, heygen.AvatarTypeStudio, l.AvatarType)
	assert.Equal(t, "grp_1", l.GroupID)
	assert.Equal(t, "female", l.Gender)
	assert.Equal(t, "voice_9", l.DefaultVoiceID)
	assert.Equal(t, "https://cdn.example/a.jpg", l.PreviewImageURL)
	assert.Empty(t, l.PreviewVideoURL)
	require.NotNil(t, l.ImageWidth)
	require.NotNil(t, l.ImageHeight)
	assert.Equal(t, 1920, *l.ImageWidth)
	assert.Equal(t, 1080, *l.ImageHeight)
	assert.Equal(t, "landscape", l.PreferredOrientation)
	assert.Equal(t, []string{"avatar_iv", "avatar_v"}, l.SupportedAPIEngines)
	assert.Equal(t, []string{"office"}, l.Tags)
	assert.Equal(t, "failed", l.Status)
	require.NotNil(t, l.Error)
	assert.Equal(t, heygen.AvatarProblem{Code: "train_failed", Message: "blurry"}, *l.Error)
	assert.Equal(t, json.Number("123456789012345678"), l.Raw["extra_id"])
	assert.Equal(t, json.Number("1920"), l.Raw["image_width"])
}

func TestAvatarsGetLook(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":`+lookJSON+`}`))
	l, err := c.Avatars.GetLook(context.Background(), "look_1")
	require.NoError(t, err)
	assert.Equal(t, "/v3/avatars/looks/look_1", f.last(t).Path)
	assert.Equal(t, http.MethodGet, f.last(t).Method)
	assert.Equal(t, "look_1", l.ID)
	assert.Equal(t, json.Number("123456789012345678"), l.Raw["extra_id"])
}

const groupJSON = `{
	"id": "grp_1",
	"name": "Anna",
	"gender": "female",
	"looks_count": 4,
	"created_at": 1700000000,
	"default_voice_id": "voice_9",
	"preview_image_url": "https://cdn.example/g.jpg",
	"preview_video_url": "https://cdn.example/g.mp4",
	"status": "pending_consent",
	"consent_status": "requested",
	"error": null
}`

func TestAvatarsListAndGetGroups(t *testing.T) {
	c, f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/v3/avatars" {
			reply(w, 200, `{"data":[`+groupJSON+`],"has_more":true,"next_token":"g2"}`)
			return
		}
		reply(w, 200, `{"data":`+groupJSON+`}`)
	})
	page, err := c.Avatars.ListGroups(context.Background(), heygen.GroupListParams{Limit: 10, Ownership: "private"})
	require.NoError(t, err)
	r := f.last(t)
	assert.Equal(t, "/v3/avatars", r.Path)
	assert.Equal(t, "10", r.Query.Get("limit"))
	assert.Equal(t, "private", r.Query.Get("ownership"))
	assert.True(t, page.HasMore)
	assert.Equal(t, "g2", page.NextToken)
	require.Len(t, page.Data, 1)
	g := page.Data[0]
	assert.Equal(t, "grp_1", g.ID)
	assert.Equal(t, "Anna", g.Name)
	assert.Equal(t, "female", g.Gender)
	assert.Equal(t, 4, g.LooksCount)
	assert.EqualValues(t, 1700000000, g.CreatedAt)
	assert.Equal(t, "voice_9", g.DefaultVoiceID)
	assert.Equal(t, "https://cdn.example/g.jpg", g.PreviewImageURL)
	assert.Equal(t, "https://cdn.example/g.mp4", g.PreviewVideoURL)
	assert.Equal(t, "pending_consent", g.Status)
	assert.Equal(t, "requested", g.ConsentStatus)
	assert.Nil(t, g.Error)
	assert.Equal(t, json.Number("4"), g.Raw["looks_count"])

	one, err := c.Avatars.GetGroup(context.Background(), "grp 1")
	require.NoError(t, err)
	assert.Equal(t, "/v3/avatars/grp%201", f.last(t).Path)
	assert.Equal(t, "grp_1", one.ID)
}

func TestVoicesListAndGet(t *testing.T) {
	c, f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/v3/voices" {
			reply(w, 200, `{"data":[{"voice_id":"v1","name":"Ava","language":"English","gender":"female","type":"public",
				"preview_audio_url":"https://cdn.example/v.mp3","support_pause":true,"support_locale":true}],"has_more":false}`)
			return
		}
		reply(w, 200, `{"data":{"voice_id":"v1","name":null,"language":null,"gender":null,"preview_audio_url":null,
			"support_pause":false,"support_interactive_avatar":true,"status":"complete","failure_message":null,"created_at":1710000000}}`)
	})
	page, err := c.Voices.List(context.Background(), heygen.VoiceListParams{
		Limit: 100, Token: "t", Type: "private", Engine: "starfish", Language: "English", Gender: "female",
	})
	require.NoError(t, err)
	r := f.last(t)
	assert.Equal(t, "/v3/voices", r.Path)
	for k, v := range map[string]string{"limit": "100", "token": "t", "type": "private", "engine": "starfish", "language": "English", "gender": "female"} {
		assert.Equal(t, v, r.Query.Get(k), k)
	}
	require.Len(t, page.Data, 1)
	v := page.Data[0]
	assert.Equal(t, "v1", v.VoiceID)
	assert.Equal(t, "Ava", v.Name)
	assert.Equal(t, "English", v.Language)
	assert.Equal(t, "female", v.Gender)
	assert.Equal(t, "public", v.Type)
	assert.Equal(t, "https://cdn.example/v.mp3", v.PreviewAudioURL)
	assert.True(t, v.SupportPause)
	assert.True(t, v.SupportLocale)
	assert.Equal(t, true, v.Raw["support_locale"])

	one, err := c.Voices.Get(context.Background(), "v1")
	require.NoError(t, err)
	assert.Equal(t, "/v3/voices/v1", f.last(t).Path)
	assert.Equal(t, "v1", one.VoiceID)
	assert.Empty(t, one.Name)
	assert.True(t, one.SupportInteractiveAvatar)
	assert.Equal(t, "complete", one.Status)
	require.NotNil(t, one.CreatedAt)
	assert.EqualValues(t, 1710000000, *one.CreatedAt)
	assert.Equal(t, json.Number("1710000000"), one.Raw["created_at"])
}

func TestUsersMeWallet(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"username":"jdoe","email":"j@example.com","first_name":"J","last_name":null,
		"billing_type":"wallet","wallet":{"currency":"usd","remaining_balance":12.34,"auto_reload":{"enabled":true,"amount_usd":50,"threshold_usd":null}},
		"subscription":null,"usage_based":null}}`))
	u, err := c.Users.Me(context.Background())
	require.NoError(t, err)
	r := f.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/v3/users/me", r.Path)
	assert.Equal(t, "jdoe", u.Username)
	assert.Equal(t, "j@example.com", u.Email)
	assert.Equal(t, "J", u.FirstName)
	assert.Empty(t, u.LastName)
	assert.Equal(t, heygen.BillingWallet, u.BillingType)
	require.NotNil(t, u.Wallet)
	assert.Equal(t, "usd", u.Wallet.Currency)
	require.NotNil(t, u.Wallet.RemainingBalance)
	assert.InDelta(t, 12.34, *u.Wallet.RemainingBalance, 1e-9)
	require.NotNil(t, u.Wallet.AutoReload)
	assert.True(t, u.Wallet.AutoReload.Enabled)
	require.NotNil(t, u.Wallet.AutoReload.AmountUSD)
	assert.InDelta(t, 50, *u.Wallet.AutoReload.AmountUSD, 1e-9)
	assert.Nil(t, u.Wallet.AutoReload.ThresholdUSD)
	assert.Nil(t, u.Subscription)
	assert.Nil(t, u.UsageBased)
	wallet := u.Raw["wallet"].(map[string]any)
	assert.Equal(t, json.Number("12.34"), wallet["remaining_balance"])
}

func TestUsersMeSubscriptionAndUsage(t *testing.T) {
	c, _ := newFake(t, always(200, `{"data":{"username":"org","email":null,"first_name":null,"last_name":null,
		"billing_type":"subscription",
		"subscription":{"plan":"pro","credits":{"premium_credits":{"remaining":9007199254740993,"resets_at":"2026-08-01T00:00:00Z"},"add_on_credits":null}},
		"usage_based":{"included_credits":100,"remaining_credits":null,"spending_cap_usd":500.5,"spending_current_usd":0}}}`))
	u, err := c.Users.Me(context.Background())
	require.NoError(t, err)
	require.NotNil(t, u.Subscription)
	assert.Equal(t, "pro", u.Subscription.Plan)
	require.NotNil(t, u.Subscription.Credits.PremiumCredits)
	require.NotNil(t, u.Subscription.Credits.PremiumCredits.Remaining)
	assert.EqualValues(t, 9007199254740993, *u.Subscription.Credits.PremiumCredits.Remaining, "integers stay exact")
	assert.Equal(t, "2026-08-01T00:00:00Z", u.Subscription.Credits.PremiumCredits.ResetsAt)
	assert.Nil(t, u.Subscription.Credits.AddOnCredits)
	require.NotNil(t, u.UsageBased)
	assert.InDelta(t, 100, *u.UsageBased.IncludedCredits, 1e-9)
	assert.Nil(t, u.UsageBased.RemainingCredits)
	assert.InDelta(t, 500.5, *u.UsageBased.SpendingCapUSD, 1e-9)
	require.NotNil(t, u.UsageBased.SpendingCurrentUSD)
	assert.Zero(t, *u.UsageBased.SpendingCurrentUSD)
	assert.Nil(t, u.Wallet)
	pc := u.Raw["subscription"].(map[string]any)["credits"].(map[string]any)["premium_credits"].(map[string]any)
	assert.Equal(t, json.Number("9007199254740993"), pc["remaining"])
}

func TestTemplatesListAndGet(t *testing.T) {
	detail := `{"data":{"id":"tpl_1","name":"Promo","aspect_ratio":"16:9","thumbnail_url":"https://cdn.example/t.jpg",
		"created_at":1700000001,"updated_at":null,
		"variables":{"headline":{"name":"headline","type":"text","properties":{"content":"Hi","count":12345678901234567890}}},
		"scene_ids":["s1","s2"],
		"scenes":[{"scene_id":"s1","script":"Hello {{headline}}","variables":[{"name":"headline","variable_type":"text"}]},
		          {"scene_id":"s2","script":null,"variables":[]}]}}`
	c, f := newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/v3/templates" {
			reply(w, 200, `{"data":[{"id":"tpl_1","name":"Promo","aspect_ratio":null,"thumbnail_url":null,"created_at":1700000001,"updated_at":1700000002}],"has_more":false,"next_token":null}`)
			return
		}
		reply(w, 200, detail)
	})
	page, err := c.Templates.List(context.Background(), heygen.TemplateListParams{Limit: 3, Token: "x"})
	require.NoError(t, err)
	r := f.last(t)
	assert.Equal(t, "/v3/templates", r.Path)
	assert.Equal(t, "3", r.Query.Get("limit"))
	assert.Equal(t, "x", r.Query.Get("token"))
	require.Len(t, page.Data, 1)
	tp := page.Data[0]
	assert.Equal(t, "tpl_1", tp.ID)
	assert.Equal(t, "Promo", tp.Name)
	assert.Empty(t, tp.AspectRatio)
	require.NotNil(t, tp.UpdatedAt)
	assert.EqualValues(t, 1700000002, *tp.UpdatedAt)
	assert.Equal(t, json.Number("1700000001"), tp.Raw["created_at"])

	d, err := c.Templates.Get(context.Background(), "tpl_1")
	require.NoError(t, err)
	assert.Equal(t, "/v3/templates/tpl_1", f.last(t).Path)
	assert.Equal(t, "tpl_1", d.ID)
	assert.Equal(t, "16:9", d.AspectRatio)
	assert.Equal(t, "https://cdn.example/t.jpg", d.ThumbnailURL)
	require.NotNil(t, d.CreatedAt)
	assert.Nil(t, d.UpdatedAt)
	assert.Equal(t, []string{"s1", "s2"}, d.SceneIDs)
	require.Len(t, d.Scenes, 2)
	assert.Equal(t, heygen.TemplateScene{SceneID: "s1", Script: "Hello {{headline}}",
		Variables: []heygen.TemplateVariable{{Name: "headline", VariableType: "text"}}}, d.Scenes[0])
	assert.Empty(t, d.Scenes[1].Script)

	headline := d.Variables["headline"].(map[string]any)
	props := headline["properties"].(map[string]any)
	assert.Equal(t, json.Number("12345678901234567890"), props["count"])
	assert.Equal(t, json.Number("1700000001"), d.Raw["created_at"])
	assert.Contains(t, d.Raw, "scenes")

	// Editing Variables leaves Raw alone.
	props["content"] = "Changed"
	rawProps := d.Raw["variables"].(map[string]any)["headline"].(map[string]any)["properties"].(map[string]any)
	assert.Equal(t, "Hi", rawProps["content"])
}

func TestTemplatesGetRejectsNonObjectVariables(t *testing.T) {
	c, _ := newFake(t, always(200, `{"data":{"id":"tpl","name":"n","variables":[1]}}`))
	_, err := c.Templates.Get(context.Background(), "tpl")
	var apiErr *heygen.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, heygen.CodeMalformedResponse, apiErr.Code)
}

func TestTemplatesGenerate(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"id":"vid_t","status":"pending","title":"From template","created_at":1700000003}}`))
	v, err := c.Templates.Generate(context.Background(), "tpl/1", &heygen.GenerateTemplateRequest{
		Variables: map[string]any{"headline": map[string]any{"name": "headline", "type": "text",
			"properties": map[string]any{"content": "Hello", "n": json.Number("12345678901234567890")}}},
		Title:       "From template",
		FolderID:    "fold",
		SceneIDs:    []string{"s2", "s1", "s2"},
		CallbackURL: "https://hooks.example/t",
		CallbackID:  "cb",
		Caption:     new(true),
		Subtitles: &heygen.TemplateSubtitles{PresetName: "bold", FontSize: new(40), Alignment: new(2),
			Position: &heygen.SubtitlePosition{X: 0.5, Y: 0.9}, DisableHighlight: new(true)},
		Dimension:                  &heygen.Dimension{Width: 1280, Height: 720},
		FPS:                        30,
		EnableSharing:              new(false),
		IncludeGIF:                 new(true),
		KeepTextVerticallyCentered: new(true),
		ReorderMusic:               new(false),
		BrandVoiceID:               "bv",
	})
	require.NoError(t, err)
	assert.Equal(t, "vid_t", v.ID)
	assert.Equal(t, "pending", v.Status)
	assert.Equal(t, json.Number("1700000003"), v.Raw["created_at"])

	r := f.last(t)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v3/templates/tpl%2F1", r.Path)
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, `{
		"variables": {"headline": {"name": "headline", "type": "text", "properties": {"content": "Hello", "n": 12345678901234567890}}},
		"title": "From template", "folder_id": "fold", "scene_ids": ["s2", "s1", "s2"],
		"callback_url": "https://hooks.example/t", "callback_id": "cb", "caption": true,
		"subtitles": {"preset_name": "bold", "font_size": 40, "alignment": 2, "position": {"x": 0.5, "y": 0.9}, "disable_highlight": true},
		"dimension": {"width": 1280, "height": 720}, "fps": 30, "enable_sharing": false, "include_gif": true,
		"keep_text_vertically_centered": true, "reorder_music": false, "brand_voice_id": "bv"
	}`, string(r.Body))
	assert.Contains(t, string(r.Body), "12345678901234567890", "json.Number is sent exactly")
}

func TestTemplatesGenerateMinimalAndRaw(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":{"id":"vid_t","status":"pending"}}`))
	_, err := c.Templates.Generate(context.Background(), "tpl", &heygen.GenerateTemplateRequest{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"variables":{}}`, string(f.last(t).Body))

	_, err = c.Templates.Generate(context.Background(), "tpl", nil)
	require.Error(t, err)

	v, err := c.Templates.GenerateRaw(context.Background(), "tpl", map[string]any{"variables": map[string]any{"a": 1}, "new_option": "x"})
	require.NoError(t, err)
	assert.Equal(t, "vid_t", v.ID)
	assert.JSONEq(t, `{"variables":{"a":1},"new_option":"x"}`, string(f.last(t).Body))
	assert.Equal(t, "/v3/templates/tpl", f.last(t).Path)
	assert.Equal(t, http.MethodPost, f.last(t).Method)

	_, err = c.Templates.GenerateRaw(context.Background(), "tpl", nil)
	require.Error(t, err)
	assert.Len(t, f.requests(), 2)
}

func TestWebhooksEventTypes(t *testing.T) {
	c, f := newFake(t, always(200, `{"data":[{"event_type":"avatar_video.success","description":"Video done","since":20240101},
		{"event_type":"avatar_video.fail","description":"Video failed"}],"has_more":false,"next_token":null}`))
	types, err := c.Webhooks.EventTypes(context.Background())
	require.NoError(t, err)
	r := f.last(t)
	assert.Equal(t, http.MethodGet, r.Method)
	assert.Equal(t, "/v3/webhooks/event-types", r.Path)
	assert.Empty(t, r.RawQ)
	require.Len(t, types, 2)
	assert.Equal(t, "avatar_video.success", types[0].EventType)
	assert.Equal(t, "Video done", types[0].Description)
	assert.Equal(t, json.Number("20240101"), types[0].Raw["since"])
	assert.Equal(t, "avatar_video.fail", types[1].EventType)
}

func TestWebhooksEventTypesError(t *testing.T) {
	c, _ := newFake(t, always(401, `{"code":400112,"message":"Unauthorized"}`))
	_, err := c.Webhooks.EventTypes(context.Background())
	var apiErr *heygen.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "400112", apiErr.Code)
	requireNoKey(t, err)
}
