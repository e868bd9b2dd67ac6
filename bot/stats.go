package bot

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// UnansweredShown is how many texts the bot could not answer the stats list; the admin commands
// number them in this order.
const UnansweredShown = 50

// WriteStats writes the figures for admins, in Japanese: the table per topic, the cases by
// status, the texts the bot could not answer (numbered, each with its nearest topics) and the
// knowledge the figures were gathered with. The table is padded by display width, so that it
// lines up in a terminal.
func WriteStats(w io.Writer, st dialog.Stats) error {
	_, err := io.WriteString(w, stats(st, true))
	return err
}

// stats writes the figures; withID adds a column of topic ids, which a chat message leaves out
// to stay narrow enough not to wrap (the nearest topics below still name their ids).
func stats(st dialog.Stats, withID bool) string {
	var b strings.Builder
	header := []string{AdminText("col.topic"), AdminText("col.id"), AdminText("col.consultations"), AdminText("col.answers"),
		AdminText("col.clarify"), AdminText("col.fallback"), AdminText("col.escalations"), AdminText("col.resolved")}
	var rows [][]string
	for _, t := range st.Topics {
		title := t.Title
		if t.Topic == "" {
			title = AdminText("no_topic")
		}
		rows = append(rows, []string{title, t.Topic, number(float64(t.Consultations)), number(float64(t.Answers)), number(float64(t.Clarify)),
			number(float64(t.Fallback)), number(float64(t.Escalations)), number(float64(t.Resolved))})
	}
	left := 2
	if !withID {
		header = slices.Delete(header, 1, 2)
		for i := range rows {
			rows[i] = slices.Delete(rows[i], 1, 2)
		}
		left = 1
	}
	writeTable(&b, header, rows, left)

	b.WriteString("\n" + AdminText("cases"))
	if len(st.Cases.ByStatus) == 0 {
		b.WriteString(" " + AdminText("none"))
	}
	for _, s := range slices.Sorted(maps.Keys(st.Cases.ByStatus)) {
		fmt.Fprintf(&b, " %s %d", StatusLabel(s), st.Cases.ByStatus[s])
	}
	b.WriteString("\n\n" + AdminText("unanswered") + "\n")
	if len(st.Unanswered) == 0 {
		b.WriteString("  " + AdminText("none") + "\n")
	}
	for i, u := range st.Unanswered {
		if i == UnansweredShown {
			b.WriteString("  " + AdminText("more", len(st.Unanswered)-UnansweredShown) + "\n")
			break
		}
		b.WriteString("  " + AdminText("unanswered.line", i+1, u.Count, OutcomeLabel(u.Outcome), strings.ReplaceAll(u.Text, "\n", " ")) + "\n")
		b.WriteString("      " + NearestLine(u.Nearest) + "\n")
	}
	if len(st.Unanswered) > 0 {
		b.WriteString("  " + addExampleHint(st) + "\n")
	}
	if k := st.Knowledge; k.Hash != "" {
		b.WriteString("\n" + AdminText("knowledge", k.Hash, k.Loaded.In(knowledge.Tokyo).Format("2006-01-02 15:04")) + "\n")
	}
	return b.String()
}

// addExampleHint says how to add a listed text as an example; the numbers are those of the
// list since st.Since, so the command needs the same day.
func addExampleHint(st dialog.Stats) string {
	if st.Since.IsZero() {
		return AdminText("add_example")
	}
	return AdminText("add_example.since", st.Since.In(knowledge.Tokyo).Format(time.DateOnly))
}

// NearestLine writes the topics nearest to an unanswered text on one line, with their scores to
// two significant digits: low scores are common, and 0.013 against 0.0042 still ranks them.
func NearestLine(near []dialog.Nearest) string {
	if len(near) == 0 {
		return AdminText("nearest.none")
	}
	parts := make([]string, len(near))
	for i, n := range near {
		parts[i] = fmt.Sprintf("%s %s (%s)", n.Topic, n.Title, strconv.FormatFloat(n.Score, 'g', 2, 64))
	}
	return AdminText("nearest", strings.Join(parts, "、"))
}

// OutcomeLabel is an outcome as admins read it.
func OutcomeLabel(o dialog.Outcome) string { return AdminText("outcome." + string(o)) }

// StatusLabel is a case status as admins read it.
func StatusLabel(s string) string {
	if _, ok := adminText["status."+s]; !ok {
		return s
	}
	return AdminText("status." + s)
}

// StatsBlock is WriteStats for a chat message: under a heading, inside a code block so that
// Slack shows it in a monospaced font and the columns line up; without the column of topic ids,
// so that the lines fit a chat window.
func StatsBlock(heading string, st dialog.Stats) string {
	return heading + "\n" + CodeBlock(stats(st, false))
}

// CodeBlock puts text in a chat code block. Backticks in it are replaced, so that no text (a
// user's, an example's) can close the block early.
func CodeBlock(text string) string {
	return "```\n" + strings.TrimRight(strings.ReplaceAll(text, "`", "'"), "\n") + "\n```"
}

// DiffReport lists a knowledge diff's changes, one per line with each changed field under its
// entry, naming the kinds of entry in Japanese.
func DiffReport(d knowledge.Diff) string {
	return d.ReportAs(map[string]string{"topic": AdminText("kind.topic"), "contact": AdminText("kind.contact"),
		"case": AdminText("kind.case"), "intake": AdminText("kind.intake"), "labelled": AdminText("kind.labelled"), "file": AdminText("kind.file"), "none": AdminText("reload.none")})
}

// DiffSummary is a knowledge diff's one-line account, in Japanese.
func DiffSummary(d knowledge.Diff) string {
	counts := func(c knowledge.Change) string {
		return AdminText("diff.counts", len(c.Added), len(c.Removed), len(c.Changed))
	}
	return AdminText("diff.summary", counts(d.Topics), counts(d.Contacts), counts(d.Cases), counts(d.Files))
}
