local result = app.integrations.heygen.list_avatars({})
for _, avatar in ipairs(result.data.avatars) do
print(avatar.avatar_id .. ": " .. avatar.avatar_name)
end
