package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// askResult is one line of `helpdesk ask --json`, in the field order of the README's `ask --json` contract.
type askResult struct {
	Text     string         `json:"text"`
	Decision dialog.Outcome `json:"decision"`
	Topics   []askTopic     `json:"topics"`
	Urgent   bool           `json:"urgent"`
	Answer   string         `json:"answer"`
	Contacts []askContact   `json:"contacts"`
	// Lang and Why are added to the contract's fields: the language of the answer, and the
	// words that decided the reading.
	Lang string         `json:"lang"`
	Why  *knowledge.Why `json:"why,omitempty"`
}

type askTopic struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

type askContact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	URL   string `json:"url"`
	Email string `json:"email"`
	Hours string `json:"hours"`
}

func runAsk(e *env, args []string) int {
	fs := e.newFlags("ask", "[--json] [--knowledge DIR] [TEXT]")
	asJSON := fs.Bool("json", false, "print one JSON object per query (format: README, ask --json)")
	dir := fs.String("knowledge", "", "knowledge folder (default: HELPDESK_KNOWLEDGE, else the embedded seeds)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	lib, now, policy, err := e.answering(*dir)
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk ask:", err)
		return exitFail
	}
	kb := lib.Base()
	answer := func(text string) error {
		reply := dialog.Triage(kb, policy, text, now())
		if *asJSON {
			b, err := json.Marshal(askJSON(kb, text, reply))
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(e.stdout, "%s\n", b)
			return err
		}
		// the reply, then its choices as numbered lines, as helpdesk chat shows them (a clarify
		// is its choices)
		var b strings.Builder
		b.WriteString(reply.PlainText() + "\n")
		for i, c := range reply.Choices {
			fmt.Fprintf(&b, "  %d) %s\n", i+1, c.Label)
		}
		_, err := fmt.Fprintf(e.stdout, "%s\n", b.String())
		return err
	}
	if fs.NArg() > 0 {
		if err := answer(strings.Join(fs.Args(), " ")); err != nil {
			fmt.Fprintln(e.stderr, "helpdesk ask:", err)
			return exitFail
		}
		return exitOK
	}
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		if err := answer(sc.Text()); err != nil {
			fmt.Fprintln(e.stderr, "helpdesk ask:", err)
			return exitFail
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(e.stderr, "helpdesk ask: read input:", err)
		return exitFail
	}
	return exitOK
}

// askJSON maps a reply to the contract: the four decisions only; for clarify the topics are the
// choices offered; answer and contacts only for answer.
func askJSON(kb *knowledge.Base, text string, r dialog.Reply) askResult {
	res := askResult{Text: text, Decision: r.Outcome, Topics: []askTopic{}, Contacts: []askContact{}, Lang: r.Lang}
	if res.Lang == "" {
		res.Lang = "ja"
	}
	if r.Why != nil {
		if b, err := json.Marshal(r.Why); err == nil && string(b) != "{}" {
			res.Why = r.Why // only when some word decided the reading
		}
	}
	if res.Decision == "" {
		res.Decision = dialog.Fallback // an empty line, or only a menu request: nothing matched
	}
	offered := map[string]bool{}
	for _, c := range r.Choices {
		if strings.HasPrefix(c.ID, "t:") {
			offered[c.ID[2:]] = true
		}
	}
	for _, t := range r.Ranked {
		if res.Decision == dialog.Clarify && !offered[t.ID] {
			continue
		}
		res.Topics = append(res.Topics, askTopic{ID: t.ID, Title: t.Title, Score: t.Score})
	}
	if res.Decision != dialog.Answer {
		return res
	}
	res.Urgent = r.Urgent
	res.Answer = r.PlainText()
	if t := kb.Topic(r.Topic); t != nil {
		for _, id := range t.Contacts {
			if c := kb.Contact(id); c != nil {
				res.Contacts = append(res.Contacts, askContact{Name: c.Name, Phone: c.Phone, URL: c.URL, Email: c.Email, Hours: c.Hours})
			}
		}
	}
	return res
}
