package terminal

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/helpdesk-bot/helpdesk/dialog"
)

// responder is what this adapter needs from the rest of the bot.
type responder interface {
	Respond(ctx context.Context, m dialog.Message) (dialog.Reply, error)
}

// Config says who is talking and how the transcript looks.
type Config struct {
	User string // the conversation's user id; one terminal user per database by default
	// Echo writes each input line after a "> " prompt, for piped input where the terminal does
	// not echo it, so the output reads as a transcript.
	Echo bool
	// Apology is shown when the engine fails; it comes from the knowledge (internal_error).
	Apology string
}

// maxLine bounds what is passed on of one input line: the rest of a longer line is read and
// dropped (the engine reads 2,000 characters anyway).
const maxLine = 64 << 10

// Run talks with the user on in and out until in ends or ctx is done. It first re-opens the
// conversation (a greeting for a new user, where they were for a returning one).
func Run(ctx context.Context, r responder, in io.Reader, out io.Writer, cfg Config) error {
	if cfg.User == "" {
		cfg.User = "local"
	}
	send := func(m dialog.Message) error {
		m.Channel, m.UserID = dialog.ChannelTerminal, cfg.User
		reply, err := r.Respond(ctx, m)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			fmt.Fprintln(out, cfg.Apology)
			return err
		}
		write(out, reply)
		return nil
	}
	if err := send(dialog.Message{Event: dialog.EventResume}); err != nil {
		return err
	}
	lines := make(chan string)
	readErr := make(chan error, 1)
	go func() {
		br := bufio.NewReader(in)
		for {
			line, err := readLine(br)
			if err != nil {
				if err == io.EOF {
					err = nil
				}
				readErr <- err
				close(lines)
				return
			}
			select {
			case lines <- line:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		if !cfg.Echo {
			fmt.Fprint(out, "> ")
		}
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-readErr; err != nil {
					return fmt.Errorf("read input: %w", err)
				}
				return nil
			}
			if cfg.Echo {
				fmt.Fprintln(out, "> "+line)
			}
			if err := send(dialog.Message{Text: line}); err != nil {
				return err
			}
		}
	}
}

// readLine reads one line of any length and returns at most maxLine bytes of it, cut between
// two characters, without its line ending ("\n" or "\r\n"). A last line without a line ending
// counts; io.EOF means no line is left.
func readLine(r *bufio.Reader) (string, error) {
	var (
		line []byte
		read int
	)
	for {
		chunk, err := r.ReadSlice('\n')
		read += len(chunk)
		line = append(line, chunk[:min(len(chunk), maxLine-len(line))]...)
		if err == bufio.ErrBufferFull {
			continue // a long line: read on
		}
		if err != nil && (err != io.EOF || read == 0) { // EOF after a last line without "\n" is fine
			return "", err
		}
		break
	}
	if read > len(line) { // cut: do not end inside a character
		for i := 1; i <= utf8.UTFMax && i <= len(line); i++ {
			if utf8.RuneStart(line[len(line)-i]) {
				if !utf8.FullRune(line[len(line)-i:]) {
					line = line[:len(line)-i]
				}
				break
			}
		}
		return string(line), nil
	}
	line = bytes.TrimSuffix(line, []byte("\n"))
	return string(bytes.TrimSuffix(line, []byte("\r"))), nil
}

// write draws a reply: its text, then its choices as numbered lines.
func write(out io.Writer, reply dialog.Reply) {
	var b strings.Builder
	if text := reply.PlainText(); text != "" {
		b.WriteString(text + "\n")
	}
	for i, c := range reply.Choices {
		b.WriteString("  " + strconv.Itoa(i+1) + ") " + c.Label + "\n")
	}
	b.WriteString("\n")
	io.WriteString(out, b.String())
}
