package line

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/internal/replycache"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// replyWindow is how long after the event a reply token is used. LINE keeps a token valid for
// about a minute; the margin covers clock skew and the request's own time.
const replyWindow = 50 * time.Second

// Deliverer sends the outbox entries of the "line" channel through the Messaging API. It
// implements bot.Deliverer, and its errors are *dialog.Failure, which say what the sender should
// do about them. It is safe for concurrent use.
type Deliverer struct {
	api     *endpoints
	logger  *slog.Logger
	now     func() time.Time
	loading *Loading // the animations to cancel when a user's reply goes out; nil: none
	// renders keeps recent replies rendered and encoded
	renders *replycache.Cache[[][]messaging_api.MessageInterface]
	replied replied // entries whose reply LINE accepted, for a replyWindow
}

// replied remembers, by entry key, the replies LINE answered 2xx, while their tokens could be
// offered again. It is the only way the deliverer knows a reply reached LINE: a try that timed
// out, failed with 5xx, or was made by a process that has since crashed may or may not have
// used the token.
type replied struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (r *replied) add(key string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at == nil {
		r.at = map[string]time.Time{}
	}
	if len(r.at) >= 4096 {
		for k, t := range r.at {
			if now.Sub(t) > replyWindow {
				delete(r.at, k)
			}
		}
	}
	r.at[key] = now
}

func (r *replied) has(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.at[key]
	return ok
}

// newDeliverer returns a deliverer calling api, which stops loading's animations.
func newDeliverer(logger *slog.Logger, api API, loading *Loading) (*Deliverer, error) {
	e, err := api.endpoints()
	if err != nil {
		return nil, err
	}
	return &Deliverer{api: e, logger: logger.With("channel", "line"), now: time.Now, loading: loading,
		renders: newRenderCache()}, nil
}

// Deliver sends one outbox entry: its reply as LINE messages, at most five per request, then,
// when the reply asks for it, leaves the group or room. The first request uses the event's reply
// token while it is fresh and the entry was not reclaimed; the others, and every request of an
// entry whose token is stale or that was reclaimed, are
// pushed with an X-Line-Retry-Key derived from the entry's key and the request's index, so that a
// retry of a request LINE already accepted is recognised (409) instead of sent twice. The entry's
// Progress says how many requests earlier attempts sent; they are skipped.
func (d *Deliverer) Deliver(ctx context.Context, del dialog.Delivery) (string, error) {
	addr, err := parseAddress(del.Address)
	if err != nil {
		return "", &dialog.Failure{Err: &callError{op: "deliver", err: err}, Kind: dialog.Permanent, Progress: del.Progress}
	}
	d.loading.stop(addr.User)
	requests, err := d.renders.Delivery(del, renderEncoded)
	if err != nil {
		return "", &dialog.Failure{Err: &callError{op: "render", err: err}, Kind: dialog.Permanent, Progress: del.Progress}
	}
	client, err := d.api.messaging(ctx)
	if err != nil {
		return "", &dialog.Failure{Err: &callError{op: "deliver", err: err}, Progress: del.Progress}
	}
	for i := del.Progress; i < len(requests); i++ {
		if err := d.send(client, del, addr, i, requests[i]); err != nil {
			return "", withProgress(err, i)
		}
	}
	if del.Reply.Leave {
		if err := d.leave(client, addr); err != nil {
			return "", withProgress(err, len(requests))
		}
	}
	return "", nil
}

// Probe asks LINE whether it accepts the channel access token (GET /v2/bot/info). Its error,
// when LINE refuses the token, is a *dialog.Failure of kind Refused, like a delivery's.
func (d *Deliverer) Probe(ctx context.Context) error {
	client, err := d.api.messaging(ctx)
	if err != nil {
		return &dialog.Failure{Err: &callError{op: "bot info", err: err}}
	}
	res, _, err := client.GetBotInfoWithHttpInfo()
	return apiError("bot info", res, err)
}

// ForgetCached drops what the deliverer keeps in memory about users' replies (those kept
// rendered), after an erasure or a retention sweep.
func (d *Deliverer) ForgetCached() { d.renders.Clear() }

// withProgress records in err that the entry's first n requests were sent.
func withProgress(err error, n int) error {
	var f *dialog.Failure
	if !errors.As(err, &f) {
		f = &dialog.Failure{Err: &callError{op: "deliver", err: err}}
	}
	f.Progress = n
	return f
}

// send makes request i of an entry.
func (d *Deliverer) send(client *messaging_api.MessagingApiAPI, del dialog.Delivery, addr address, i int, msgs []messaging_api.MessageInterface) error {
	// An entry handed out again after an earlier claim expired unmarked (del.Reclaimed) may
	// have had its reply token used by that claimer, another replica perhaps, whose memory of
	// accepted replies (d.replied) this one lacks: it is pushed, with the retry key.
	if i == 0 && addr.Token != "" && d.fresh(del.Event) && !del.Reclaimed {
		res, _, err := client.ReplyMessageWithHttpInfo(&messaging_api.ReplyMessageRequest{
			ReplyToken: addr.Token, Messages: msgs})
		err = apiError("reply", res, err)
		var ce *callError
		switch {
		case err == nil:
			d.replied.add(del.Key, d.now())
			return nil
		case !errors.As(err, &ce) || !ce.invalidToken:
			return err
		case d.replied.has(del.Key):
			// LINE accepted this very reply before (in this process): the token is ours, used.
			d.logger.Debug("reply token already used by our accepted reply, taking it as sent", "delivery", del.ID)
			return nil
		}
		// LINE refuses the token, and nothing says an earlier try of ours reached LINE (it may
		// have failed before, timed out, or been made before a crash; the token may have
		// expired): push, with the request's retry key. At worst the user reads the reply twice,
		// never not at all.
		d.logger.Debug("reply token refused, pushing", "delivery", del.ID, "attempts", del.Attempts)
	}
	res, _, err := client.PushMessageWithHttpInfo(&messaging_api.PushMessageRequest{
		To: addr.to(), Messages: msgs}, retryKey(del, i))
	err = apiError("push", res, err)
	if statusOf(err) == http.StatusConflict {
		// LINE accepted a request with this retry key before: an earlier attempt got through.
		d.logger.Debug("push already accepted, taking it as sent", "delivery", del.ID, "request", i)
		return nil
	}
	return err
}

