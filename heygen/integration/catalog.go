package integration

import (
	"context"

	"github.com/kosmo-dev/kosmo/heygen"
	"github.com/kosmo-dev/kosmo/luahost/registry"
)

// Page sizes used when walking whole listings: each endpoint's maximum.
const (
	looksPageSize  = 50
	voicesPageSize = 100
)

func lookValue(l *heygen.AvatarLook) map[string]any {
	return withNames(l.Raw, map[string]any{"avatar_id": l.ID, "avatar_name": l.Name})
}

func voiceValue(v *heygen.Voice) map[string]any {
	return withNames(v.Raw, map[string]any{"display_name": v.Name})
}

func templateValue(t *heygen.Template) map[string]any {
	return withNames(t.Raw, map[string]any{"template_id": t.ID})
}

func listAvatars(ctx context.Context, c *registry.Call) (any, error) {
	s := sessionOf(c)
	p := heygen.LookListParams{
		GroupID: str(c.Args, "group_id"), AvatarType: str(c.Args, "avatar_type"), Ownership: str(c.Args, "ownership"),
	}
	looks, more, err := all(ctx, looksPageSize, intArg(c.Args, "max"),
		func(ctx context.Context, size int, token string) (*heygen.Page[heygen.AvatarLook], error) {
			q := p
			q.Limit, q.Token = size, token
			return s.client.Avatars.ListLooks(ctx, q)
		})
	if err != nil {
		return nil, mapError("heygen.list_avatars", err)
	}
	return map[string]any{"data": map[string]any{"avatars": list(looks, lookValue), "truncated": more}}, nil
}

func fetchVoices(ctx context.Context, s *session, args map[string]any) ([]heygen.Voice, bool, error) {
	p := heygen.VoiceListParams{
		Language: str(args, "language"), Gender: str(args, "gender"), Type: str(args, "type"), Engine: str(args, "engine"),
	}
	return all(ctx, voicesPageSize, intArg(args, "max"),
		func(ctx context.Context, size int, token string) (*heygen.Page[heygen.Voice], error) {
			q := p
			q.Limit, q.Token = size, token
			return s.client.Voices.List(ctx, q)
		})
}

func listVoices(ctx context.Context, c *registry.Call) (any, error) {
	voices, more, err := fetchVoices(ctx, sessionOf(c), c.Args)
	if err != nil {
		return nil, mapError("heygen.list_voices", err)
	}
	return map[string]any{"data": map[string]any{"voices": list(voices, voiceValue), "truncated": more}}, nil
}

// quota reads the remaining figure of whichever billing block HeyGen
// filled in, and names where it came from. When HeyGen gave no figure the
// value is nil (never 0, which would read as "out of credit") and reason
// says why.
func quota(u *heygen.User) (remaining any, source, reason string) {
	switch {
	case u.Wallet != nil && u.Wallet.RemainingBalance != nil:
		return *u.Wallet.RemainingBalance, "wallet.remaining_balance", ""
	case u.Subscription != nil:
		total, seen := int64(0), false
		for _, pool := range []*heygen.CreditPool{u.Subscription.Credits.PremiumCredits, u.Subscription.Credits.AddOnCredits} {
			if pool != nil && pool.Remaining != nil {
				total += *pool.Remaining
				seen = true
			}
		}
		if seen {
			return total, "subscription.credits", ""
		}
		return nil, "none", "HeyGen sent the subscription block without a remaining credit count"
	case u.UsageBased != nil && u.UsageBased.RemainingCredits != nil:
		return *u.UsageBased.RemainingCredits, "usage_based.remaining_credits", ""
	case u.Wallet != nil:
		return nil, "none", "HeyGen sent the wallet block without a remaining balance"
	case u.UsageBased != nil:
		return nil, "none", "HeyGen sent the usage-based block without remaining credits"
	}
	return nil, "none", "HeyGen reported no billing details (wallet, subscription or usage_based) for this account"
}

func getCurrentUser(ctx context.Context, c *registry.Call) (any, error) {
	u, err := sessionOf(c).client.Users.Me(ctx)
	if err != nil {
		return nil, mapError("heygen.get_current_user", err)
	}
	plan := u.BillingType
	if u.Subscription != nil && u.Subscription.Plan != "" {
		plan = u.Subscription.Plan
	}
	if plan == "" {
		plan = "unknown"
	}
	remaining, source, reason := quota(u)
	names := map[string]any{"plan": plan, "remaining_quota": remaining, "quota_source": source}
	if reason != "" {
		names["remaining_quota_unknown"] = reason
	}
	data := withNames(u.Raw, names)
	return map[string]any{"data": data}, nil
}

func listTemplates(ctx context.Context, c *registry.Call) (any, error) {
	s := sessionOf(c)
	offset, limit := intArg(c.Args, "offset"), intArg(c.Args, "limit")
	items, more, err := window(ctx, s, "templates", listPageSize, offset, limit,
		func(ctx context.Context, size int, token string) (*heygen.Page[heygen.Template], error) {
			return s.client.Templates.List(ctx, heygen.TemplateListParams{Limit: size, Token: token})
		})
	if err != nil {
		return nil, mapError("heygen.list_templates", err)
	}
	return map[string]any{"data": map[string]any{
		"templates": list(items, templateValue),
		"limit":     limit,
		"offset":    offset,
		"has_more":  more,
	}}, nil
}
