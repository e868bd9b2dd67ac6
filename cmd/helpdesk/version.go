package main

import (
	"fmt"
	"runtime/debug"
)

// buildTime is when the binary was built, given by the build, as the Dockerfile does:
//
//	go build -ldflags "-X main.buildTime=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ./cmd/helpdesk
//
// The Go toolchain records only the time of the commit built, not of the build.
var buildTime string

// buildRevision is the commit built, given by a build that has no git checkout to read it from
// (the Docker build: .dockerignore leaves .git out), with -X main.buildRevision=COMMIT. The
// toolchain's own record wins when there is one.
var buildRevision string

// build is what the binary knows of its own making. Every field says "unknown" when the build
// did not record it (no version control information: a build outside a git checkout, or with
// -buildvcs=false).
type build struct {
	version   string // the module version; "devel" for a build from a work tree
	revision  string // the commit, with "-modified" when the work tree had changes
	committed string // the commit's time
	built     string // buildTime
	goVersion string
}

// readBuild describes the binary from its build information (debug.ReadBuildInfo).
func readBuild() build {
	info, ok := debug.ReadBuildInfo()
	return describeBuild(info, ok, buildTime, buildRevision)
}

// describeBuild describes a build from its build information and the build's own stamps.
func describeBuild(info *debug.BuildInfo, ok bool, built, revision string) build {
	b := build{version: "unknown", revision: "unknown", committed: "unknown", built: "unknown", goVersion: "unknown"}
	if built != "" {
		b.built = built
	}
	if revision != "" {
		b.revision = revision
	}
	if !ok || info == nil {
		return b
	}
	b.goVersion = info.GoVersion
	switch v := info.Main.Version; v {
	case "":
	case "(devel)":
		b.version = "devel"
	default:
		b.version = v
	}
	modified := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.time":
			b.committed = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if modified && b.revision != "unknown" {
		b.revision += "-modified"
	}
	return b
}

func runVersion(e *env, args []string) int {
	fs := e.newFlags("version", "")
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	b := readBuild()
	fmt.Fprintf(e.stdout, "helpdesk %s\nrevision  %s\ncommitted %s\nbuilt     %s\ngo        %s\n",
		b.version, b.revision, b.committed, b.built, b.goVersion)
	return exitOK
}
