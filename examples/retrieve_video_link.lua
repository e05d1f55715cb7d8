local r = app.integrations.heygen.retrieve_video_link({video_id = "abc123"})
if r.success and r.video_url then
print("Download: " .. r.video_url)
end
