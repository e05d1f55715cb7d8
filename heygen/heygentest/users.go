package heygentest

import "time"

type userObject struct {
	Username     string            `json:"username"`
	Email        *string           `json:"email"`
	FirstName    *string           `json:"first_name"`
	LastName     *string           `json:"last_name"`
	BillingType  *string           `json:"billing_type"`
	Wallet       *walletInfo       `json:"wallet"`
	Subscription *subscriptionInfo `json:"subscription"`
	UsageBased   *usageInfo        `json:"usage_based"`
}

type walletInfo struct {
	Currency         string      `json:"currency"`
	RemainingBalance *float64    `json:"remaining_balance"`
	AutoReload       *autoReload `json:"auto_reload"`
}

type autoReload struct {
	Enabled      bool     `json:"enabled"`
	AmountUSD    *float64 `json:"amount_usd"`
	ThresholdUSD *float64 `json:"threshold_usd"`
}

type subscriptionInfo struct {
	Plan    string      `json:"plan"`
	Credits creditsInfo `json:"credits"`
}

type creditsInfo struct {
	PremiumCredits *creditBucket `json:"premium_credits"`
	AddOnCredits   *creditBucket `json:"add_on_credits"`
}

type creditBucket struct {
	Remaining *int    `json:"remaining"`
	ResetsAt  *string `json:"resets_at"`
}

type usageInfo struct {
	IncludedCredits    *float64 `json:"included_credits"`
	RemainingCredits   *float64 `json:"remaining_credits"`
	SpendingCapUSD     *float64 `json:"spending_cap_usd"`
	SpendingCurrentUSD *float64 `json:"spending_current_usd"`
}

// GET /v3/users/me. The account type follows from the key (see
// billingFor); exactly one of wallet, subscription and usage_based is set.
func (s *Server) getCurrentUser(c *call) reply {
	t := c.t
	short := t.id[:8]
	u := userObject{
		Username:  "sandbox-" + short,
		Email:     ptr("sandbox-" + short + "@kosmo.invalid"),
		FirstName: ptr("Sandbox"),
		LastName:  ptr("User"),
	}
	now := c.now.UTC()
	resets := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	switch t.billing {
	case billingWallet:
		u.BillingType = ptr("wallet")
		u.Wallet = &walletInfo{Currency: "usd", RemainingBalance: ptr(125.5), AutoReload: &autoReload{Enabled: false}}
	case billingUsage:
		u.BillingType = ptr("usage_based")
		u.UsageBased = &usageInfo{
			IncludedCredits:    ptr(1000.0),
			RemainingCredits:   ptr(742.5),
			SpendingCapUSD:     ptr(500.0),
			SpendingCurrentUSD: ptr(37.25),
		}
	case billingFree:
		u.BillingType = ptr("subscription")
		u.Subscription = &subscriptionInfo{Plan: "free", Credits: creditsInfo{
			PremiumCredits: &creditBucket{Remaining: ptr(10), ResetsAt: &resets},
		}}
	default:
		u.BillingType = ptr("subscription")
		u.Subscription = &subscriptionInfo{Plan: "pro", Credits: creditsInfo{
			PremiumCredits: &creditBucket{Remaining: ptr(2000), ResetsAt: &resets},
			AddOnCredits:   &creditBucket{Remaining: ptr(150)},
		}}
	}
	return ok(single{Data: u})
}

func (s *Server) userRoutes() []route {
	return []route{newRoute("GET", "/v3/users/me", s.getCurrentUser)}
}
