package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// walker is a persona played through `helpdesk chat`: who, when, what they type, and the words
// that show the right action for them and the right contact (a phone number of the seeds).
type walker struct {
	persona, now    string
	lines           []string
	action, contact string
}

var walkers = []walker{
	{"owner, Saturday 21:00, ransomware", "2026-12-05T21:00:00+09:00", []string{"ファイルが全部開けない！画面に英語で金払えって出てる"}, "LANケーブル", "03-5978-7509"},
	{"accountant, Monday 10:00, BEC already paid", "2026-12-07T10:00:00+09:00", []string{"取引先からの口座変更メールの通りに、もう振り込んでしまいました"}, "取引銀行に連絡", "03-5805-1731"},
	{"clerk, support scam after calling", "2026-12-08T14:00:00+09:00", []string{"警告画面の番号に電話して、遠隔操作のソフトを入れてしまいました"}, "ネットワークから切り離", "03-5978-7509"},
	{"elderly owner, hiragana", "2026-12-08T14:00:00+09:00", []string{"ぱそこんに けいこくが でて でんわしろって でてる"}, "電話せず", "03-5978-7509"},
	{"foreign staff, English", "2026-12-08T14:00:00+09:00", []string{"My files are all encrypted and there is a ransom note on the screen"}, "LAN cable", "03-5978-7509"},
	{"clerk, mis-sent customer list", "2026-12-08T11:00:00+09:00", []string{"お客様の名簿を間違えて別の会社にメールで送ってしまいました", "個人情報が入っています"}, "責任者", "03-6457-9849"},
	{"manager, training plan", "2026-12-08T11:00:00+09:00", []string{"社員向けに標的型メールの訓練をしたいのですが、何から始めればいいですか"}, "SECURITY ACTION", "03-5978-7508"},
	{"IT person, ransomware, already unplugged", "2026-12-05T21:00:00+09:00", []string{"ファイルサーバーが暗号化されて脅迫文が出てる。LANケーブルは抜きました"}, "切り離したまま", "03-5978-7509"},
	{"IT person, ransomware, then asks whom to call", "2026-12-08T11:00:00+09:00", []string{"サーバーのファイルが暗号化された", "どこに電話すればいいですか"}, "LANケーブル", "03-5978-7509"},
}

// replies splits a chat transcript into the bot's reply to each line typed, without the
// numbered choices (which a phone shows as buttons, not as text to read).
func replies(transcript string) []string {
	var out []string
	for _, r := range strings.Split(transcript, "\n> ")[1:] {
		_, body, _ := strings.Cut(r, "\n")
		var keep []string
		for _, l := range strings.Split(body, "\n") {
			if len(l) > 3 && strings.HasPrefix(l, "  ") && l[2] >= '0' && l[2] <= '9' && strings.Contains(l[:6], ")") {
				continue
			}
			keep = append(keep, l)
		}
		out = append(out, strings.Join(keep, "\n"))
	}
	return out
}

// reach returns the turn at which marker first appears in the replies and the characters of
// the bot's text read until then (0, all of them, when it never appears).
func reach(rs []string, marker string) (turn, chars int) {
	for i, r := range rs {
		if j := strings.Index(r, marker); j >= 0 {
			return i + 1, chars + utf8.RuneCountInString(r[:j+len(marker)])
		}
		chars += utf8.RuneCountInString(r)
	}
	return 0, chars
}

func walkCell(turn, chars int) string {
	if turn == 0 {
		return fmt.Sprintf("not reached (%d chars)", chars)
	}
	return fmt.Sprintf("turn %d, %d chars", turn, chars)
}

// TestPersonaWalkthrough plays each persona through the terminal and fails when one of them
// does not reach the right action and the right contact on their first turns. It prints the
// turns and characters before each; with HELPDESK_WALK_BEFORE naming another build of helpdesk
// (an earlier commit's), it prints both side by side:
//
//	git worktree add /tmp/before <commit> && (cd /tmp/before && go build -o /tmp/helpdesk-before ./cmd/helpdesk)
//	HELPDESK_WALK_BEFORE=/tmp/helpdesk-before go test ./cmd/helpdesk -run TestPersonaWalkthrough -v
func TestPersonaWalkthrough(t *testing.T) {
	before := os.Getenv("HELPDESK_WALK_BEFORE")
	var table strings.Builder
	table.WriteString("| persona | right action | right contact | first reply, characters |\n|---|---|---|---|\n")
	for _, w := range walkers {
		vars := map[string]string{"HELPDESK_DB": filepath.Join(t.TempDir(), "h.db"), "HELPDESK_NOW": w.now}
		res := runCmd(t, vars, strings.Join(w.lines, "\n")+"\n", "chat")
		after := replies(res.stdout)
		at, ac := reach(after, w.action)
		ct, cc := reach(after, w.contact)
		if at == 0 || ct == 0 || at > len(w.lines) || ct > len(w.lines) {
			t.Errorf("%s: right action at turn %d, right contact at turn %d, want both reached", w.persona, at, ct)
		}
		cells := []string{walkCell(at, ac), walkCell(ct, cc), fmt.Sprint(utf8.RuneCountInString(after[0]))}
		if before != "" {
			cmd := exec.Command(before, "chat")
			cmd.Env = append(os.Environ(), "HELPDESK_DB="+filepath.Join(t.TempDir(), "b.db"), "HELPDESK_NOW="+w.now)
			cmd.Stdin = strings.NewReader(strings.Join(w.lines, "\n") + "\n")
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s chat: %v", before, err)
			}
			old := replies(string(out))
			bt, bc := reach(old, w.action)
			cells[0] = walkCell(bt, bc) + " → " + cells[0]
			bt, bc = reach(old, w.contact)
			cells[1] = walkCell(bt, bc) + " → " + cells[1]
			cells[2] = fmt.Sprint(utf8.RuneCountInString(old[0])) + " → " + cells[2]
		}
		fmt.Fprintf(&table, "| %s | %s |\n", w.persona, strings.Join(cells, " | "))
	}
	t.Log("\n" + table.String())
}
