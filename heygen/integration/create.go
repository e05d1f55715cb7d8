package integration

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kosmo-dev/kosmo/luahost/errcode"
)

// dimensionFormat is a v3 resolution + aspect ratio pair.
type dimensionFormat struct{ resolution, aspect string }

// dimensions maps the seed's pixel sizes onto v3's resolution and aspect
// ratio: the short side names the resolution (720p, 1080p, 4k).
var dimensions = map[[2]int]dimensionFormat{}

func init() {
	shorts := []struct {
		side int
		res  string
	}{{720, "720p"}, {1080, "1080p"}, {2160, "4k"}}
	for _, s := range shorts {
		long169 := s.side * 16 / 9
		dimensions[[2]int{long169, s.side}] = dimensionFormat{s.res, "16:9"}
		dimensions[[2]int{s.side, long169}] = dimensionFormat{s.res, "9:16"}
		dimensions[[2]int{s.side, s.side}] = dimensionFormat{s.res, "1:1"}
		long54 := s.side * 5 / 4
		dimensions[[2]int{s.side, long54}] = dimensionFormat{s.res, "4:5"}
		dimensions[[2]int{long54, s.side}] = dimensionFormat{s.res, "5:4"}
	}
}

// SupportedDimensions lists the sizes create_video accepts, "WxH".
func SupportedDimensions() []string {
	out := make([]string, 0, len(dimensions))
	for k := range dimensions {
		out = append(out, fmt.Sprintf("%dx%d", k[0], k[1]))
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := dimensions[parseWH(out[i])], dimensions[parseWH(out[j])]
		if a.resolution != b.resolution {
			return resRank(a.resolution) < resRank(b.resolution)
		}
		return out[i] < out[j]
	})
	return out
}

func resRank(r string) int {
	return map[string]int{"720p": 0, "1080p": 1, "4k": 2}[r]
}

func parseWH(s string) [2]int {
	var w, h int
	fmt.Sscanf(s, "%dx%d", &w, &h)
	return [2]int{w, h}
}

func mapDimension(f string, args map[string]any) (dimensionFormat, error) {
	d, ok := args["dimension"].(map[string]any)
	if !ok {
		return dimensionFormat{"1080p", "16:9"}, nil
	}
	w, h := intArg(d, "width"), intArg(d, "height")
	if df, ok := dimensions[[2]int{w, h}]; ok {
		return df, nil
	}
	return dimensionFormat{}, invalid(f, "dimension %dx%d has no equivalent in HeyGen's API, which renders 720p, 1080p or 4k in 16:9, 9:16, 1:1, 4:5 or 5:4", w, h).
		WithDetail("param", "dimension").
		WithHint("use one of: %s", strings.Join(SupportedDimensions(), ", "))
}

// buildCreateBody maps create_video's seed-shaped arguments onto the body
// of POST /v3/videos: one scene becomes an "avatar" video, several become
// a "studio" video with one avatar_video scene each, in order.
func buildCreateBody(f string, args map[string]any, resolve engineResolver) (map[string]any, error) {
	dim, err := mapDimension(f, args)
	if err != nil {
		return nil, err
	}
	inputs, _ := args["video_inputs"].([]any)
	if len(inputs) == 0 {
		return nil, invalid(f, "video_inputs must hold at least one scene").WithDetail("param", "video_inputs")
	}
	var body map[string]any
	if len(inputs) == 1 {
		scene, err := sceneInput(f, inputs[0].(map[string]any), 1, false, resolve)
		if err != nil {
			return nil, err
		}
		body = scene
		body["type"] = "avatar"
	} else {
		scenes := make([]any, len(inputs))
		for i, in := range inputs {
			input, err := sceneInput(f, in.(map[string]any), i+1, true, resolve)
			if err != nil {
				return nil, err
			}
			input["type"] = "avatar"
			scenes[i] = map[string]any{"type": "avatar_video", "input": input}
		}
		body = map[string]any{"type": "studio", "scenes": scenes}
	}
	body["resolution"] = dim.resolution
	body["aspect_ratio"] = dim.aspect
	copyOptional(body, args, "title", "callback_url", "callback_id", "watermark")
	for _, k := range []string{"output_format", "fit", "remove_background"} {
		v, ok := args[k]
		if !ok || v == nil {
			continue
		}
		if len(inputs) > 1 {
			return nil, invalid(f, "%s applies to one-scene videos only: HeyGen's multi-scene (studio) videos do not take it", k).
				WithDetail("param", k).WithHint("leave %s out, or make one video per scene", k)
		}
		body[k] = v
	}
	if boolArg(args, "caption") {
		body["caption"] = map[string]any{"file_format": "srt"}
	}
	return body, nil
}

