package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// runAddExample adds a text, typed or one the bot could not answer (by its number in helpdesk
// stats), as an example of a topic in a knowledge folder; checks the folder and prints what a
// reload would change. A folder the edit would break is put back as it was. The text is never
// logged: it is what someone wrote to the helpdesk.
func runAddExample(e *env, args []string) int {
	fs := e.newFlags("knowledge add-example", "--topic ID (--text TEXT | --unanswered N [--since YYYY-MM-DD] [--knowledge DIR] [--db FILE | --server URL]) FOLDER")
	topic := fs.String("topic", "", "the id of the topic the text is an example of (helpdesk stats shows the nearest ones)")
	text := fs.String("text", "", "the example to add")
	number := fs.Int("unanswered", 0, "add the text the bot could not answer with this number in helpdesk stats (give the same --since)")
	sinceV := fs.String("since", "", "with --unanswered: the --since given to helpdesk stats")
	af := addAdminFlags(fs, true)
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() != 1 || *topic == "" || (*text == "") == (*number == 0) {
		fmt.Fprintln(e.stderr, "helpdesk knowledge add-example: give --topic, the folder, and either --text or --unanswered")
		fs.Usage()
		return exitUsage
	}
	fail := func(err error) int {
		fmt.Fprintf(e.stderr, "helpdesk knowledge add-example: %v\n", err)
		return exitFail
	}
	example := *text
	if *number != 0 {
		since, err := parseSince(*sinceV)
		if err != nil {
			return fail(err)
		}
		if example, err = e.unansweredText(af, since, *number); err != nil {
			return fail(err)
		}
	}
	dir := fs.Arg(0)
	old, err := knowledge.Load(os.DirFS(dir))
	if err != nil {
		fmt.Fprintln(e.stderr, err)
		return fail(fmt.Errorf("%s does not load: fix it first", dir))
	}
	t := old.Topic(*topic)
	if t == nil {
		return fail(fmt.Errorf("--topic=%s: no such topic in %s", *topic, dir))
	}
	for _, ex := range t.Examples {
		if old.Fold(ex) == old.Fold(example) {
			fmt.Fprintln(e.stdout, bot.AdminText("example.exists", t.ID))
			return exitOK
		}
	}
	file := filepath.Join(dir, "topics", t.ID+".yaml")
	data, err := os.ReadFile(file)
	if err != nil {
		return fail(err)
	}
	edited, err := knowledge.AddExample(data, example)
	if err != nil {
		return fail(fmt.Errorf("%s: %v", file, err))
	}
	if err := writeKeepingMode(file, edited); err != nil {
		return fail(err)
	}
	next, err := knowledge.Load(os.DirFS(dir))
	if err != nil {
		if rerr := writeKeepingMode(file, data); rerr != nil {
			return fail(fmt.Errorf("%v; and %s could not be put back: %v", err, file, rerr))
		}
		fmt.Fprintln(e.stderr, err)
		return fail(fmt.Errorf("the example would break %s, which is left as it was", dir))
	}
	d := knowledge.Compare(old, next)
	fmt.Fprintf(e.stdout, "%s\n%s\n%s", bot.AdminText("example.added", file), bot.DiffSummary(d), bot.DiffReport(d))
	return exitOK
}

// unansweredText returns the text numbered n in the list of helpdesk stats since the given day.
func (e *env) unansweredText(af adminFlags, since time.Time, n int) (string, error) {
	a, release, err := e.openAdmin(af)
	if err != nil {
		return "", err
	}
	defer release()
	st, err := a.Stats(since)
	if err != nil {
		return "", err
	}
	if n < 1 || n > len(st.Unanswered) || n > bot.UnansweredShown {
		return "", fmt.Errorf("--unanswered=%d: helpdesk stats lists %d texts the bot could not answer", n, min(len(st.Unanswered), bot.UnansweredShown))
	}
	return st.Unanswered[n-1].Text, nil
}

// writeKeepingMode replaces a file's content, keeping its permissions.
func writeKeepingMode(name string, data []byte) error {
	fi, err := os.Stat(name)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errors.New(name + ": not a regular file")
	}
	return os.WriteFile(name, data, fi.Mode().Perm())
}
