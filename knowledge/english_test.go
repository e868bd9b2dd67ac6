package knowledge

import (
	"fmt"
	"strings"
	"testing"
)

// TestIntakeEnglishProblems: a wrong en: block of intake.yaml is reported with its file and line.
func TestIntakeEnglishProblems(t *testing.T) {
	tests := []struct {
		name     string
		old, new string
		// want is the problem, reported on the line where at starts in the changed file
		want, at string
	}{
		{
			name: "option_missing",
			old:  "        - \"PC has a virus\"\n", new: "",
			want: `en: question "q4" has 3 English options for 4 Japanese ones`, at: "      options:\n        - \"Public server attack\"",
		},
		{
			name: "option_added",
			old:  "        - \"Follow security news\"\n", new: "        - \"Follow security news\"\n        - \"Other\"\n",
			want: `en: question "q21" has 6 English options for 5 Japanese ones`, at: "      options:\n        - \"Software/OS updates\"",
		},
		{
			name: "option_too_long_for_a_button",
			old:  `- "PC has a virus"`, new: `- "A PC is infected with a virus"`,
			want: `label "A PC is infected with a virus" has 29 characters; at most 20 fit a button`, at: `- "A PC is infected with a virus"`,
		},
		{
			name: "label_too_long",
			old:  `label: "Past damage"`, new: `label: "Damage from past cyber attacks"`,
			want: `en: label "Damage from past cyber attacks" has 30 characters; at most 24`, at: `label: "Damage from past cyber attacks"`,
		},
		{
			name: "ask_missing",
			old:  "      ask: \"Have you ever been harmed before by what seemed to be a cyber attack?\"\n", new: "",
			want: `en: question "q2" has no English ask:`, at: "    en:\n      section: \"Some questions about what led you to ask for help, and how it came about.\"\n      label: \"Past damage\"",
		},
		{
			name: "detail_missing",
			old:  "      detail: \"what the damage was\"\n", new: "",
			want: `en: question "q2" has no English detail:`, at: "    en:\n      section: \"Some questions about what led you to ask for help, and how it came about.\"\n      ask: \"Have you ever",
		},
		{
			name: "detail_with_a_full_stop",
			old:  `detail: "what the damage was"`, new: `detail: "what the damage was."`,
			want: `en: detail "what the damage was." is read inside intake_detail`, at: `detail: "what the damage was."`,
		},
		{
			name: "example_the_japanese_lacks",
			old:  `label: "Past damage"`, new: "label: \"Past damage\"\n      example: \"e.g. ransomware\"",
			want: `en: question "q2" has an English example: but no Japanese one`, at: `example: "e.g. ransomware"`,
		},
		{
			name: "en_missing",
			old:  "    en:\n      section: \"Mainly for the person who manages your systems: how they are managed.\"\n      ask: \"Do you record network and system logs?\"\n      label: \"Logs recorded\"\n", new: "",
			want: `question "q12" has no en: (the English of 状況を整理する, which is on the emergency path)`, at: "id: q12",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := replaceIn(t, "intake.yaml", tt.old, tt.new)
			_, err := Load(seedFolder(t, map[string]string{"intake.yaml": changed}))
			if want := fmt.Sprintf("intake.yaml:%d: %s", lineOf(t, changed, tt.at), tt.want); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("Load = %v\nwant a problem %q", err, want)
			}
		})
	}
}
