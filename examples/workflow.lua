-- A complete workflow: pick an avatar and a voice, create a test video,
-- wait until HeyGen has rendered it, and hand back its URL.
--
--   kosmo integrations:lua examples/workflow.lua --sandbox --force --json
local heygen = app.integrations.heygen

local avatars = heygen.list_avatars({max = 1}).data.avatars
local voices = heygen.list_voices({language = "English", max = 1}).data.voices
local avatar, voice = avatars[1], voices[1]
print("Avatar: " .. avatar.avatar_name .. " (" .. avatar.avatar_id .. ")")
print("Voice:  " .. voice.display_name .. " (" .. voice.voice_id .. ")")

local created = heygen.create_video({
  video_inputs = {
    {
      character = {avatar_id = avatar.avatar_id, voice_id = voice.voice_id},
      script = "Hello! This video was made by a kosmo workflow.",
    },
  },
  dimension = {width = 1280, height = 720},
  title = "kosmo workflow demo",
  test = true,
})
print("Created video " .. created.data.video_id)

local video = heygen.wait_for_video({video_id = created.data.video_id, timeout = 600})
print("Status: " .. video.data.status .. ", " .. video.data.duration .. " s")
print("URL: " .. video.data.video_url)

return {video_id = video.data.video_id, url = video.data.video_url, duration = video.data.duration}
