package monitor

import (
	"time"

	"github.com/sf-async-deploy/sf-async-deploy/internal/salesforce"
)

// MaxVisibility is the longest one SQS receipt can stay hidden: 12 hours.
const MaxVisibility = 12 * time.Hour

// Ticker chooses when to check a running deployment next.
type Ticker interface {
	Next(req Request, status salesforce.DeployResult, now time.Time) time.Duration
}

// FixedTick checks on the request's tick, clamped to Min..Max (and to 12 hours).
type FixedTick struct {
	Default  time.Duration
	Min, Max time.Duration
}

// Next returns the request's tick within the bounds.
func (f FixedTick) Next(req Request, _ salesforce.DeployResult, _ time.Time) time.Duration {
	tick := time.Duration(req.TickSeconds) * time.Second
	if tick <= 0 {
		tick = f.Default
	}
	return Clamp(tick, f.Min, f.Max)
}

// Clamp bounds a tick to lo..hi and to the SQS visibility limit.
func Clamp(d, lo, hi time.Duration) time.Duration {
	if hi <= 0 || hi > MaxVisibility {
		hi = MaxVisibility
	}
	if lo > hi {
		lo = hi
	}
	return min(max(d, lo), hi)
}
