package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

// TestDescribeBuild: what the binary says of its build, and "unknown" or "devel" where the
// build recorded nothing, never an empty field.
func TestDescribeBuild(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "2832360abc"}, {Key: "vcs.time", Value: "2026-12-05T09:00:00Z"}}
	tests := []struct {
		name            string
		info            *debug.BuildInfo
		built, revision string
		want            build
	}{
		{"no_build_info", nil, "", "", build{"unknown", "unknown", "unknown", "unknown", "unknown"}},
		{"work_tree_without_vcs", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "", "",
			build{"devel", "unknown", "unknown", "unknown", "go1.26.8"}},
		{"tagged_with_vcs", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: vcs}, "2026-12-05T10:00:00Z", "",
			build{"v1.2.0", "2832360abc", "2026-12-05T09:00:00Z", "2026-12-05T10:00:00Z", "go1.26.8"}},
		{"modified_work_tree", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: append(vcs, debug.BuildSetting{Key: "vcs.modified", Value: "true"})}, "", "",
			build{"devel", "2832360abc-modified", "2026-12-05T09:00:00Z", "unknown", "go1.26.8"}},
		{"docker_stamped", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "2026-12-05T10:00:00Z", "2832360abc",
			build{"devel", "2832360abc", "unknown", "2026-12-05T10:00:00Z", "go1.26.8"}},
		{"vcs_wins_over_stamp", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: vcs}, "", "other",
			build{"v1.2.0", "2832360abc", "2026-12-05T09:00:00Z", "unknown", "go1.26.8"}},
	}
	for _, tt := range tests {
		if got := describeBuild(tt.info, tt.info != nil, tt.built, tt.revision); got != tt.want {
			t.Errorf("%s: describeBuild = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestVersionCommand(t *testing.T) {
	res := runCmd(t, nil, "", "version")
	if res.code != exitOK {
		t.Fatalf("version exited %d: %s", res.code, res.stderr)
	}
	for _, want := range []string{"helpdesk ", "\nrevision  ", "\ncommitted ", "\nbuilt     ", "\ngo        go1."} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("version output lacks %q:\n%s", want, res.stdout)
		}
	}
	if res := runCmd(t, nil, "", "version", "extra"); res.code != exitUsage {
		t.Errorf("version extra = exit %d, want %d", res.code, exitUsage)
	}
}
