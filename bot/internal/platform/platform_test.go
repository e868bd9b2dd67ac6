package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadBody(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		ok       bool
		status   int
		rejected string
	}{
		{"within the limit", "{}", true, http.StatusOK, ""},
		{"too large", strings.Repeat("x", MaxBody+1), false, http.StatusRequestEntityTooLarge, "too_large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			rejected := ""
			body, ok := ReadBody(w, httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(tc.body)),
				slog.New(slog.NewTextHandler(io.Discard, nil)), func(r string) { rejected = r })
			if ok != tc.ok || w.Code != tc.status || rejected != tc.rejected || (ok && string(body) != tc.body) {
				t.Errorf("ok %v, status %d, rejected %q; want %v, %d, %q", ok, w.Code, rejected, tc.ok, tc.status, tc.rejected)
			}
		})
	}
}

func TestJSONProblemQuotesNothing(t *testing.T) {
	var v struct{ N int }
	for _, tc := range []struct {
		body, want string
	}{
		{`{"N": "秘密の相談"}`, "unexpected json string in field N"},
		{`{"N": 1,, "秘密"}`, "malformed json at offset 9"},
		{`{"N": 1`, "malformed json at offset 7"},
	} {
		got := JSONProblem(json.Unmarshal([]byte(tc.body), &v))
		if got != tc.want || strings.Contains(got, "秘密") {
			t.Errorf("JSONProblem(%s) = %q, want %q", tc.body, got, tc.want)
		}
	}
	// an SDK that wraps the error with %v leaves only its text
	if got := JSONProblem(fmt.Errorf("parse: %v", json.Unmarshal([]byte(`{"N": 1`), &v))); got != "truncated json" {
		t.Errorf("JSONProblem of a wrapped truncation = %q, want truncated json", got)
	}
	if got := JSONProblem(errors.New("something else")); got != "" {
		t.Errorf("JSONProblem of a non-JSON error = %q, want empty", got)
	}
}
