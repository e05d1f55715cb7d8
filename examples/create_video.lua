-- Create a simple avatar video
local result = app.integrations.heygen.create_video({
video_inputs = {
{
character = {
avatar_id = "avatar-abc123",
voice_id = "voice-xyz789"
},
script = "Welcome to our product demo!"
}
},
test = true
})
print("Video ID: " .. result.data.video_id)
