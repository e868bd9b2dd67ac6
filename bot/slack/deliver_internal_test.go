package slack

import (
	"context"
	"testing"

	"github.com/helpdesk-bot/helpdesk/bot/slack/slacktest"
	slackapi "github.com/slack-go/slack"
)

// TestPostSucceedsWithANilError: post returns the error interface, so that a success never
// becomes a non-nil error holding a nil *dialog.Failure (which the sender would retry, posting the
// reply again).
func TestPostSucceedsWithANilError(t *testing.T) {
	const token = "fake-bot-token-deliver"
	fake := slacktest.New(token)
	t.Cleanup(fake.Close)
	d := &Deliverer{api: slackapi.New(token, slackapi.OptionAPIURL(fake.APIURL())), pace: newPacer(0)}
	msgs := []message{{text: "こんにちは", blocks: []slackapi.Block{slackapi.NewSectionBlock(
		slackapi.NewTextBlockObject(slackapi.MarkdownType, "こんにちは", false, false), nil, nil)}}}
	var err error
	_, err = d.post(context.Background(), "C1", "", msgs, 0)
	if err != nil || len(fake.Posts()) != 1 {
		t.Errorf("post = %#v with %d posts, want nil and one post", err, len(fake.Posts()))
	}
}
