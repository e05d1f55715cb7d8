local r = app.integrations.heygen.create_video_from_template({
template_id = "template-abc123",
variables = {
headline = {properties = {content = "Our new product"}}
},
test = true
})
print(r.success, r.video_id, r.status)
