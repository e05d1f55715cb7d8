//go:build !linux

package mcpclient

// BecomeSubreaper is a no-op outside Linux: descendants are stopped by
// process group only.
func BecomeSubreaper() error { return nil }

func killMarked(string, int) int { return 0 }
