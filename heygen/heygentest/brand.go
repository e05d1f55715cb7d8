package heygentest

import "time"

func (s *Server) brandRoutes() []route {
	return []route{
		checkedRoute("GET", "/v3/brand-glossaries", s.listBrandGlossaries),
		checkedRoute("GET", "/v3/brand-kits", s.listBrandKits),
	}
}

// The brand glossaries and kits every account sees: fixed, read-only.
var (
	brandGlossaries = []obj{
		{"brand_glossary_id": "glossary-kosmo", "name": "Kosmo product names"},
		{"brand_glossary_id": "glossary-legal", "name": "Legal terms"},
		{"brand_glossary_id": "glossary-medical", "name": "Medical vocabulary"},
	}
	brandKits = []obj{
		{"brand_kit_id": "brandkit-default", "name": "Default brand", "colors": []string{"#1a2b3c", "#f5f5f5", "#ff6600"},
			"logo_url": mediaHost + "/brand/brandkit-default/logo.png"},
		{"brand_kit_id": "brandkit-dark", "name": "Dark theme", "colors": []string{"#000000", "#ffffff"}, "logo_url": nil},
	}
	brandTime = time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC)
)

// GET /v3/brand-glossaries
func (s *Server) listBrandGlossaries(c *call) reply {
	def, max := c.facts.pageBounds()
	p, err := parsePage(c, "brand_glossaries", def, max)
	if err != nil {
		return err.reply()
	}
	idx := make([]int, len(brandGlossaries))
	for i := range idx {
		idx[i] = i
	}
	return ok(mapItems(paginate(idx, func(i int) int64 { return int64(i) }, p), func(i int) obj {
		g := obj{}
		for k, v := range brandGlossaries[i] {
			g[k] = v
		}
		g["created_at"] = isoTime(brandTime.Add(time.Duration(i) * 24 * time.Hour))
		g["updated_at"] = isoTime(brandTime.Add(time.Duration(i+3) * 24 * time.Hour))
		return g
	}))
}

// GET /v3/brand-kits
func (s *Server) listBrandKits(c *call) reply {
	def, max := c.facts.pageBounds()
	p, err := parsePage(c, "brand_kits", def, max)
	if err != nil {
		return err.reply()
	}
	idx := make([]int, len(brandKits))
	for i := range idx {
		idx[i] = i
	}
	return ok(mapItems(paginate(idx, func(i int) int64 { return int64(i) }, p), func(i int) obj { return brandKits[i] }))
}
