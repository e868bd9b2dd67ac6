package dialog

import "time"

// Failure is a delivery that did not go through, as a channel's deliverer reports it: what went
// wrong, for the log, and what the sender should do about it. It lives here, beside Delivery,
// so that the adapters and the sender share it without importing one another.
type Failure struct {
	// Err is what went wrong; Error and Unwrap return it, so the failure reads as the
	// platform's error and errors.As still finds the platform's own types.
	Err  error
	Kind FailureKind
	// RetryAfter is how long the platform asked to wait (HTTP 429 Retry-After), or for Paced
	// how long until the channel's turn; 0 leaves the wait to the sender's backoff.
	RetryAfter time.Duration
	// Progress is how many messages of the entry were sent before the failure: a retry skips
	// them.
	Progress int
}

// FailureKind says what a failed delivery calls for.
type FailureKind int

const (
	// Transient: retry, after RetryAfter when it is set, else with backoff (5xx, timeouts,
	// networks). The zero value, so that a failure nobody classified is retried.
	Transient FailureKind = iota
	// Permanent: retrying cannot help (a rejected request, an unknown user); the entry is
	// dropped.
	Permanent
	// Refused: the platform refused the bot's credentials or permissions. No delivery of the
	// channel can succeed until that is fixed, so the whole channel waits until a probe
	// succeeds.
	Refused
	// Paced: nothing failed; the adapter's own pacing asks to come back after RetryAfter,
	// without counting an attempt.
	Paced
)

// String names the kind, for logs and test failures.
func (k FailureKind) String() string {
	switch k {
	case Transient:
		return "transient"
	case Permanent:
		return "permanent"
	case Refused:
		return "refused"
	case Paced:
		return "paced"
	}
	return "unknown"
}

func (f *Failure) Error() string {
	if f.Err == nil {
		return f.Kind.String() + " delivery failure"
	}
	return f.Err.Error()
}

// Unwrap returns Err.
func (f *Failure) Unwrap() error { return f.Err }
