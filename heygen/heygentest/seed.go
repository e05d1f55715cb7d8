package heygentest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"time"
)

// The seed is generated from fixed inputs only, so it is the same on every
// run and every machine. All seed timestamps lie before seedEpoch.
var seedEpoch = time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC)

// Sizes of the seed, and ids that documentation examples and tests can rely on.
const (
	SeedVideoCount     = 260
	SeedAvatarGroups   = 30
	SeedAvatarLooks    = 80
	SeedPublicVoices   = 60
	SeedPrivateVoices  = 4
	SeedTemplateCount  = 25
	SampleVideoID      = "abc123"
	SampleAvatarID     = "avatar-abc123"
	SampleAvatarID2    = "avatar-id-here"
	SamplePhotoAvatar  = "photo-abc123"
	SampleVoiceID      = "voice-xyz789"
	SampleVoiceID2     = "voice-id-here"
	SampleTemplateID   = "template-abc123"
	FailMarker         = "[fail]"
	sandboxFailureCode = "sandbox_forced_failure"
)

var seedOnce = sync.OnceValue(buildCatalog)

// seedCatalog returns the shared, read-only seed catalog.
func seedCatalog() *catalog { return seedOnce() }

// hexID derives a stable 32-hex-digit id from a namespace and a number.
func hexID(ns string, i int) string {
	sum := sha256.Sum256([]byte(fmt.Sprintf("heygentest/%s/%d", ns, i)))
	return hex.EncodeToString(sum[:16])
}

func buildCatalog() *catalog {
	rng := rand.New(rand.NewPCG(20260115, 0x6b6f736d6f))
	c := &catalog{
		groupsByID:    map[string]*avatarGroup{},
		looksByID:     map[string]*avatarLook{},
		voicesByID:    map[string]*voice{},
		templatesByID: map[string]*template{},
	}
	seedVoices(c)
	seedAvatars(c)
	seedTemplates(c)
	seedVideos(c, rng)
	c.eventTypes = webhookEventTypes()
	return c
}

var femaleNames = []string{
	"Aria", "Beatriz", "Camille", "Daniela", "Elena", "Fatima", "Grace", "Hana",
	"Ingrid", "Jasmine", "Keiko", "Lucia", "Maya", "Nadia", "Olivia", "Priya",
	"Quinn", "Rosa", "Sofia", "Tara", "Ursula", "Valentina", "Wen", "Yara", "Zoe",
	"Amelia", "Brooke", "Clara", "Delia", "Esme",
}

var maleNames = []string{
	"Adrian", "Bruno", "Carlos", "Daniel", "Ethan", "Felix", "Gabriel", "Hiro",
	"Ivan", "Jonas", "Kenji", "Liam", "Mateo", "Noah", "Omar", "Pierre",
	"Rafael", "Samir", "Theo", "Umar", "Victor", "William", "Xavier", "Yusuf", "Zane",
	"Arjun", "Benedict", "Cyrus", "Dmitri", "Elias",
}

// voiceLanguages spreads the 60 public voices over twelve languages.
var voiceLanguages = []struct {
	name  string
	count int
}{
	{"English", 18}, {"Spanish", 6}, {"French", 5}, {"German", 5},
	{"Portuguese", 4}, {"Italian", 3}, {"Japanese", 4}, {"Chinese", 4},
	{"Korean", 3}, {"Hindi", 3}, {"Arabic", 3}, {"Dutch", 2},
}

var voiceEngineSets = [][]string{
	{"starfish", "elevenlabs"},
	{"elevenlabs"},
	{"starfish", "fish"},
}

