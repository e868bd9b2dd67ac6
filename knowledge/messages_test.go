package knowledge_test

import (
	"testing"
	"time"

	"github.com/helpdesk-bot/helpdesk/knowledge"
	"github.com/helpdesk-bot/helpdesk/seeds"
)

func TestFormatWhen(t *testing.T) {
	week := []string{"日", "月", "火", "水", "木", "金", "土"}
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 7, 8, 30, 0, 0, knowledge.Tokyo), "12月7日（月）8:30"},
		{time.Date(2027, 1, 4, 10, 0, 0, 0, knowledge.Tokyo), "1月4日（月）10:00"},
		{time.Date(2026, 12, 4, 23, 5, 0, 0, time.UTC), "12月5日（土）8:05"}, // shown in Japan time
	}
	for _, tt := range tests {
		if got := knowledge.FormatWhen(tt.at, "{month}月{day}日（{weekday}）{hour}:{minute}", week); got != tt.want {
			t.Errorf("FormatWhen(%v) = %q, want %q", tt.at, got, tt.want)
		}
	}
}

// TestWhenOfSeeds: the seeds' when_format and weekday_names write a moment as the contact cards
// show it.
func TestWhenOfSeeds(t *testing.T) {
	kb, err := knowledge.Load(seeds.FS)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := kb.When(time.Date(2026, 12, 7, 8, 30, 0, 0, knowledge.Tokyo)), "12月7日（月）8:30"; got != want {
		t.Errorf("When(2026-12-07 08:30) = %q, want %q", got, want)
	}
}