// leave makes the bot leave the group or room of addr.
func (d *Deliverer) leave(client *messaging_api.MessagingApiAPI, addr address) error {
	var (
		res *http.Response
		err error
	)
	switch {
	case addr.Group != "":
		res, _, err = client.LeaveGroupWithHttpInfo(addr.Group)
	case addr.Room != "":
		res, _, err = client.LeaveRoomWithHttpInfo(addr.Room)
	default:
		return nil // a one-to-one chat: nothing to leave
	}
	err = apiError("leave", res, err)
	if statusOf(err) == http.StatusNotFound {
		return nil // not a member any more: left already
	}
	return err
}

func (d *Deliverer) fresh(event time.Time) bool {
	return !event.IsZero() && d.now().Sub(event) < replyWindow
}

// retryKeySpace is the UUID namespace of retry keys (a random constant).
var retryKeySpace = [16]byte{0x6b, 0x1f, 0x3c, 0x52, 0x9e, 0x0d, 0x4a, 0x77, 0x8c, 0x21, 0x5f, 0xe4, 0x03, 0xb9, 0xd6, 0x48}

// retryKey returns the X-Line-Retry-Key of request i of an entry: a name-based UUID (version 5)
// of the entry's key and i. Each request of each entry gets its own key, and every retry of a
// request the same one, across restarts.
func retryKey(del dialog.Delivery, i int) string {
	name := del.Key
	if name == "" { // entries are always keyed; never let two entries share a key anyway
		name = "id:" + strconv.FormatUint(del.ID, 10)
	}
	h := sha1.New()
	h.Write(retryKeySpace[:])
	h.Write([]byte(name + "/" + strconv.Itoa(i)))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// callError is a failed call to the Messaging API: which call, and LINE's answer or the
// transport's error.
type callError struct {
	op           string // "reply", "push", "leave", ...
	status       int    // the HTTP status, 0 when no answer came
	message      string // LINE's error message
	err          error  // a transport error, or one of ours
	invalidToken bool   // LINE refused the reply token
}

func (e *callError) Error() string {
	var b strings.Builder
	b.WriteString("line " + e.op)
	if e.status != 0 {
		b.WriteString(": status " + strconv.Itoa(e.status))
	}
	if e.message != "" {
		b.WriteString(": " + e.message)
	}
	if e.err != nil {
		b.WriteString(": " + e.err.Error())
	}
	return b.String()
}

func (e *callError) Unwrap() error { return e.err }

// apiError classifies the outcome of one SDK call: nil for a 2xx answer (even one whose body the
// SDK could not decode: LINE accepted the request), otherwise a *dialog.Failure holding a
// *callError. The SDK's own error
// text is not used because it quotes the whole response body.
func apiError(op string, res *http.Response, err error) error {
	if res == nil {
		if err == nil {
			return nil
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL may name a group; the cause is what matters
		}
		return &dialog.Failure{Err: &callError{op: op, err: err}}
	}
	if res.StatusCode/100 == 2 {
		return nil
	}
	e := &callError{op: op, status: res.StatusCode}
	f := &dialog.Failure{Err: e}
	var body messaging_api.ErrorResponse
	if res.Body != nil {
		raw, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
		res.Body.Close()
		if json.Unmarshal(raw, &body) == nil {
			e.message = errorMessage(body)
		}
	}
	switch {
	case res.StatusCode == http.StatusTooManyRequests:
		f.RetryAfter = parseRetryAfter(res.Header.Get("Retry-After"), time.Now())
	case res.StatusCode >= 500, res.StatusCode == http.StatusRequestTimeout:
		// LINE's trouble: retry.
	case res.StatusCode == http.StatusBadRequest && strings.EqualFold(body.Message, "Invalid reply token"):
		e.invalidToken = true
		f.Kind = dialog.Permanent
	case res.StatusCode == http.StatusUnauthorized, res.StatusCode == http.StatusForbidden:
		// A revoked or expired token, or a plan without the right: not this request's fault,
		// and not for good either; the sender holds the channel until a probe succeeds.
		f.Kind = dialog.Refused
	case res.StatusCode == http.StatusConflict:
		// An accepted retry key; the caller decides.
	default:
		f.Kind = dialog.Permanent
	}
	return f
}

// statusOf is the HTTP status of LINE's answer to a failed call, 0 when there was none.
func statusOf(err error) int {
	var ce *callError
	if errors.As(err, &ce) {
		return ce.status
	}
	return 0
}

// errorMessage is LINE's error message with the properties it complains about (never content).
func errorMessage(r messaging_api.ErrorResponse) string {
	msg := r.Message
	for i, d := range r.Details {
		if i == 3 {
			msg += "; ..."
			break
		}
		msg += "; " + d.Property + ": " + d.Message
	}
	return msg
}

// parseRetryAfter reads a Retry-After header: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