func seedVoices(c *catalog) {
	i := 0
	for _, lang := range voiceLanguages {
		for k := 0; k < lang.count; k++ {
			gender, name := "female", femaleNames[i/2%len(femaleNames)]
			if i%2 == 1 {
				gender, name = "male", maleNames[i/2%len(maleNames)]
			}
			id := hexID("voice", i)
			switch i {
			case 0:
				id = SampleVoiceID
			case 1:
				id = SampleVoiceID2
			}
			v := &voice{
				id:            id,
				name:          fmt.Sprintf("%s - %s", name, voiceStyle(i)),
				language:      lang.name,
				gender:        gender,
				kind:          "public",
				previewURL:    mediaHost + "/voices/" + id + "/preview.mp3",
				supportPause:  i%4 != 3,
				supportLocale: (lang.name == "English" || lang.name == "Spanish" || lang.name == "Portuguese") && i%2 == 0,
				interactive:   i%5 == 0,
				engines:       voiceEngineSets[i%len(voiceEngineSets)],
			}
			c.voices = append(c.voices, v)
			i++
		}
	}
	clones := []struct{ name, lang, gender, status, failure string }{
		{"Founder voice clone", "English", "male", "complete", ""},
		{"Narrator voice clone", "English", "female", "complete", ""},
		{"Podcast voice clone", "Spanish", "female", "processing", ""},
		{"Noisy sample clone", "German", "male", "failed", "The recording has too much background noise to train a voice from it."},
	}
	for k, cl := range clones {
		id := hexID("cloned-voice", k)
		v := &voice{
			id:             id,
			name:           cl.name,
			language:       cl.lang,
			gender:         cl.gender,
			kind:           "private",
			supportPause:   true,
			engines:        []string{"starfish", "elevenlabs"},
			status:         cl.status,
			failureMessage: cl.failure,
			createdAt:      seedEpoch.Add(-time.Duration(k+1) * 36 * time.Hour),
		}
		if cl.status == "complete" {
			v.previewURL = mediaHost + "/voices/" + id + "/preview.mp3"
		}
		c.voices = append(c.voices, v)
	}
	for i, v := range c.voices {
		v.ord = i
		c.voicesByID[v.id] = v
	}
}

func voiceStyle(i int) string {
	styles := []string{"Friendly", "Professional", "Calm", "Energetic", "Warm", "Newscaster", "Conversational", "Storyteller"}
	return styles[i%len(styles)]
}

// englishVoice returns the n-th public English voice of a gender.
func (c *catalog) englishVoice(gender string, n int) string {
	var ids []string
	for _, v := range c.voices {
		if v.kind == "public" && v.language == "English" && v.gender == gender {
			ids = append(ids, v.id)
		}
	}
	return ids[n%len(ids)]
}

var lookOutfits = []string{
	"Office Front", "Business Suit", "Casual Sweater", "Lobby Standing", "Sofa Sitting",
	"Studio Blue", "Outdoor Park", "Kitchen", "Podium", "Desk Side",
}

