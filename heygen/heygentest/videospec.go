package heygentest

import "sync"

// createVideoSpec mirrors the request schema of POST /v3/videos. It is
// built on first use: the package is linked into kosmo, whose start-up
// should not pay for the simulator.
var createVideoSpec = sync.OnceValue(func() *spec {
	return union("type", map[string]*spec{
		"avatar":           avatarVideoSpec(),
		"image":            imageVideoSpec(),
		"cinematic_avatar": cinematicVideoSpec(),
		"studio":           studioVideoSpec(),
	})
})

var (
	resolutions  = []string{"4k", "1080p", "720p"}
	aspectRatios = []string{"16:9", "9:16", "4:5", "5:4", "1:1", "auto"}
)

func assetInput() *spec {
	return union("type", map[string]*spec{
		"url":      object([]string{"url"}, map[string]*spec{"url": str()}),
		"asset_id": object([]string{"asset_id"}, map[string]*spec{"asset_id": str()}),
		"base64":   object([]string{"media_type", "data"}, map[string]*spec{"media_type": str(), "data": str()}),
	})
}

func engineSpec() *spec {
	return union("type", map[string]*spec{
		"avatar_v":   object(nil, map[string]*spec{"reference_look_id": str().null()}),
		"avatar_iv":  object(nil, nil),
		"avatar_iii": object(nil, nil),
	}).null()
}

func voiceSettingsSpec() *spec {
	return object(nil, map[string]*spec{
		"speed":  num().between(0.5, 1.5),
		"pitch":  num().between(-50, 50),
		"volume": num().between(0, 1),
		"locale": str().null(),
		"engine_settings": union("engine_type", map[string]*spec{
			"elevenlabs": object(nil, map[string]*spec{
				"model":             oneOfStr("eleven_multilingual_v2", "eleven_turbo_v2_5", "eleven_flash_v2_5", "eleven_v3").null(),
				"stability":         num().null(),
				"similarity_boost":  num().null(),
				"style":             num().null(),
				"use_speaker_boost": boolean().null(),
			}),
			"fish": object(nil, map[string]*spec{
				"model":      oneOfStr("s1", "s2-pro").null(),
				"stability":  num().null(),
				"similarity": num().null(),
			}),
			"starfish": object(nil, nil),
		}).null(),
	}).null()
}

func captionSpec() *spec {
	return object(nil, map[string]*spec{
		"file_format": oneOfStr("srt"),
		"style":       oneOfStr("default").null(),
	}).null()
}

func watermarkSpec() *spec {
	return object([]string{"image"}, map[string]*spec{
		"image":   assetInput(),
		"opacity": num().between(0, 1),
		"scale":   num().above(0, 100),
		"placement": object(nil, map[string]*spec{
			"position": oneOfStr("top_left", "top_right", "bottom_left", "bottom_right"),
			"offset_x": num().null(),
			"offset_y": num().null(),
		}).null(),
	}).null()
}

// speechFields are the audio-source fields shared by every speaking input.
func speechFields(props map[string]*spec) map[string]*spec {
	props["script"] = str().null()
	props["voice_id"] = str().null()
	props["audio_url"] = str().null()
	props["audio_asset_id"] = str().null()
	props["voice_settings"] = voiceSettingsSpec()
	return props
}

// singleClipFields are the fields the avatar and image variants share.
func singleClipFields() map[string]*spec {
	return speechFields(map[string]*spec{
		"title":             str().null(),
		"resolution":        oneOfStr(resolutions...).null(),
		"aspect_ratio":      oneOfStr(aspectRatios...).null(),
		"output_format":     oneOfStr("mp4", "webm"),
		"fit":               oneOfStr("contain", "cover").null(),
		"remove_background": boolean().null(),
		"background": object([]string{"type"}, map[string]*spec{
			"type":     oneOfStr("color", "image"),
			"value":    str().null(),
			"url":      str().null(),
			"asset_id": str().null(),
		}).null(),
		"caption":        captionSpec(),
		"callback_url":   str().null(),
		"callback_id":    str().null(),
		"expressiveness": oneOfStr("high", "medium", "low").null(),
		"motion_prompt":  str().null(),
		"watermark":      watermarkSpec(),
	})
}

func avatarVideoSpec() *spec {
	props := singleClipFields()
	props["avatar_id"] = str()
	props["engine"] = engineSpec()
	return object([]string{"avatar_id"}, props)
}

func imageVideoSpec() *spec {
	props := singleClipFields()
	props["image"] = assetInput()
	return object([]string{"image"}, props)
}

func cinematicVideoSpec() *spec {
	ids := array(str())
	ids.between(1, 3)
	return object([]string{"prompt", "avatar_id"}, map[string]*spec{
		"prompt":         str(),
		"avatar_id":      ids,
		"references":     array(assetInput()).null(),
		"duration":       integer().between(4, 15).null(),
		"auto_duration":  boolean(),
		"enhance_prompt": boolean(),
		// The schema's enum lists six ratios, but this type renders only three.
		"aspect_ratio": oneOfStr("16:9", "9:16", "1:1"),
		"resolution":   oneOfStr("720p", "1080p"),
		"title":        str().null(),
	})
}

func studioVideoSpec() *spec {
	scenes := array(sceneSpec())
	scenes.between(1, 50)
	return object([]string{"scenes"}, map[string]*spec{
		"scenes":       scenes,
		"title":        str().null(),
		"resolution":   oneOfStr(resolutions...).null(),
		"aspect_ratio": oneOfStr(aspectRatios...).null(),
		"caption":      captionSpec(),
		"callback_url": str().null(),
		"callback_id":  str().null(),
		"watermark":    watermarkSpec(),
	})
}

func sceneSpec() *spec {
	avatarInput := speechFields(map[string]*spec{
		"avatar_id":      str(),
		"engine":         engineSpec(),
		"expressiveness": oneOfStr("high", "medium", "low").null(),
		"motion_prompt":  str().null(),
		"background": union("type", map[string]*spec{
			"color": object([]string{"color"}, map[string]*spec{"color": str()}),
		}).null(),
	})
	imageInput := speechFields(map[string]*spec{
		"image":          assetInput(),
		"expressiveness": oneOfStr("high", "medium", "low").null(),
		"motion_prompt":  str().null(),
	})
	return union("type", map[string]*spec{
		"avatar_video": object([]string{"input"}, map[string]*spec{
			"input": union("type", map[string]*spec{
				"avatar": object([]string{"avatar_id"}, avatarInput),
				"image":  object([]string{"image"}, imageInput),
			}),
		}),
		"image": object([]string{"source"}, speechFields(map[string]*spec{
			"source":   assetInput(),
			"duration": num().above(0, 300).null(),
		})),
		"video": object([]string{"source"}, map[string]*spec{
			"source": assetInput(),
			"playback": object(nil, map[string]*spec{
				"volume": num().between(0, 1),
				"mute":   boolean(),
			}).null(),
		}),
	})
}