func copyOptional(dst, src map[string]any, keys ...string) {
	for _, k := range keys {
		if v, ok := src[k]; ok && v != nil && v != "" {
			dst[k] = v
		}
	}
}

// sceneInput maps one seed scene. studio scenes take colour backgrounds
// only (HeyGen's studio scenes have no image backgrounds).
func sceneInput(f string, in map[string]any, n int, studio bool, resolve engineResolver) (map[string]any, error) {
	at := fmt.Sprintf("video_inputs[%d]", n)
	out := map[string]any{}
	ch, _ := in["character"].(map[string]any)
	avatar := str(ch, "avatar_id")
	if tp := str(ch, "talking_photo_id"); tp != "" {
		if avatar != "" && avatar != tp {
			return nil, invalid(f, "%s.character has both avatar_id and talking_photo_id; give one (a talking photo is an avatar look in HeyGen's API)", at).WithDetail("param", at+".character")
		}
		avatar = tp
	}
	if avatar == "" {
		return nil, invalid(f, "%s.character.avatar_id is required (list_avatars() shows usable ids)", at).WithDetail("param", at+".character.avatar_id")
	}
	out["avatar_id"] = avatar

	voice := str(ch, "voice_id")
	script := str(in, "script")
	sources := 0
	for _, k := range []string{"audio_url", "audio_asset_id"} {
		if v := str(in, k); v != "" {
			out[k] = v
			sources++
		}
	}
	if script != "" {
		// Without a voice_id HeyGen speaks the script with the avatar's
		// default voice.
		sources++
		out["script"] = script
		if voice != "" {
			out["voice_id"] = voice
		}
	} else if voice != "" && sources == 0 {
		return nil, invalid(f, "%s.script is required: give the text the avatar speaks", at).WithDetail("param", at+".script")
	}
	switch {
	case sources == 0:
		return nil, invalid(f, "%s needs something to say: script (with character.voice_id, or the avatar's default voice), audio_url or audio_asset_id", at).WithDetail("param", at+".script")
	case sources > 1:
		return nil, invalid(f, "%s has more than one audio source; give exactly one of script, audio_url, audio_asset_id", at).WithDetail("param", at)
	}
	if vs, ok := in["voice_settings"].(map[string]any); ok {
		settings, err := voiceSettings(f, at, vs, voice, resolve)
		if err != nil {
			return nil, err
		}
		out["voice_settings"] = settings
	}
	if e := str(in, "expressiveness"); e != "" {
		out["expressiveness"] = e
	}
	copyOptional(out, in, "engine", "motion_prompt")
	if eng, _ := in["engine"].(map[string]any); str(eng, "type") == "avatar_v" && str(in, "expressiveness") != "" {
		return nil, invalid(f, "%s: expressiveness cannot be combined with engine avatar_v (it belongs to the Avatar IV engine)", at).
			WithDetail("param", at+".expressiveness")
	}
	if bg, ok := in["background"].(map[string]any); ok {
		b, err := background(f, at, bg, studio)
		if err != nil {
			return nil, err
		}
		out["background"] = b
	}
	return out, nil
}

// voiceSettings keeps v3's own fields and moves the engine tuning
// (stability, similarity_boost, ...) into engine_settings for the engine
// the scene's voice uses.
func voiceSettings(f, at string, vs map[string]any, voiceID string, resolve engineResolver) (map[string]any, error) {
	out := map[string]any{}
	copyOptional(out, vs, "speed", "pitch", "volume", "locale")
	eng, err := engineSettings(f, at, vs, voiceID, resolve)
	if err != nil {
		return nil, err
	}
	if eng != nil {
		out["engine_settings"] = eng
	}
	return out, nil
}

func background(f, at string, bg map[string]any, studio bool) (map[string]any, error) {
	kind := str(bg, "type")
	switch kind {
	case "color":
		color := str(bg, "value")
		if color == "" {
			return nil, invalid(f, "%s.background.value is required for a color background, e.g. \"#FFFFFF\"", at).WithDetail("param", at+".background.value")
		}
		if studio {
			return map[string]any{"type": "color", "color": color}, nil
		}
		return map[string]any{"type": "color", "value": color}, nil
	case "image":
		if studio {
			return nil, invalid(f, "%s.background: scenes of a multi-scene video take color backgrounds only in HeyGen's API", at).
				WithDetail("param", at+".background.type").
				WithHint("use {type = \"color\", value = \"#RRGGBB\"}, or make one video per scene")
		}
		out := map[string]any{"type": "image"}
		copyOptional(out, bg, "url", "asset_id")
		if len(out) == 1 {
			return nil, invalid(f, "%s.background needs url or asset_id for an image background", at).WithDetail("param", at+".background.url")
		}
		return out, nil
	}
	return nil, errcode.New(errcode.InvalidArgument, "%s: %s.background.type must be color or image", f, at)
}
