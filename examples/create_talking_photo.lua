local r = app.integrations.heygen.create_talking_photo({
talking_photo_id = "photo-abc123",
text = "Hello from a talking photo!",
voice_id = "voice-xyz789",
talking_style = "expressive",
test = true
})
if r.success then
print("Video ID: " .. r.video_id .. " (" .. r.status .. ")")
else
print("Failed: " .. r.error)
end
