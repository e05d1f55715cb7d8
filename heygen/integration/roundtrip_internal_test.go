package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kosmo-dev/kosmo/heygen/heygentest"
	"github.com/kosmo-dev/kosmo/heygen/integration/integrationtest"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

const specFile = "../../../shared/heygen-api/v3-endpoints.json"

// responseSchemas compiles each endpoint's response schema into plain
// JSON Schema: nullable becomes a union with null, discriminated oneOfs
// become anyOf.
func responseSchemas(t *testing.T) map[string]*jsonschema.Schema {
	raw, err := os.ReadFile(specFile)
	require.NoError(t, err)
	var eps []map[string]any
	require.NoError(t, json.Unmarshal(raw, &eps))
	out := map[string]*jsonschema.Schema{}
	for _, e := range eps {
		rs, ok := e["response_schema"].(map[string]any)
		if !ok {
			continue
		}
		key := e["method"].(string) + " " + e["path"].(string)
		c := jsonschema.NewCompiler()
		url := "file:///" + strings.NewReplacer(" ", "_", "{", "", "}", "").Replace(key) + ".json"
		require.NoError(t, c.AddResource(url, plainSchema(rs)))
		sch, err := c.Compile(url)
		require.NoError(t, err, key)
		out[key] = sch
	}
	return out
}

func plainSchema(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plainSchema(e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			switch k {
			case "description", "title", "example", "nullable", "discriminator":
			case "properties":
				props := map[string]any{}
				for name, ps := range e.(map[string]any) {
					props[name] = plainSchema(ps)
				}
				out[k] = props
			case "oneOf":
				out["anyOf"] = plainSchema(e)
			default:
				out[k] = plainSchema(e)
			}
		}
		if x["nullable"] == true {
			return map[string]any{"anyOf": []any{out, map[string]any{"type": "null"}}}
		}
		return out
	}
	return v
}

type roundTrip struct {
	t      *testing.T
	sim    *heygentest.Server
	srv    *httptest.Server
	sess   any
	ig     *registry.Integration
	schema map[string]*jsonschema.Schema
	ran    map[string]bool
}

// call runs one generated function with a request built from its
// required fields plus extra, checks the answer against the endpoint's
// response schema, and returns HeyGen's data.
func (rt *roundTrip) call(name string, extra map[string]any) any {
	t := rt.t
	t.Helper()
	f, ok := rt.ig.Function(name)
	require.True(t, ok, name)
	want, _ := extra[f.Discriminator].(string)
	args := integrationtest.ExampleVariantArgs(f, want)
	for k, v := range extra {
		args[k] = v
	}
	valid, err := f.Validate(args)
	require.NoError(t, err, "%s: the request built from the schema must validate", name)
	res, err := f.Handler(context.Background(), &registry.Call{Function: f, Account: "default", Session: rt.sess, Args: valid})
	require.NoError(t, err, "%s %v", name, args)
	body, err := json.Marshal(res)
	require.NoError(t, err)
	if sch, ok := rt.schema[f.Request]; ok {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
		require.NoError(t, err)
		require.NoError(t, sch.Validate(doc), "%s: the answer does not fit %s's response schema: %s", name, f.Request, body)
	}
	rt.ran[name] = true
	return res.(map[string]any)["data"]
}

func (rt *roundTrip) str(v any, path ...string) string {
	rt.t.Helper()
	for _, p := range path {
		m, ok := v.(map[string]any)
		require.True(rt.t, ok, "%v has no %s", v, p)
		v = m[p]
	}
	s, ok := v.(string)
	require.True(rt.t, ok, "%v is not a string", v)
	return s
}

func (rt *roundTrip) done() { rt.sim.Advance(time.Minute) }

