local result = app.integrations.heygen.list_voices({})
for _, voice in ipairs(result.data.voices) do
print(voice.voice_id .. ": " .. voice.display_name .. " (" .. voice.language .. ")")
end
