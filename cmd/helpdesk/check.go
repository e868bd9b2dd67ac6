package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

type checkTopic struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Urgent   bool     `json:"urgent"`
	Contacts []string `json:"contacts"`
}

type checkResult struct {
	Topics   []checkTopic `json:"topics"`
	Contacts int          `json:"contacts"`
	Cases    int          `json:"cases"`
	Errors   []string     `json:"errors"`
}

// runKnowledge runs `helpdesk knowledge <command>`.
func runKnowledge(e *env, args []string) int {
	return e.dispatch("helpdesk knowledge", []command{
		{"check", "validate a knowledge folder (DIR, else HELPDESK_KNOWLEDGE, else the embedded seeds)", runCheck},
		{"diff", "what loading DIR would change compared with the knowledge served now", runDiff},
		{"add-example", "add a text (or one the bot could not answer, by its number in stats) as an example of a topic in DIR", runAddExample},
	}, args)
}

// runDiff shows what loading DIR would change compared with the knowledge served now
// (HELPDESK_KNOWLEDGE, else the embedded seeds, or --from).
func runDiff(e *env, args []string) int {
	fs := e.newFlags("knowledge diff", "[--from DIR] DIR")
	from := fs.String("from", "", "compare against this folder instead of HELPDESK_KNOWLEDGE or the embedded seeds")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	oldFS, oldName, err := e.knowledgeFS(*from, "--from")
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk knowledge diff:", err)
		return exitFail
	}
	old, err := knowledge.Load(oldFS)
	if err != nil {
		fmt.Fprintf(e.stderr, "helpdesk knowledge diff: the current knowledge (%s) does not load:\n%v\n", oldName, err)
		return exitFail
	}
	newFS, newName, err := e.knowledgeFS(fs.Arg(0), "DIR")
	if err != nil {
		fmt.Fprintln(e.stderr, "helpdesk knowledge diff:", err)
		return exitFail
	}
	next, err := knowledge.Load(newFS)
	if err != nil {
		fmt.Fprintf(e.stderr, "%v\n%s\n", err, bot.AdminText("diff.not_loading", newName, oldName))
		return exitFail
	}
	d := knowledge.Compare(old, next)
	fmt.Fprintf(e.stdout, "%s\n%s", bot.AdminText("diff.would_load", oldName, newName, bot.DiffSummary(d)), bot.DiffReport(d))
	return exitOK
}

func runCheck(e *env, args []string) int {
	fs := e.newFlags("knowledge check", "[--json] [DIR]")
	asJSON := fs.Bool("json", false, "print the result as JSON (format: README, knowledge check --json)")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitUsage
	}
	res := checkResult{Topics: []checkTopic{}, Errors: []string{}}
	fsys, name, err := e.knowledgeFS(fs.Arg(0), "DIR")
	var kb *knowledge.Base
	if err == nil {
		kb, err = knowledge.Load(fsys)
	}
	if err != nil {
		res.Errors = problemLines(err)
	} else {
		for _, t := range kb.Topics() {
			ct := checkTopic{ID: t.ID, Title: t.Title, Urgent: t.Urgent, Contacts: []string{}}
			for _, id := range t.Contacts {
				if c := kb.Contact(id); c != nil {
					ct.Contacts = append(ct.Contacts, c.Name)
				}
			}
			res.Topics = append(res.Topics, ct)
		}
		res.Contacts, res.Cases = len(kb.Contacts()), len(kb.Cases())
	}
	if *asJSON {
		b, _ := json.MarshalIndent(res, "", "  ")
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else if len(res.Errors) > 0 {
		for _, line := range res.Errors {
			fmt.Fprintln(e.stderr, line)
		}
		fmt.Fprintln(e.stderr, bot.AdminText("check.problems", name, len(res.Errors)))
	} else {
		fmt.Fprintf(e.stdout, "%s\n%s\n\n", bot.AdminText("check.ok", name), bot.AdminText("check.counts",
			len(kb.Topics()), len(kb.Contacts()), len(kb.Programmes()), len(kb.Cases()), faqCount(kb), len(kb.Intake()), alertCount(kb)))
		for _, t := range res.Topics {
			mark := " "
			if t.Urgent {
				mark = "!"
			}
			fmt.Fprintf(e.stdout, "%s %-20s %s  → %s\n", mark, t.ID, t.Title, bot.AdminText("check.contacts", len(t.Contacts)))
		}
	}
	if len(res.Errors) > 0 {
		return exitFail
	}
	return exitOK
}

func faqCount(kb *knowledge.Base) int {
	n := 0
	for _, c := range kb.Cases() {
		if c.FAQ != "" {
			n++
		}
	}
	return n
}

func alertCount(kb *knowledge.Base) int {
	seen := map[string]bool{}
	for _, t := range kb.Topics() {
		for _, a := range kb.Alerts(t.ID) {
			seen[a.ID] = true
		}
	}
	return len(seen)
}

// problemLines is a failed load's error as lines: one "file:line: reason" per problem of the
// knowledge, or the error itself when it is not about the files' content.
func problemLines(err error) []string {
	var problems knowledge.Problems
	if !errors.As(err, &problems) {
		return []string{err.Error()}
	}
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = p.Error()
	}
	return lines
}
