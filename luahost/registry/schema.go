package registry

// InputSchema returns the JSON Schema (draft 2020-12 subset) of the
// function's argument table, as used for MCP tool input schemas.
func (f *Function) InputSchema() map[string]any {
	s := objectSchema(f.Params, false, f.Summary)
	addUnion(s, f.Discriminator, f.Variants, f.Params, false)
	addExclusive(s, f.Exclusive)
	return s
}

func objectSchema(fields []Param, open bool, description string) map[string]any {
	props := make(map[string]any, len(fields))
	required := []string{}
	for i := range fields {
		p := &fields[i]
		props[p.Name] = p.Schema()
		if p.Required {
			required = append(required, p.Name)
		}
	}
	s := map[string]any{
		"type":                 "object",
		"properties":           props,
		"additionalProperties": open,
	}
	if len(required) > 0 {
		s["required"] = required
	}
	if description != "" {
		s["description"] = description
	}
	return s
}

// addUnion turns s into a discriminated union: each variant becomes one
// oneOf member holding the shared fields, its own fields and the
// discriminator fixed to the variant's value.
func addUnion(s map[string]any, disc string, variants []Variant, shared []Param, open bool) {
	if len(variants) == 0 {
		return
	}
	members := make([]any, len(variants))
	values := make([]string, len(variants))
	for i, v := range variants {
		fields := append(append([]Param{}, shared...), v.Fields...)
		m := objectSchema(fields, open, "")
		addExclusive(m, v.Exclusive)
		props := m["properties"].(map[string]any)
		props[disc] = map[string]any{"type": "string", "const": v.Value}
		req, _ := m["required"].([]string)
		if !contains(req, disc) {
			m["required"] = append(req, disc)
		}
		members[i] = m
		values[i] = v.Value
	}
	s["oneOf"] = members
	props := s["properties"].(map[string]any)
	props[disc] = map[string]any{"type": "string", "enum": values}
	req, _ := s["required"].([]string)
	if !contains(req, disc) {
		s["required"] = append(req, disc)
	}
	// the members decide which other fields are allowed
	s["additionalProperties"] = true
}

// addExclusive forbids giving two fields of one exclusive group together.
func addExclusive(s map[string]any, groups [][]string) {
	if len(groups) == 0 {
		return
	}
	var rules []any
	for _, g := range groups {
		for i := 0; i < len(g); i++ {
			for j := i + 1; j < len(g); j++ {
				rules = append(rules, map[string]any{"not": map[string]any{"required": []string{g[i], g[j]}}})
			}
		}
	}
	s["allOf"] = rules
}

// Schema returns the JSON Schema of one parameter.
func (p *Param) Schema() map[string]any {
	var s map[string]any
	switch p.Type {
	case Object:
		if len(p.Fields) == 0 && len(p.Variants) == 0 && p.Open {
			s = map[string]any{"type": "object"}
		} else {
			s = objectSchema(p.Fields, p.Open, "")
			addUnion(s, p.Discriminator, p.Variants, p.Fields, p.Open)
		}
		addExclusive(s, p.Exclusive)
	case Array:
		s = map[string]any{"type": "array"}
		if p.Items != nil {
			s["items"] = p.Items.Schema()
		}
		if p.MinLen > 0 {
			s["minItems"] = p.MinLen
		}
		if p.MaxLen > 0 {
			s["maxItems"] = p.MaxLen
		}
	case "":
		s = map[string]any{}
	default:
		s = map[string]any{"type": string(p.Type)}
	}
	if p.Description != "" {
		s["description"] = ParamDoc(p)
	}
	if p.Default != nil {
		s["default"] = p.Default
	} else if p.ServerDefault != nil {
		s["default"] = p.ServerDefault
	}
	if p.Min != nil {
		s["minimum"] = *p.Min
	}
	if p.Max != nil {
		s["maximum"] = *p.Max
	}
	if p.Type == String {
		if p.MinLen > 0 {
			s["minLength"] = p.MinLen
		}
		if p.MaxLen > 0 {
			s["maxLength"] = p.MaxLen
		}
	}
	if len(p.Enum) > 0 {
		s["enum"] = p.Enum
	}
	return s
}
