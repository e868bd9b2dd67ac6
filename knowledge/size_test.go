package knowledge

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// padded returns content grown to size bytes with comment lines (YAML "#", or CSV rows that
// repeat the last one).
func padded(t *testing.T, name string, size int) []byte {
	t.Helper()
	b, err := fs.ReadFile(seedFolder(t, nil), name)
	if err != nil {
		t.Fatal(err)
	}
	line := "# " + strings.Repeat("あ", 30) + "\n"
	if strings.HasSuffix(name, ".csv") {
		rows := strings.Split(strings.TrimRight(string(b), "\r\n"), "\n")
		line = rows[len(rows)-1] + "\n"
	}
	out := append([]byte(nil), b...)
	for len(out)+len(line) <= size {
		out = append(out, line...)
	}
	for len(out) < size {
		out = append(out, '\n')
	}
	return out
}

// TestKnowledgeFilesAreBounded: a knowledge file over its limit (1 MiB for YAML, 8 MiB for the
// CSV) is refused quickly, with a problem naming the file and the limit, whether or not its
// size is known before reading; a file at the limit is not refused for its size.
func TestKnowledgeFilesAreBounded(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		size     int
		mode     fs.FileMode // fs.ModeNamedPipe: a file whose size is not known before reading
		wantProb string      // "" when the file must load
	}{
		{"synonyms_of_60_MB", "synonyms.yaml", 60 << 20, 0, "synonyms.yaml: 60.0 MiB, more than the 1.0 MiB"},
		{"topic_just_over_1_MiB", "topics/phishing.yaml", 1<<20 + 1, 0, "topics/phishing.yaml: 1.0 MiB, more than the 1.0 MiB"},
		{"yaml_of_unknown_size", "messages.yaml", 2 << 20, fs.ModeNamedPipe, "messages.yaml: more than 1.0 MiB, more than the 1.0 MiB"},
		{"csv_over_8_MiB", "consultations.csv", 8<<20 + 1, 0, "consultations.csv: 8.0 MiB, more than the 8.0 MiB"},
		{"yaml_at_the_limit", "synonyms.yaml", 1 << 20, 0, ""},
		{"csv_at_the_limit", "consultations.csv", 8 << 20, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := seedFolder(t, nil)
			m[tt.file] = &fstest.MapFile{Data: padded(t, tt.file, tt.size), Mode: tt.mode}
			start := time.Now()
			_, err := Load(m)
			took := time.Since(start)
			t.Logf("Load with %s of %d bytes: %v", tt.file, tt.size, took)
			if tt.wantProb == "" {
				if err != nil && strings.Contains(err.Error(), "MiB") {
					t.Errorf("Load with %s of %d bytes = %v, want no size problem", tt.file, tt.size, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantProb) {
				t.Fatalf("Load with %s of %d bytes = %v, want a problem %q", tt.file, tt.size, err, tt.wantProb)
			}
			if took > 5*time.Second {
				t.Errorf("refusing %s of %d bytes took %v, want it refused before it is parsed", tt.file, tt.size, took)
			}
		})
	}
}
