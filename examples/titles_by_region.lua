-- Group recent videos by the region code in their titles ("Sales pitch
-- LATAM #259") with a PCRE pattern, the subject first as in KosmoKrator.
--
--   kosmo integrations:lua examples/titles_by_region.lua --sandbox
local videos = app.integrations.heygen.list_videos({limit = 100}).data.videos

local by_region, regions = {}, {}
for _, video in ipairs(videos) do
  local m = regex.match(video.title or "", "/^(.+?)\\s+([A-Z]{2,})\\s+#(\\d+)$/")
  if m then
    local region = m[3]
    if not by_region[region] then
      by_region[region] = {}
      regions[#regions + 1] = region
    end
    table.insert(by_region[region], m[4])
  end
end

table.sort(regions)
for _, region in ipairs(regions) do
  print(string.format("%-6s %3d videos  (#%s)", region, #by_region[region], table.concat(by_region[region], ", #")))
end

-- Every number in every title, in one call: pattern order gives the list
-- of whole matches first.
local titles = {}
for i, video in ipairs(videos) do titles[i] = video.title or "" end
local numbers = regex.match_all(table.concat(titles, "\n"), "/#(\\d+)/")
print(#(numbers[2] or {}) .. " numbered titles")
