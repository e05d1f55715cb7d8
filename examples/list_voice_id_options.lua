local r = app.integrations.heygen.list_voice_id_options({})
for _, voice in ipairs(r.voices) do
print(voice.voice_id .. ": " .. voice.name)
end
