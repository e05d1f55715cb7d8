package integration

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/kosmo-dev/kosmo/heygen"
)

// Voice engines and the tuning fields each takes in
// voice_settings.engine_settings (the spec's three variants). Starfish
// takes none: naming it only routes a voice that supports several engines.
var (
	voiceEngines = []string{"elevenlabs", "fish", "starfish"}
	engineFields = map[string][]string{
		"elevenlabs": {"model", "stability", "similarity_boost", "style", "use_speaker_boost"},
		"fish":       {"model", "stability", "similarity"},
		"starfish":   {},
	}
	engineModels = map[string][]string{
		"elevenlabs": {"eleven_multilingual_v2", "eleven_turbo_v2_5", "eleven_flash_v2_5", "eleven_v3"},
		"fish":       {"s1", "s2-pro"},
	}
	tuningFields = []string{"model", "stability", "similarity_boost", "style", "use_speaker_boost", "similarity"}
)

// allModels lists every engine's models, for create_video's declaration.
func allModels() []string {
	return append(slices.Clone(engineModels["elevenlabs"]), engineModels["fish"]...)
}

// engineResolver names the engine a voice uses, among candidates (in
// order of preference).
type engineResolver func(voiceID string, candidates []string) (string, error)

// engineSettings builds voice_settings.engine_settings for one scene:
// only for the engine the voice actually uses (named by
// voice_settings.engine, else found by looking the voice up), with only
// the fields that engine takes. Without tuning fields and without an
// explicit engine there is nothing to send and it returns nil.
func engineSettings(f, at string, vs map[string]any, voiceID string, resolve engineResolver) (map[string]any, error) {
	vsAt := at + ".voice_settings"
	var given []string
	for _, k := range tuningFields {
		if v, ok := vs[k]; ok && v != nil {
			given = append(given, k)
		}
	}
	engine := str(vs, "engine")
	if engine == "" && len(given) == 0 {
		return nil, nil
	}
	model := str(vs, "model")
	if engine != "" {
		if err := checkEngineFields(f, vsAt, engine, given, model); err != nil {
			return nil, err
		}
	} else {
		var candidates []string
		for _, e := range voiceEngines {
			if checkEngineFields(f, vsAt, e, given, model) == nil {
				candidates = append(candidates, e)
			}
		}
		if len(candidates) == 0 {
			return nil, invalid(f, "%s mixes settings of different voice engines (%s): ElevenLabs takes %s; Fish takes %s",
				vsAt, strings.Join(given, ", "), strings.Join(engineFields["elevenlabs"], ", "), strings.Join(engineFields["fish"], ", ")).
				WithDetail("param", vsAt)
		}
		if voiceID == "" {
			return nil, invalid(f, "%s: engine settings (%s) need the voice they tune: give character.voice_id, or name the engine with voice_settings.engine", vsAt, strings.Join(given, ", ")).
				WithDetail("param", at+".character.voice_id")
		}
		e, err := resolve(voiceID, candidates)
		if err != nil {
			return nil, err
		}
		engine = e
	}
	if engine == "elevenlabs" && model == "eleven_v3" {
		if x, ok := floatArg(vs, "stability"); ok && x != 0 && x != 0.5 && x != 1 {
			return nil, invalid(f, "%s.stability = %v: the eleven_v3 model takes stability 0.0, 0.5 or 1.0 only", vsAt, x).
				WithDetail("param", vsAt+".stability")
		}
	}
	out := map[string]any{"engine_type": engine}
	for _, k := range given {
		out[k] = vs[k]
	}
	return out, nil
}

// checkEngineFields reports a field or model the engine does not take.
func checkEngineFields(f, vsAt, engine string, given []string, model string) error {
	allowed := engineFields[engine]
	for _, k := range given {
		if !slices.Contains(allowed, k) {
			takes := "no tuning fields"
			if len(allowed) > 0 {
				takes = strings.Join(allowed, ", ")
			}
			return invalid(f, "%s.%s does not apply to the %s voice engine (it takes %s)", vsAt, k, engine, takes).
				WithDetail("param", vsAt+"."+k)
		}
	}
	if model != "" && !slices.Contains(engineModels[engine], model) {
		return invalid(f, "%s.model = %q is not a model of the %s engine (use one of: %s)", vsAt, model, engine, strings.Join(engineModels[engine], ", ")).
			WithDetail("param", vsAt+".model")
	}
	return nil
}

// voiceEngineIndex remembers, per run and account, which voices each
// engine serves, learned by listing GET /v3/voices?engine=... once.
type voiceEngineIndex struct {
	mu     sync.Mutex
	voices map[string]map[string]bool // engine -> voice ids
}

// resolverFor looks voices up through the session's client.
func (s *session) resolverFor(ctx context.Context, f string) engineResolver {
	return func(voiceID string, candidates []string) (string, error) {
		for _, engine := range candidates {
			ids, err := s.engines.voicesOf(ctx, s, engine)
			if err != nil {
				return "", mapError(f, err)
			}
			if ids[voiceID] {
				return engine, nil
			}
		}
		return "", invalid(f, "voice %s does not use an engine that takes these settings (%s)", voiceID, strings.Join(candidates, " or ")).
			WithDetail("param", "voice_settings").
			WithHint("list_voices({engine = \"%s\"}) shows the voices of an engine; or set voice_settings.engine explicitly", candidates[0])
	}
}

func (x *voiceEngineIndex) voicesOf(ctx context.Context, s *session, engine string) (map[string]bool, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if ids, ok := x.voices[engine]; ok {
		return ids, nil
	}
	ids := map[string]bool{}
	for _, kind := range []string{"public", "private"} {
		voices, _, err := all(ctx, voicesPageSize, 0,
			func(ctx context.Context, size int, token string) (*heygen.Page[heygen.Voice], error) {
				return s.client.Voices.List(ctx, heygen.VoiceListParams{Engine: engine, Type: kind, Limit: size, Token: token})
			})
		if err != nil {
			return nil, err
		}
		for _, v := range voices {
			ids[v.VoiceID] = true
		}
	}
	if x.voices == nil {
		x.voices = map[string]map[string]bool{}
	}
	x.voices[engine] = ids
	return ids, nil
}
