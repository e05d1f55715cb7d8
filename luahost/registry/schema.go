package registry

// InputSchema returns the JSON Schema (draft 2020-12 subset) of the
// function's argument table, as used for MCP tool input schemas.
func (f *Function) InputSchema() map[string]any {
	return objectSchema(f.Params, false, f.Summary)
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

// Schema returns the JSON Schema of one parameter.
func (p *Param) Schema() map[string]any {
	var s map[string]any
	switch p.Type {
	case Object:
		if len(p.Fields) == 0 && p.Open {
			s = map[string]any{"type": "object"}
		} else {
			s = objectSchema(p.Fields, p.Open, "")
		}
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
