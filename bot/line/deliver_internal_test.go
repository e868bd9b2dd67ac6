package line

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/line/line-bot-sdk-go/v8/linebot/messaging_api"
)

// TestSuccessIsANilError: the calls behind Deliver return the error interface, so that a
// success never becomes a non-nil error holding a nil *dialog.Failure (which the sender would retry,
// sending the reply again).
func TestSuccessIsANilError(t *testing.T) {
	var err error = apiError("push", &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}, nil)
	if err != nil {
		t.Errorf("apiError of a 200 = %#v, want nil", err)
	}
	err = (&Deliverer{}).leave(nil, address{User: "U1"})
	if err != nil {
		t.Errorf("leave in a one-to-one chat = %#v, want nil", err)
	}
}

// TestInvalidFlexIsRefused: rawFlex does not check its JSON itself, because encoding/json checks
// what a Marshaler returns; a broken container must still fail before anything is sent.
func TestInvalidFlexIsRefused(t *testing.T) {
	req := messaging_api.PushMessageRequest{To: "U1", Messages: []messaging_api.MessageInterface{
		&messaging_api.FlexMessage{AltText: "x", Contents: rawFlex(`{"type":"carousel","contents":[`)}}}
	if b, err := json.Marshal(req); err == nil {
		t.Errorf("invalid Flex JSON marshalled into %s", b)
	}
	req.Messages[0] = &messaging_api.FlexMessage{AltText: "x", Contents: rawFlex("{\"type\": \"carousel\",\n \"contents\": []}")}
	b, err := json.Marshal(req)
	if err != nil || !strings.Contains(string(b), `"contents":{"type":"carousel","contents":[]}`) {
		t.Errorf("valid Flex JSON = %s, %v; want it compacted in place", b, err)
	}
}
