-- Create a video with custom dimensions
local result = app.integrations.heygen.create_video({
video_inputs = {
{
character = {
avatar_id = "avatar-abc123",
voice_id = "voice-xyz789"
},
script = "This is a landscape video."
}
},
dimension = { width = 1920, height = 1080 },
test = false
})
print("Video ID: " .. result.data.video_id)
