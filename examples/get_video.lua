local result = app.integrations.heygen.get_video({
video_id = "abc123"
})
print("Status: " .. result.data.status)
if result.data.video_url then
print("Download: " .. result.data.video_url)
end
