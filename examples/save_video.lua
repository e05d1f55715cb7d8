-- Create a video with captions, wait until it is rendered, and save the mp4
-- and its subtitles (files go under --output-dir, the current directory by
-- default).
--
--   kosmo integrations:lua examples/save_video.lua --sandbox --output-dir out --json
local heygen = app.integrations.heygen

local created = heygen.create_video({
  video_inputs = {
    {
      character = {avatar_id = "avatar-abc123", voice_id = "voice-xyz789"},
      script = "Hello! This video was saved by a kosmo script.",
    },
  },
  title = "kosmo save demo",
  caption = true,
})
heygen.wait_for_video({video_id = created.data.video_id})

local mp4 = heygen.download({video_id = created.data.video_id, path = "kosmo-demo.mp4"})
local srt = heygen.download({video_id = created.data.video_id, asset = "subtitle", path = "kosmo-demo.srt"})
print("Saved " .. mp4.data.path .. " (" .. mp4.data.bytes .. " bytes)")
print("Saved " .. srt.data.path)

return {video = mp4.data.path, subtitles = srt.data.path, bytes = mp4.data.bytes}
