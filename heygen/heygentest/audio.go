package heygentest

import (
	"fmt"
	"hash/fnv"
	"math"
	"strings"
)

func (s *Server) audioRoutes() []route {
	return []route{checkedRoute("GET", "/v3/audio/sounds", s.searchSounds)}
}

// GET /v3/audio/sounds: 30 made-up tracks per query with falling scores;
// min_score cuts the list.
func (s *Server) searchSounds(c *call) reply {
	q := strings.ToLower(strings.TrimSpace(c.query.Get("query")))
	typ := c.query.Get("type")
	if typ == "" {
		typ = "music"
	}
	minScore := 0.7
	if v := c.query.Get("min_score"); v != "" {
		fmt.Sscan(v, &minScore)
	}
	def, max := c.facts.pageBounds()
	p, err := parsePage(c, "sounds", def, max, "query="+q, "type="+typ, fmt.Sprintf("min_score=%g", minScore))
	if err != nil {
		return err.reply()
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(q))
	seed := h.Sum32() % 1000
	var items []int
	for i := 0; i < 30; i++ {
		if soundScore(i) >= minScore {
			items = append(items, i)
		}
	}
	page := paginate(items, func(i int) int64 { return int64(i) }, p)
	return ok(mapItems(page, func(i int) obj {
		id := fmt.Sprintf("%s-%03d-%02d", typ, seed, i)
		dur := 30.0 + float64(i*7%90)
		it := obj{
			"id":          id,
			"name":        fmt.Sprintf("%s %d", capitalize(q), i+1),
			"description": fmt.Sprintf("A %s track matching %q.", strings.ReplaceAll(typ, "_", " "), q),
			"audio_url":   mediaHost + "/sounds/" + id + "/audio.mp3",
			"duration":    dur,
			"score":       soundScore(i),
			"type":        typ,
			"peak_offset": nil,
			"placement":   nil,
		}
		if typ == "sound_effects" {
			it["duration"] = 1.5 + float64(i%5)
			it["peak_offset"] = 0.4
			it["placement"] = "start"
		}
		return it
	}))
}

func soundScore(i int) float64 { return math.Round((0.99-float64(i)*0.02)*100) / 100 }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