func seedAvatars(c *catalog) {
	type groupPlan struct {
		kind   string // avatar_type of its looks
		looks  int
		status string // "" for public groups
	}
	var plans []groupPlan
	publicCounts := []int{4, 2, 3, 3}
	for g := 0; g < 22; g++ {
		plans = append(plans, groupPlan{kind: "studio_avatar", looks: publicCounts[g%len(publicCounts)]})
	}
	for k, st := range []string{"completed", "completed", "pending_consent", "processing", "failed"} {
		plans = append(plans, groupPlan{kind: "digital_twin", looks: []int{3, 2, 2, 1, 1}[k], status: st})
	}
	for k := 0; k < 3; k++ {
		plans = append(plans, groupPlan{kind: "photo_avatar", looks: []int{2, 2, 1}[k], status: "completed"})
	}

	lookNo := 0
	for g, p := range plans {
		female := g%2 == 0
		gender := "male"
		name := maleNames[g%len(maleNames)]
		if female {
			gender = "female"
			name = femaleNames[g%len(femaleNames)]
		}
		ownership := "public"
		groupName := name
		switch p.kind {
		case "digital_twin":
			ownership = "private"
			groupName = fmt.Sprintf("My twin %d (%s)", g-21, name)
		case "photo_avatar":
			ownership = "private"
			groupName = fmt.Sprintf("My photo avatar %d (%s)", g-26, name)
		}
		voiceID := c.englishVoice(gender, g/2)
		gid := hexID("avatar-group", g)
		grp := &avatarGroup{
			ID:              gid,
			Name:            groupName,
			Gender:          ptr(gender),
			LooksCount:      p.looks,
			CreatedAt:       seedEpoch.Add(-time.Duration(g+1) * 97 * time.Hour).Unix(),
			DefaultVoiceID:  ptr(voiceID),
			PreviewImageURL: ptr(mediaHost + "/avatars/" + gid + "/preview.jpg"),
			PreviewVideoURL: ptr(mediaHost + "/avatars/" + gid + "/preview.mp4"),
			ownership:       ownership,
		}
		if ownership == "private" {
			grp.Status = ptr(p.status)
			consent := "approved"
			if p.status == "pending_consent" {
				consent = "pending"
			}
			grp.ConsentStatus = ptr(consent)
			if p.status == "failed" {
				grp.Error = &avatarFail{Code: "training_failed", Message: "The training footage could not be used: no face was visible for long enough."}
			}
		}
		grp.ord = len(c.groups)
		c.groups = append(c.groups, grp)
		c.groupsByID[gid] = grp

		for k := 0; k < p.looks; k++ {
			outfit := lookOutfits[(g+k)%len(lookOutfits)]
			var id string
			switch p.kind {
			case "studio_avatar":
				id = fmt.Sprintf("%s_%s_2025%02d%02d", name, strings.ReplaceAll(outfit, " ", "_"), 1+g%12, 1+k*7)
			default:
				id = hexID("avatar-look", lookNo)
			}
			switch {
			case g == 0 && k == 0:
				id = SampleAvatarID
			case g == 1 && k == 0:
				id = SampleAvatarID2
			case g == 27 && k == 0:
				id = SamplePhotoAvatar
			}
			lk := &avatarLook{
				ID:              id,
				Name:            fmt.Sprintf("%s - %s", name, outfit),
				AvatarType:      p.kind,
				GroupID:         ptr(gid),
				Gender:          ptr(gender),
				DefaultVoiceID:  ptr(voiceID),
				PreviewImageURL: ptr(mediaHost + "/looks/" + id + "/preview.jpg"),
				Tags:            []string{},
				ownership:       ownership,
				matting:         lookNo%2 == 0,
			}
			switch p.kind {
			case "studio_avatar":
				lk.PreviewVideoURL = ptr(mediaHost + "/looks/" + id + "/preview.mp4")
				lk.SupportedAPIEngines = []string{"avatar_iv", "avatar_iii"}
				lk.Tags = []string{"studio", strings.ToLower(strings.Fields(outfit)[0])}
			case "digital_twin":
				lk.PreviewVideoURL = ptr(mediaHost + "/looks/" + id + "/preview.mp4")
				lk.SupportedAPIEngines = []string{"avatar_v", "avatar_iv", "avatar_iii"}
				lk.Tags = []string{"twin"}
			case "photo_avatar":
				lk.SupportedAPIEngines = []string{"avatar_iv", "avatar_iii"}
				lk.Tags = []string{"photo"}
				lk.matting = false
			}
			switch {
			case p.kind == "photo_avatar":
				lk.ImageWidth, lk.ImageHeight, lk.PreferredOrientation = ptr(1024), ptr(1024), ptr("square")
			case k%2 == 0:
				lk.ImageWidth, lk.ImageHeight, lk.PreferredOrientation = ptr(1920), ptr(1080), ptr("landscape")
			default:
				lk.ImageWidth, lk.ImageHeight, lk.PreferredOrientation = ptr(1080), ptr(1920), ptr("portrait")
			}
			if ownership == "private" {
				lk.Status = ptr(p.status)
				lk.Error = grp.Error
			}
			if id == SampleAvatarID {
				lk.matting = true
			}
			lk.ord = len(c.looks)
			c.looks = append(c.looks, lk)
			c.looksByID[id] = lk
			lookNo++
		}
	}
}

var templateNames = []string{
	"Product launch", "Weekly team update", "Customer welcome", "Sales outreach",
	"Event invitation", "Feature walkthrough", "Course introduction", "Holiday greeting",
	"Job offer", "Onboarding day one", "Quarterly results", "Webinar reminder",
	"Support follow-up", "Real estate listing", "Recipe of the week", "App store promo",
	"Investor pitch", "Safety training", "Birthday wishes", "Thank you note",
	"Newsletter digest", "Partner announcement", "Survey request", "Renewal reminder",
	"Internal policy update",
}

