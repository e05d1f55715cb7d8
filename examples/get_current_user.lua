local result = app.integrations.heygen.get_current_user({})
print("Plan: " .. result.data.plan)
print("Remaining credits: " .. result.data.remaining_quota)
