package heygentest

import (
	"strconv"
	"strings"
)

func (s *Server) translationRoutes() []route {
	return []route{
		checkedRoute("GET", "/v3/video-translations", s.listTranslations),
		checkedRoute("POST", "/v3/video-translations", s.createTranslation),
		checkedRoute("GET", "/v3/video-translations/{video_translation_id}", s.getTranslation),
		checkedRoute("PATCH", "/v3/video-translations/{video_translation_id}", s.updateTranslation),
		checkedRoute("DELETE", "/v3/video-translations/{video_translation_id}", s.deleteTranslation),
		checkedRoute("GET", "/v3/video-translations/languages", s.translationLanguages),
		checkedRoute("POST", "/v3/video-translations/batches", s.createTranslationBatch),
		checkedRoute("GET", "/v3/video-translations/batches/{batch_id}", s.getTranslationBatch),
		checkedRoute("GET", "/v3/video-translations/statuses", s.translationStatuses),
	}
}

const kindTranslation = "video_translation"

// translationLanguageList is what the sandbox translates into.
var translationLanguageList = []string{
	"Arabic", "Chinese", "Dutch", "English", "French", "German", "Hindi", "Indonesian", "Italian",
	"Japanese", "Korean", "Polish", "Portuguese", "Russian", "Spanish", "Swedish", "Turkish", "Ukrainian",
}

// knownLanguage accepts a listed language, also with a regional variant
// such as "Spanish (Mexico)" or "English (US)".
func knownLanguage(l string) bool {
	base, _, _ := strings.Cut(l, " (")
	for _, x := range translationLanguageList {
		if strings.EqualFold(x, strings.TrimSpace(base)) {
			return true
		}
	}
	return false
}

func (s *Server) translationView(c *call) func(*record) any {
	return func(r *record) any {
		ph := s.phaseOf(r, c.now)
		v := obj{
			"id": r.id, "title": r.data["title"], "status": jobStatus(ph), "created_at": r.created.Unix(),
			"input_language": r.data["input_language"], "output_language": r.data["output_language"],
			"callback_id": r.data["callback_id"], "translate_audio_only": r.data["translate_audio_only"] == true,
			"video_url": nil, "audio_url": nil, "srt_caption_url": nil, "vtt_caption_url": nil,
			"duration": nil, "failure_message": nil,
		}
		switch ph {
		case phaseDone:
			base := mediaHost + "/translations/" + r.id
			v["audio_url"] = base + "/audio.mp3"
			if r.data["translate_audio_only"] != true {
				v["video_url"] = base + "/video.mp4"
			}
			if r.data["enable_caption"] == true {
				v["srt_caption_url"] = base + "/captions.srt"
				v["vtt_caption_url"] = base + "/captions.vtt"
			}
			v["duration"] = 12.0
		case phaseFailed:
			v["failure_message"] = failMessage(r)
		}
		return v
	}
}

// translationJobs checks one translation request and creates one job per
// output language. Caller holds t.mu.
func translationJobs(c *call, body map[string]any, prefix string) ([]*record, *apiError) {
	if err := checkAssetRefs(c.t, body, prefix); err != nil {
		return nil, err
	}
	langs, _ := body["output_languages"].([]any)
	if len(langs) == 0 {
		return nil, invalidParam(joinPath(prefix, "output_languages"), "output_languages must name at least one language.")
	}
	for i, l := range langs {
		if !knownLanguage(l.(string)) {
			return nil, invalidParam(joinPath(prefix, "output_languages")+"["+strconv.Itoa(i)+"]",
				"%q is not a supported language; GET /v3/video-translations/languages lists them.", l)
		}
	}
	if present(body, "srt_role") && !present(body, "srt") {
		return nil, invalidParam(joinPath(prefix, "srt_role"), "srt_role needs srt.")
	}
	in := getString(body, "input_language")
	if in == "" {
		in = "English"
	}
	fails := itemFails(body)
	out := make([]*record, len(langs))
	for i, l := range langs {
		out[i] = newJob(c, kindTranslation, obj{
			"title": body["title"], "input_language": in, "output_language": l, "callback_id": body["callback_id"],
			"translate_audio_only": body["translate_audio_only"], "enable_caption": body["enable_caption"],
		})
		out[i].fails = fails
	}
	return out, nil
}

func recordIDs(rs []*record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.id
	}
	return out
}

// GET /v3/video-translations
func (s *Server) listTranslations(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return listRecords(c, "video_translations", c.t.all(kindTranslation), s.translationView(c))
}

// POST /v3/video-translations
func (s *Server) createTranslation(c *call) reply {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	jobs, err := translationJobs(c, c.json, "")
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: obj{"video_translation_ids": recordIDs(jobs)}})
}

// GET /v3/video-translations/{video_translation_id}
func (s *Server) getTranslation(c *call) reply {
	return getJob(c, kindTranslation, "video_translation_id", s.translationView(c))
}

// PATCH /v3/video-translations/{video_translation_id}
func (s *Server) updateTranslation(c *call) reply {
	return retitle(c, kindTranslation, "video_translation_id", s.translationView(c))
}

// DELETE /v3/video-translations/{video_translation_id}
func (s *Server) deleteTranslation(c *call) reply {
	return deleteJob(c, kindTranslation, "video_translation_id", nil)
}

// GET /v3/video-translations/languages
func (s *Server) translationLanguages(c *call) reply {
	return ok(single{Data: obj{"languages": translationLanguageList}})
}

// POST /v3/video-translations/batches: the items are create requests; the
// batch lists one item per translation (per output language).
func (s *Server) createTranslationBatch(c *call) reply {
	items, _ := c.json["video_translations"].([]any)
	if len(items) == 0 {
		return invalidParam("video_translations", "video_translations must hold at least one request.").reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	var all []string
	for i, raw := range items {
		jobs, err := translationJobs(c, raw.(map[string]any), "video_translations["+strconv.Itoa(i)+"]")
		if err != nil {
			for _, id := range all {
				t.drop(kindTranslation, id)
			}
			return err.reply()
		}
		all = append(all, recordIDs(jobs)...)
	}
	b := t.newBatch(c, "video_translations", getString(c.json, "title"), all)
	view, err := batchView(c, b, s.jobItemState(c, kindTranslation))
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: view})
}

// GET /v3/video-translations/batches/{batch_id}
func (s *Server) getTranslationBatch(c *call) reply {
	return getBatch(c, "video_translations", s.jobItemState(c, kindTranslation))
}

// GET /v3/video-translations/statuses
func (s *Server) translationStatuses(c *call) reply {
	return bulkStatuses(c, "video_translations", "video_translation_ids", s.jobItemState(c, kindTranslation))
}