// templateVarPool is the set of variables templates draw from, after the
// mandatory "headline" text variable.
var templateVarPool = []struct{ name, kind string }{
	{"first_name", varText},
	{"logo", varImage},
	{"b_roll", varVideo},
	{"music", varAudio},
	{"presenter", varCharacter},
	{"narrator_voice", varVoice},
	{"company", varText},
	{"product_shot", varImage},
	{"call_to_action", varText},
}

func templateDefaults(tid, name, kind string) map[string]any {
	base := mediaHost + "/templates/" + tid + "/" + name
	switch kind {
	case varText:
		return map[string]any{"content": strings.ToUpper(name[:1]) + strings.ReplaceAll(name[1:], "_", " ") + " goes here"}
	case varImage:
		return map[string]any{"url": base + ".png", "asset_id": nil, "fit": "contain"}
	case varVideo:
		return map[string]any{"url": base + ".mp4", "asset_id": nil, "fit": "cover", "volume": 1}
	case varAudio:
		return map[string]any{"url": base + ".mp3", "asset_id": nil, "volume": 0.5}
	case varCharacter:
		return map[string]any{"character_id": SampleAvatarID, "type": "avatar"}
	case varVoice:
		return map[string]any{"voice_id": SampleVoiceID, "locale": nil}
	}
	return map[string]any{}
}

func seedTemplates(c *catalog) {
	ratios := []string{"16:9", "9:16", "1:1"}
	for i, name := range templateNames {
		tid := hexID("template", i)
		if i == 0 {
			tid = SampleTemplateID
		}
		t := &template{
			id:          tid,
			name:        name,
			aspectRatio: ratios[i%len(ratios)],
			createdAt:   seedEpoch.Add(-time.Duration(i+1) * 131 * time.Hour),
		}
		t.updatedAt = t.createdAt.Add(time.Duration(i%7+1) * 11 * time.Hour)
		t.vars = append(t.vars, templateVar{name: "headline", kind: varText})
		extra := 1 + i%5
		if i == 0 {
			extra = 6 // the sample template declares every variable type
		}
		for k := 0; k < extra; k++ {
			p := templateVarPool[(i+k)%len(templateVarPool)]
			if i == 0 {
				p = templateVarPool[k]
			}
			t.vars = append(t.vars, templateVar{name: p.name, kind: p.kind})
		}
		for k := range t.vars {
			t.vars[k].defaults = templateDefaults(tid, t.vars[k].name, t.vars[k].kind)
		}
		nScenes := 1 + i%4
		for k := 0; k < nScenes; k++ {
			t.scenes = append(t.scenes, templateScene{id: hexID("scene/"+tid, k)[:16]})
		}
		for k, v := range t.vars {
			sc := &t.scenes[k%nScenes]
			sc.vars = append(sc.vars, v.name)
		}
		for k := range t.scenes {
			sc := &t.scenes[k]
			var parts []string
			for _, vn := range sc.vars {
				if v, _ := t.variable(vn); v.kind == varText {
					parts = append(parts, "{{"+vn+"}}")
				}
			}
			if len(parts) > 0 {
				sc.script = fmt.Sprintf("Scene %d of %s: %s.", k+1, strings.ToLower(name), strings.Join(parts, ", "))
			}
		}
		t.ord = len(c.templates)
		c.templates = append(c.templates, t)
		c.templatesByID[tid] = t
	}
}

var videoTopics = []string{
	"Product demo", "Welcome message", "Quarterly update", "Onboarding lesson",
	"Support answer", "Sales pitch", "Event recap", "Training module",
	"Feature teaser", "Customer story", "Release notes", "Holiday card",
}

var videoAudiences = []string{
	"for new customers", "for the team", "for partners", "EMEA", "LATAM",
	"APAC", "internal", "v2", "short cut", "long cut",
}

var videoFolders = []string{"", "", "", "folder-marketing", "folder-sales", "folder-onboarding", "folder-support"}

var seedFailures = []struct{ code, message string }{
	{"avatar_render_failed", "The avatar could not be rendered for this script."},
	{"voice_synthesis_failed", "Speech could not be generated with the selected voice."},
	{"invalid_audio", "The audio input could not be decoded."},
	{"content_moderation", "The script was rejected by content moderation."},
	{"insufficient_credit", "The account ran out of credit while the video was rendering."},
}

