local result = app.integrations.heygen.list_templates({
limit = 20,
offset = 0
})
for _, template in ipairs(result.data.templates) do
print(template.template_id .. ": " .. template.name)
end
