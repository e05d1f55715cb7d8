local heygen = app.integrations.heygen
local result = heygen.list_videos({limit = 1, offset = 1})
dump(result)
