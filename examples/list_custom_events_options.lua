local r = app.integrations.heygen.list_custom_events_options({})
for _, event in ipairs(r.events) do
print(event)
end
