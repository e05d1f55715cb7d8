-- List recent videos
local result = app.integrations.heygen.list_videos({
limit = 10,
offset = 0
})
for _, video in ipairs(result.data.videos) do
print(video.video_id .. ": " .. video.status)
end
