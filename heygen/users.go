package heygen

import (
	"context"
	"net/http"
)

// UsersService covers GET /v3/users/me.
type UsersService service

// Values of User.BillingType.
const (
	BillingWallet       = "wallet"
	BillingSubscription = "subscription"
	BillingUsageBased   = "usage_based"
)

// User is the account that owns the API key. Only the billing block named
// by BillingType is filled in; the others are nil.
type User struct {
	Username     string        `json:"username"`
	Email        string        `json:"email"`
	FirstName    string        `json:"first_name"`
	LastName     string        `json:"last_name"`
	BillingType  string        `json:"billing_type"` // one of the Billing constants, or empty
	Wallet       *Wallet       `json:"wallet"`
	Subscription *Subscription `json:"subscription"`
	UsageBased   *UsageBased   `json:"usage_based"`

	// Raw is the whole object exactly as HeyGen sent it.
	Raw map[string]any `json:"-"`
}

// UnmarshalJSON fills the typed fields and Raw from the same bytes.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	var p plain
	raw, err := unmarshalWithRaw(b, &p)
	if err != nil {
		return err
	}
	*u = User(p)
	u.Raw = raw
	return nil
}

// Wallet is a prepaid balance, the usual case for API keys.
type Wallet struct {
	Currency         string      `json:"currency"` // "usd", or "credits" for Enterprise
	RemainingBalance *float64    `json:"remaining_balance"`
	AutoReload       *AutoReload `json:"auto_reload"`
}

// AutoReload describes automatic wallet top-ups.
type AutoReload struct {
	Enabled      bool     `json:"enabled"`
	AmountUSD    *float64 `json:"amount_usd"`
	ThresholdUSD *float64 `json:"threshold_usd"`
}

// Subscription is a plan with credit pools (OAuth apps).
type Subscription struct {
	Plan    string              `json:"plan"` // "free", "starter", "creator", "pro", "team", "enterprise", "business_plus"
	Credits SubscriptionCredits `json:"credits"`
}

// SubscriptionCredits holds the credit pools of a subscription.
type SubscriptionCredits struct {
	PremiumCredits *CreditPool `json:"premium_credits"`
	AddOnCredits   *CreditPool `json:"add_on_credits"`
}

// CreditPool is one pool of credits.
type CreditPool struct {
	Remaining *int64 `json:"remaining"`
	ResetsAt  string `json:"resets_at"`
}

// UsageBased is metered billing with an optional spending cap.
type UsageBased struct {
	IncludedCredits    *float64 `json:"included_credits"`
	RemainingCredits   *float64 `json:"remaining_credits"`
	SpendingCapUSD     *float64 `json:"spending_cap_usd"`
	SpendingCurrentUSD *float64 `json:"spending_current_usd"`
}

// Me returns the current user with plan and credit information.
func (s *UsersService) Me(ctx context.Context) (*User, error) {
	u := new(User)
	if err := s.client.getData(ctx, http.MethodGet, "/v3/users/me", nil, nil, u); err != nil {
		return nil, err
	}
	return u, nil
}
