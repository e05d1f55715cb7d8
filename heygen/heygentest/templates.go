package heygentest

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
)

type templateSummary struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	AspectRatio  *string `json:"aspect_ratio"`
	ThumbnailURL *string `json:"thumbnail_url"`
	CreatedAt    *int64  `json:"created_at"`
	UpdatedAt    *int64  `json:"updated_at"`
}

type templateDetail struct {
	templateSummary
	Variables map[string]templateVarValue `json:"variables"`
	SceneIDs  []string                    `json:"scene_ids"`
	Scenes    []sceneView                 `json:"scenes"`
}

// templateVarValue is the shape of one variable, both in the template's
// defaults and in a generate request.
type templateVarValue struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
}

type sceneView struct {
	SceneID   string        `json:"scene_id"`
	Script    *string       `json:"script"`
	Variables []sceneVarRef `json:"variables"`
}

type sceneVarRef struct {
	Name         string `json:"name"`
	VariableType string `json:"variable_type"`
}

func (t *template) summary() templateSummary {
	return templateSummary{
		ID:           t.id,
		Name:         t.name,
		AspectRatio:  ptr(t.aspectRatio),
		ThumbnailURL: ptr(mediaHost + "/templates/" + t.id + "/thumbnail.jpg"),
		CreatedAt:    unixPtr(t.createdAt),
		UpdatedAt:    unixPtr(t.updatedAt),
	}
}

func (t *template) detail() templateDetail {
	d := templateDetail{templateSummary: t.summary(), Variables: map[string]templateVarValue{}}
	for _, v := range t.vars {
		d.Variables[v.name] = templateVarValue{Name: v.name, Type: v.kind, Properties: v.defaults}
	}
	for _, sc := range t.scenes {
		d.SceneIDs = append(d.SceneIDs, sc.id)
		sv := sceneView{SceneID: sc.id, Script: strOrNil(sc.script), Variables: []sceneVarRef{}}
		for _, name := range sc.vars {
			v, _ := t.variable(name)
			sv.Variables = append(sv.Variables, sceneVarRef{Name: name, VariableType: v.kind})
		}
		d.Scenes = append(d.Scenes, sv)
	}
	return d
}

// GET /v3/templates
func (s *Server) listTemplates(c *call) reply {
	p, err := parsePage(c, "templates", 10, 100)
	if err != nil {
		return err.reply()
	}
	page := paginate(s.cat.templates, func(t *template) int64 { return int64(t.ord) }, p)
	return ok(mapItems(page, (*template).summary))
}

// GET /v3/templates/{template_id}
func (s *Server) getTemplate(c *call) reply {
	t, err := s.findTemplate(c.params["template_id"])
	if err != nil {
		return err.reply()
	}
	return ok(single{Data: t.detail()})
}

func (s *Server) findTemplate(id string) (*template, *apiError) {
	t, found := s.cat.templatesByID[id]
	if !found {
		return nil, notFound("resource_not_found", "template_id", "No template with id %q exists.", id)
	}
	return t, nil
}

// generateSpec mirrors the request schema of POST /v3/templates/{template_id}
// (built on first use).
var generateSpec = sync.OnceValue(func() *spec {
	return object([]string{"variables"}, map[string]*spec{
		"variables":    object(nil, nil),
		"title":        str().null(),
		"folder_id":    str().null(),
		"scene_ids":    array(str()).null(),
		"callback_url": str().null(),
		"callback_id":  str().null(),
		"caption":      boolean(),
		"subtitles": object([]string{"preset_name"}, map[string]*spec{
			"preset_name":       str(),
			"font_size":         integer().null(),
			"alignment":         integer().null(),
			"position":          object(nil, map[string]*spec{"x": num(), "y": num()}).null(),
			"disable_highlight": boolean().null(),
		}).null(),
		"dimension": object([]string{"width", "height"}, map[string]*spec{
			"width":  integer().between(128, 4096),
			"height": integer().between(128, 4096),
		}).null(),
		"fps":                           num(),
		"enable_sharing":                boolean(),
		"include_gif":                   boolean(),
		"keep_text_vertically_centered": boolean(),
		"reorder_music":                 boolean(),
		"brand_voice_id":                str().null(),
	})
})

// POST /v3/templates/{template_id}
func (s *Server) generateFromTemplate(c *call) reply {
	tpl, err := s.findTemplate(c.params["template_id"])
	if err != nil {
		return err.reply()
	}
	body, err := decodeObject(c.body)
	if err != nil {
		return err.reply()
	}
	if err := generateSpec().check(body, ""); err != nil {
		return err.reply()
	}
	plan, err := s.planTemplateVideo(tpl, body)
	if err != nil {
		return err.reply()
	}
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	v := plan.build(t, c)
	t.add(v)
	return ok(single{Data: v.view(c.now, s.opts)})
}

