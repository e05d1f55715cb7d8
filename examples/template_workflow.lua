-- Pick a voice and a template, generate a video from the template with
-- variables, wait for it, and print its download link.
--
--   kosmo integrations:lua examples/template_workflow.lua --sandbox --force --json
local heygen = app.integrations.heygen

local voices = heygen.list_voice_id_options({language = "English"})
assert(voices.success, voices.error)
local voice = voices.voices[1]
print("Voice: " .. voice.name)

local template = heygen.list_templates({limit = 1}).data.templates[1]
print("Template: " .. template.name)

local made = heygen.create_video_from_template({
  template_id = template.template_id,
  variables = {headline = "Meet " .. voice.name},
  test = true,
})
assert(made.success, made.error)

local video = heygen.wait_for_video({video_id = made.video_id})
local link = heygen.retrieve_video_link({video_id = video.data.video_id})
assert(link.success, link.error)
print("URL: " .. link.video_url)
return link
