-- A parametrised workflow: the values come from the command line as data
-- (args.*), never pasted into Lua source.
--
--   URL=$(kosmo integrations:lua examples/make_video.lua --sandbox --force \
--           --arg script="Hello from CI" --arg title="Release notes")
--   kosmo integrations:lua examples/make_video.lua --dry-run --arg script="Hi"
--
-- args.script (required), args.title, args.avatar_id, args.voice_id.
local heygen = app.integrations.heygen
if not args.script then
  print("usage: --arg script=TEXT [--arg title=TEXT] [--arg avatar_id=ID] [--arg voice_id=ID]")
  os.exit(2)
end

local avatar_id = args.avatar_id or heygen.list_avatars({max = 1}).data.avatars[1].avatar_id
local voice_id = args.voice_id or heygen.list_voices({language = "English", max = 1}).data.voices[1].voice_id

local created = heygen.create_video({
  video_inputs = {{character = {avatar_id = avatar_id, voice_id = voice_id}, script = tostring(args.script)}},
  title = args.title and tostring(args.title) or nil,
})
local video = heygen.wait_for_video({video_id = created.data.video_id, timeout = 600})
return video.data.video_url