func (s *Server) planTemplateVideo(tpl *template, body map[string]any) (videoPlan, *apiError) {
	p := videoPlan{
		title:    getString(body, "title"),
		folderID: getString(body, "folder_id"),
		format:   "mp4",
		gif:      getBool(body, "include_gif"),
	}
	if p.title == "" {
		p.title = tpl.name
	}
	if getBool(body, "caption") {
		p.subtitles, p.burned = true, true
	}
	if fps, ok := getNumber(body, "fps"); ok && fps != 25 && fps != 30 && fps != 60 {
		return p, invalidParam("fps", "fps must be 25, 30 or 60.")
	}
	if dim := getObject(body, "dimension"); dim != nil {
		if err := checkDimension(dim, tpl.aspectRatio); err != nil {
			return p, err
		}
	}
	scenes := tpl.scenes
	if raw, ok := body["scene_ids"].([]any); ok {
		if len(raw) == 0 {
			return p, invalidParam("scene_ids", "scene_ids must not be empty; omit it to use every scene.")
		}
		scenes = nil
		for i, r := range raw {
			sc, found := tpl.scene(r.(string))
			if !found {
				return p, invalidParam(fmt.Sprintf("scene_ids[%d]", i), "Template %q has no scene %q.", tpl.id, r)
			}
			scenes = append(scenes, sc)
		}
	}
	texts, err := s.checkTemplateVariables(tpl, getObject(body, "variables"))
	if err != nil {
		return p, err
	}
	for _, text := range texts {
		if hasFailMarker(text) {
			p.fails = true
		}
	}
	for _, sc := range scenes {
		script := sc.script
		for name, text := range texts {
			script = strings.ReplaceAll(script, "{{"+name+"}}", text)
		}
		p.duration += 3 + speechSeconds(script)
	}
	return p, nil
}

func checkDimension(dim map[string]any, ratio string) *apiError {
	w, _ := getNumber(dim, "width")
	h, _ := getNumber(dim, "height")
	if int(w)%2 != 0 {
		return invalidParam("dimension.width", "dimension.width must be even.")
	}
	if int(h)%2 != 0 {
		return invalidParam("dimension.height", "dimension.height must be even.")
	}
	var rw, rh float64
	if _, err := fmt.Sscanf(ratio, "%g:%g", &rw, &rh); err == nil && rh > 0 {
		if math.Abs(w/h-rw/rh) > 0.01*rw/rh {
			return invalidParam("dimension", "dimension %gx%g does not keep the template's aspect ratio %s.", w, h, ratio)
		}
	}
	return nil
}

// checkTemplateVariables validates the variables of a generate request
// against the template's declarations and returns the final content of
// every text variable (defaults included), keyed by name.
func (s *Server) checkTemplateVariables(tpl *template, vars map[string]any) (map[string]string, *apiError) {
	texts := map[string]string{}
	for _, v := range tpl.vars {
		if v.kind == varText {
			texts[v.name], _ = v.defaults["content"].(string)
		}
	}
	names := make([]string, 0, len(vars))
	for name := range vars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		param := "variables." + name
		decl, found := tpl.variable(name)
		if !found {
			declared := make([]string, len(tpl.vars))
			for i, v := range tpl.vars {
				declared[i] = v.name
			}
			return nil, invalidParam(param, "Template %q has no variable %q; it declares %s.", tpl.id, name, quoteList(declared))
		}
		entry, isObj := vars[name].(map[string]any)
		if !isObj {
			return nil, invalidParam(param, "Variable %q must be an object with name, type and properties, as returned by GET /v3/templates/{template_id}.", name)
		}
		if raw, has := entry["type"]; has {
			if typ, _ := raw.(string); typ != decl.kind {
				return nil, invalidParam(param, "Variable %q is of type %q, not %v.", name, decl.kind, jsonText(raw))
			}
		}
		if raw, has := entry["name"]; has {
			if n, _ := raw.(string); n != name {
				return nil, invalidParam(param, "Variable %q has a mismatching name %v.", name, jsonText(raw))
			}
		}
		props, isObj := entry["properties"].(map[string]any)
		if !isObj {
			return nil, invalidParam(param, "Variable %q needs a properties object.", name)
		}
		text, err := s.checkVariableProperties(decl, props, param)
		if err != nil {
			return nil, err
		}
		if decl.kind == varText {
			texts[name] = text
		}
	}
	return texts, nil
}

func (s *Server) checkVariableProperties(decl templateVar, props map[string]any, param string) (string, *apiError) {
	name := decl.name
	switch decl.kind {
	case varText:
		content, isStr := props["content"].(string)
		if !isStr {
			return "", invalidParam(param, "Text variable %q needs properties.content as a string.", name)
		}
		return content, nil
	case varImage, varVideo, varAudio:
		for _, k := range []string{"url", "asset_id"} {
			if present(props, k) {
				if _, isStr := props[k].(string); !isStr {
					return "", invalidParam(param, "properties.%s of %s variable %q must be a string.", k, decl.kind, name)
				}
			}
		}
		if getString(props, "url") == "" && getString(props, "asset_id") == "" {
			return "", invalidParam(param, "The %s variable %q needs properties.url or properties.asset_id.", decl.kind, name)
		}
	case varCharacter:
		id, isStr := props["character_id"].(string)
		if !isStr || id == "" {
			return "", invalidParam(param, "Character variable %q needs properties.character_id as a string.", name)
		}
		if ct, has := props["type"]; has && ct != "avatar" && ct != "talking_photo" {
			return "", invalidParam(param, "properties.type of character variable %q must be \"avatar\" or \"talking_photo\".", name)
		}
		if _, err := s.readyLook(nil, id, param); err != nil {
			return "", err
		}
	case varVoice:
		id, isStr := props["voice_id"].(string)
		if !isStr || id == "" {
			return "", invalidParam(param, "Voice variable %q needs properties.voice_id as a string.", name)
		}
		if _, found := s.cat.voicesByID[id]; !found {
			return "", notFound("voice_not_found", param, "No voice with id %q exists.", id)
		}
	}
	return "", nil
}

// jsonText renders a decoded JSON value for an error message.
func jsonText(v any) string {
	if s, isStr := v.(string); isStr {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%v", v)
}

func (s *Server) templateRoutes() []route {
	return []route{
		newRoute("GET", "/v3/templates", s.listTemplates),
		newRoute("GET", "/v3/templates/{template_id}", s.getTemplate),
		newRoute("POST", "/v3/templates/{template_id}", s.generateFromTemplate),
	}
}