// TestEveryGeneratedFunctionRoundTrips calls every generated function
// against the simulated HeyGen with a request built from the schema's
// required fields, and checks each answer against the endpoint's response
// schema.
func TestEveryGeneratedFunctionRoundTrips(t *testing.T) {
	sim := heygentest.New(heygentest.Options{})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	sess, err := connect(context.Background(), registry.Account{Name: "default", Secret: "sk-roundtrip-test", BaseURL: srv.URL}, registry.Env{Sandbox: true})
	require.NoError(t, err)
	rt := &roundTrip{t: t, sim: sim, srv: srv, sess: sess, ig: New(), schema: responseSchemas(t), ran: map[string]bool{}}
	require.Len(t, rt.schema, 80, "80 endpoints have a response schema")
	url := func(file string) map[string]any {
		return map[string]any{"type": "url", "url": "https://example.invalid/" + file}
	}

	// videos
	v := rt.call("create_video_batch", map[string]any{"videos": []any{map[string]any{"type": "avatar", "avatar_id": heygentest.SampleAvatarID, "script": "hi", "voice_id": heygentest.SampleVoiceID}}})
	batch := rt.str(v, "batch_id")
	rt.done()
	rt.call("get_video_batch", map[string]any{"batch_id": batch})
	rt.call("list_video_statuses", map[string]any{"batch_ids": batch})

	// assets: a direct upload, completed after the bytes are PUT
	slot := rt.call("create_asset_upload", map[string]any{"filename": "subs.srt", "content_type": "application/x-subrip", "size_bytes": 4})
	req, err := http.NewRequest(http.MethodPut, rt.str(slot, "upload_url"), strings.NewReader("1\n\nx"))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-subrip")
	put, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	put.Body.Close()
	require.Equal(t, http.StatusOK, put.StatusCode)
	asset := rt.str(slot, "asset_id")
	rt.call("complete_asset_upload", map[string]any{"asset_id": asset})
	rt.call("get_asset", map[string]any{"asset_id": asset})
	rt.call("list_assets", nil)
	rt.call("list_asset_statuses", map[string]any{"asset_ids": asset})
	b := rt.call("create_asset_upload_batch", nil)
	rt.call("complete_asset_upload_batch", map[string]any{"batch_id": rt.str(b, "batch_id")})
	rt.call("get_asset_batch", map[string]any{"batch_id": rt.str(b, "batch_id")})
	rt.call("search_assets", nil)
	rt.call("delete_asset", map[string]any{"asset_id": asset})
	rt.call("search_sounds", nil)

	// avatars
	rt.call("list_avatar_groups", nil)
	photo := rt.call("create_avatar", map[string]any{"type": "photo", "file": url("me.png")})
	twin := rt.call("create_avatar", map[string]any{"type": "digital_twin", "file": url("me.mp4")})
	rt.call("create_avatar_consent", map[string]any{"group_id": rt.str(twin, "avatar_group", "id"), "consent_text": "I agree"})
	rt.done()
	look := rt.str(photo, "avatar_item", "id")
	rt.call("get_avatar_group", map[string]any{"group_id": rt.str(photo, "avatar_group", "id")})
	rt.call("get_avatar_look", map[string]any{"look_id": look})
	rt.call("update_avatar_look", map[string]any{"look_id": look, "name": "Me again"})
	rt.call("delete_avatar_look", map[string]any{"look_id": look})
	rt.call("delete_avatar_group", map[string]any{"group_id": rt.str(twin, "avatar_group", "id")})

	// voices
	rt.call("get_voice", map[string]any{"voice_id": heygentest.SampleVoiceID})
	rt.call("design_voice", nil)
	clone := rt.call("clone_voice", map[string]any{"audio": url("me.wav")})
	rt.done()
	rt.call("create_speech", map[string]any{"voice_id": heygentest.SampleVoiceID})
	rt.call("delete_voice", map[string]any{"voice_id": rt.str(clone, "voice_clone_id")})

	// templates, brand
	rt.call("get_template", map[string]any{"template_id": heygentest.SampleTemplateID})
	rt.call("list_brand_glossaries", nil)
	rt.call("list_brand_kits", nil)

	// webhooks
	ep := rt.call("create_webhook_endpoint", nil)
	id := rt.str(ep, "endpoint_id")
	rt.call("list_webhook_endpoints", nil)
	rt.call("update_webhook_endpoint", map[string]any{"endpoint_id": id, "events": []any{"avatar_video.fail"}})
	rt.call("rotate_webhook_secret", map[string]any{"endpoint_id": id})
	rt.call("list_webhook_events", nil)
	rt.call("delete_webhook_endpoint", map[string]any{"endpoint_id": id})

	// lipsync
	ls := rt.call("create_lipsync", nil)
	lid := rt.str(ls, "lipsync_id")
	lb := rt.call("create_lipsync_batch", nil)
	rt.done()
	rt.call("get_lipsync", map[string]any{"lipsync_id": lid})
	rt.call("list_lipsyncs", nil)
	rt.call("update_lipsync", map[string]any{"lipsync_id": lid})
	rt.call("get_lipsync_batch", map[string]any{"batch_id": rt.str(lb, "batch_id")})
	rt.call("list_lipsync_statuses", map[string]any{"lipsync_ids": lid})
	rt.call("delete_lipsync", map[string]any{"lipsync_id": lid})

	// translation
	rt.call("list_translation_languages", nil)
	tr := rt.call("create_video_translation", nil)
	tid := tr.(map[string]any)["video_translation_ids"].([]any)[0].(string)
	tb := rt.call("create_video_translation_batch", nil)
	pr := rt.call("create_proofread", nil)
	pid := pr.(map[string]any)["proofread_ids"].([]any)[0].(string)
	rt.done()
	rt.call("get_video_translation", map[string]any{"video_translation_id": tid})
	rt.call("list_video_translations", nil)
	rt.call("update_video_translation", map[string]any{"video_translation_id": tid})
	rt.call("get_video_translation_batch", map[string]any{"batch_id": rt.str(tb, "batch_id")})
	rt.call("list_video_translation_statuses", map[string]any{"video_translation_ids": tid})
	rt.call("get_proofread", map[string]any{"proofread_id": pid})
	rt.call("get_proofread_srt", map[string]any{"proofread_id": pid})
	rt.call("update_proofread_srt", map[string]any{"proofread_id": pid, "srt": url("x.srt")})
	rt.call("generate_proofread_video", map[string]any{"proofread_id": pid})
	rt.call("delete_video_translation", map[string]any{"video_translation_id": tid})

	// video agent
	rt.call("list_video_agent_styles", nil)
	s := rt.call("create_video_agent_session", nil)
	chat := rt.call("create_video_agent_session", map[string]any{"mode": "chat"})
	rt.done()
	sid := rt.str(s, "session_id")
	rt.call("get_video_agent_session", map[string]any{"session_id": sid})
	rt.call("list_video_agent_sessions", nil)
	vids := rt.call("list_video_agent_videos", map[string]any{"session_id": sid}).([]any)
	require.NotEmpty(t, vids)
	rt.call("get_video_agent_resource", map[string]any{"session_id": sid, "resource_id": "res-" + rt.str(vids[0], "id")})
	rt.call("send_video_agent_message", map[string]any{"session_id": rt.str(chat, "session_id")})
	rt.call("stop_video_agent_session", map[string]any{"session_id": rt.str(chat, "session_id")})

	// background removal, clipping
	r := rt.call("create_background_removal", nil)
	c := rt.call("create_clipping_job", nil)
	rt.done()
	rt.call("get_background_removal", map[string]any{"job_id": rt.str(r, "id")})
	rt.call("list_background_removals", nil)
	rt.call("delete_background_removal", map[string]any{"job_id": rt.str(r, "id")})
	rt.call("get_clipping_job", map[string]any{"job_id": rt.str(c, "id")})
	rt.call("list_clipping_jobs", nil)
	rt.call("delete_clipping_job", map[string]any{"job_id": rt.str(c, "id")})

	for _, f := range generatedFunctions() {
		assert.True(t, rt.ran[f.Name], "%s (%s) was not round-tripped", f.Name, f.Request)
	}
	for _, r := range sim.Requests() {
		assert.True(t, r.Status >= 200 && r.Status < 300, "%s %s answered %d", r.Method, r.Path, r.Status)
	}
}

// Every function's MCP input schema is a valid JSON Schema, and the
// request the round trip builds for a generated function satisfies it.
func TestInputSchemasCompileAndAcceptSampleRequests(t *testing.T) {
	for _, f := range New().Functions {
		raw, err := json.Marshal(f.InputSchema())
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		require.NoError(t, err)
		c := jsonschema.NewCompiler()
		url := "file:///" + f.Name + ".json"
		require.NoError(t, c.AddResource(url, doc), f.Name)
		sch, err := c.Compile(url)
		require.NoError(t, err, f.Name)
		if f.Request == "" || f.Flat || len(f.Examples) != 1 || !strings.HasSuffix(f.Examples[0].Code, "dump(result.data)") {
			continue
		}
		sample, _ := json.Marshal(integrationtest.ExampleArgs(f))
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(sample))
		require.NoError(t, err)
		assert.NoError(t, sch.Validate(inst), "%s: %s", f.Name, sample)
	}
}
