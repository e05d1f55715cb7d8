// Package heygen is a client for HeyGen's v3 REST API
// (https://api.heygen.com/v3/...).
//
// Create a Client with an API key and use its services, one per resource:
//
//	c, err := heygen.NewClient(os.Getenv("HEYGEN_API_KEY"))
//	if err != nil { ... }
//	page, err := c.Videos.List(ctx, heygen.VideoListParams{Limit: 20})
//	for v, err := range c.Videos.All(ctx, heygen.VideoListParams{}) { ... }
//
//	created, err := c.Videos.Create(ctx, &heygen.CreateVideoRequest{
//		Type:     heygen.VideoTypeAvatar,
//		AvatarID: lookID,
//		VoiceID:  voiceID,
//		Script:   "Hello!",
//	})
//	video, err := c.Videos.Wait(ctx, created.VideoID, heygen.WaitOptions{})
//
// # Responses
//
// Every resource type has typed fields for the documented members and a
// Raw map holding the whole object as HeyGen sent it, decoded with
// json.Decoder.UseNumber so that numbers arrive as exact json.Number
// values. Members HeyGen sends as null leave strings empty and pointers
// nil.
//
// # Errors
//
// Calls fail with one of:
//
//   - *APIError: HeyGen answered with an error. Code is HeyGen's code
//     (e.g. "video_not_found") or, when the body has none (an HTML gateway
//     page, an empty body), one derived from the status such as "not_found"
//     or "unclassified_server_error". Older body shapes with a numeric code
//     are understood too, and a 2xx response whose body carries an error is
//     reported as an APIError as well. A 2xx body that is not HeyGen's JSON
//     envelope gives Code "malformed_response".
//   - *NetworkError: no response was received (connection failure, timeout
//     or cancellation); it unwraps to the cause.
//   - *VideoFailedError: VideosService.Wait saw the video fail.
//
// Use errors.As to tell them apart. The API key never appears in any error
// text, and printing a Client does not show it.
//
// # Retries
//
// Failed attempts are retried with exponential backoff and jitter (by
// default twice, waiting about 1s then 2s, never more than 30s): a 429 for
// every method, honoring Retry-After; 500, 502, 503, 504 and transport
// errors only for GET, HEAD, PUT, DELETE and OPTIONS. A POST or PATCH is
// therefore never sent twice unless the server answered 429. Timeouts and
// cancellations are not retried. Every wait goes through the function set
// with WithSleep and stops as soon as the context ends.
package heygen