func seedVideos(c *catalog, rng *rand.Rand) {
	created := seedEpoch
	for i := 0; i < SeedVideoCount; i++ {
		if i > 0 {
			created = created.Add(-(30*time.Minute + time.Duration(rng.IntN(600))*time.Minute))
		}
		v := &video{
			seq:       int64(SeedVideoCount - i),
			id:        hexID("video", i),
			createdAt: created,
			format:    "mp4",
			gif:       true,
			frozen:    true,
			duration:  math.Round((8+rng.Float64()*172)*100) / 100,
		}
		topic := videoTopics[rng.IntN(len(videoTopics))]
		aud := videoAudiences[rng.IntN(len(videoAudiences))]
		v.title = fmt.Sprintf("%s %s #%d", topic, aud, SeedVideoCount-i)
		if i%23 == 11 {
			v.title = "" // some videos have no title
		}
		v.folderID = videoFolders[rng.IntN(len(videoFolders))]

		switch {
		case i == 0:
			v.id = SampleVideoID
			v.title = "Sandbox sample video"
			v.folderID = ""
			v.status = "completed"
			v.subtitles, v.burnedCaptions = true, true
		case i <= 9:
			v.status = []string{"pending", "processing", "completed"}[(i-1)%3]
		case rng.IntN(100) < 14:
			v.status = "failed"
		default:
			v.status = "completed"
		}
		switch v.status {
		case "completed":
			v.completedAt = created.Add(time.Duration(v.duration*4)*time.Second + time.Duration(30+rng.IntN(300))*time.Second)
			if i != 0 && rng.IntN(3) == 0 {
				v.subtitles, v.burnedCaptions = true, true
			}
			if rng.IntN(15) == 0 {
				v.outputLanguage = []string{"es", "fr", "de", "ja"}[rng.IntN(4)]
			}
		case "failed":
			f := seedFailures[rng.IntN(len(seedFailures))]
			v.failureCode, v.failureMessage = f.code, f.message
		}
		c.videos = append(c.videos, v)
	}
}

func webhookEventTypes() []eventType {
	return []eventType{
		{"avatar_video.success", "An avatar video finished rendering."},
		{"avatar_video.fail", "An avatar video could not be rendered."},
		{"avatar_video_gif.success", "The GIF preview of a video is ready."},
		{"avatar_video_gif.fail", "The GIF preview of a video could not be made."},
		{"avatar_video_caption.success", "Captions for a video are ready."},
		{"avatar_video_caption.fail", "Captions for a video could not be made."},
		{"video_translate.success", "A video translation finished."},
		{"video_translate.fail", "A video translation failed."},
		{"video_translate.preflight.validation_failed", "A translation was refused by the checks run before it started."},
		{"video_translate.preflight.download_failed", "The source of a translation could not be downloaded."},
		{"personalized_video", "A personalized video changed state."},
		{"instant_avatar.success", "An instant avatar is ready to use."},
		{"instant_avatar.fail", "An instant avatar could not be created."},
		{"photo_avatar_generation.success", "Generated photo avatar images are ready."},
		{"photo_avatar_generation.fail", "Photo avatar images could not be generated."},
		{"photo_avatar_train.success", "A photo avatar finished training."},
		{"photo_avatar_train.fail", "A photo avatar could not be trained."},
		{"photo_avatar_add_motion.success", "Motion was added to a photo avatar."},
		{"photo_avatar_add_motion.fail", "Motion could not be added to a photo avatar."},
		{"proofread_creation.success", "A proofreading session is ready."},
		{"proofread_creation.fail", "A proofreading session could not be created."},
		{"live_avatar.success", "A live avatar session ended normally."},
		{"live_avatar.fail", "A live avatar session failed."},
		{"video_agent.success", "A video agent produced its video."},
		{"video_agent.fail", "A video agent could not produce its video."},
		{"hyperframes_video.success", "A HyperFrames video finished rendering."},
		{"hyperframes_video.fail", "A HyperFrames video could not be rendered."},
		{"ai_clipping.success", "An AI clipping job produced its clips."},
		{"ai_clipping.fail", "An AI clipping job failed."},
		{"batch.finished", "Every item of a batch has finished, successfully or not."},
	}
}
