// Package platform holds what the LINE and Slack adapters do the same way at their HTTP edges:
// how much of a request they read, how they call their platform's API, and how they describe a
// body they could not understand without quoting it.
package platform

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxBody bounds a request body from a platform. Theirs are a few kilobytes; the SDKs' parsers
// have no limit.
const MaxBody = 1 << 20

// ClientTimeout bounds one call to a platform's API: the SDKs' default clients have none.
const ClientTimeout = 10 * time.Second

// NewHTTPClient returns the client an adapter calls its platform's API with: ClientTimeout per
// call, and enough idle connections for the sender's workers, which all call one host.
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Timeout: ClientTimeout, Transport: t}
}

// ReadBody reads r's body, at most MaxBody. When it cannot, it answers the request itself (413
// for a body too large, after rejected("too_large"); 400 otherwise), logs why with logger, and
// ok is false.
func ReadBody(w http.ResponseWriter, r *http.Request, logger *slog.Logger, rejected func(reason string)) (body []byte, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err == nil {
		return body, true
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		logger.Warn("request body too large", "path", r.URL.Path, "limit", MaxBody)
		rejected("too_large")
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	logger.Debug("request body not read", "path", r.URL.Path, "err", err)
	http.Error(w, "cannot read request body", http.StatusBadRequest)
	return nil, false
}

// JSONProblem describes what was wrong with a JSON body for a log line, without quoting the body
// (it holds what users wrote): "" when err is not one of encoding/json's.
func JSONProblem(err error) string {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		return "malformed json at offset " + strconv.FormatInt(syntax.Offset, 10)
	case errors.As(err, &typ):
		return "unexpected json " + typ.Value + " in field " + typ.Field
	case strings.Contains(err.Error(), "unexpected end of JSON input"):
		return "truncated json"
	}
	return ""
}
