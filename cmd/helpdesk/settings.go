package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/helpdesk-bot/helpdesk/bot/line"
	"github.com/helpdesk-bot/helpdesk/bot/slack"
	"github.com/helpdesk-bot/helpdesk/dialog"
	"github.com/helpdesk-bot/helpdesk/dialog/pgstore"
	"github.com/helpdesk-bot/helpdesk/knowledge"
)

// settings is what serve reads from the environment, every variable checked: readSettings
// builds it before anything is opened, and serve only wires from it.
type settings struct {
	logLevel slog.Level
	// addr is where the public listener listens; addrSource names where it came from, for
	// errors ("HELPDESK_ADDR=…", "--addr=…", or the default).
	addr, addrSource string
	adminAddr        string // the listener of /admin/* and /metrics; "" leaves them on addr
	// db is the database file, and dbSource where it came from.
	db, dbSource string
	// databaseURL is HELPDESK_DATABASE_URL: when set, the engine keeps its state in that
	// PostgreSQL database instead of the file db. It holds a password: never print it.
	databaseURL string
	// knowledge is the knowledge folder ("" for the embedded seeds), and knowledgeSource where
	// it came from.
	knowledge, knowledgeSource string
	now                        func() time.Time
	policy                     dialog.Policy
	rate                       dialog.RateLimit
	retention                  time.Duration
	adminToken                 string // "" leaves the admin API off
	line                       *lineSettings
	slack                      *slackSettings
}

// lineSettings turn LINE on: both LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN are set.
type lineSettings struct {
	secret string
	api    line.API
}

// slackSettings turn Slack on: SLACK_BOT_TOKEN is set, with a way to receive events.
type slackSettings struct {
	botToken, signingSecret, appToken string
	apiURL                            string // checked, with its trailing slash
	staffChannel                      string // "" when no staff channel
	staffChannelPublic                bool
	admins                            map[string]bool // who may run /helpdesk reload and stats
}

// readSettings reads and checks serve's environment through getenv, in the order of the
// README's table: the first unusable variable stops it, with an error naming the variable and
// what it wants. When the error is about HELPDESK_LOG_LEVEL, the caller has no logger yet; for
// any other error, s.logLevel is already read.
func readSettings(getenv func(string) string) (s settings, err error) {
	if s.logLevel, err = logLevel(getenv("HELPDESK_LOG_LEVEL")); err != nil {
		return s, &levelError{err}
	}
	s.addr, s.addrSource = getenv("HELPDESK_ADDR"), "HELPDESK_ADDR="+getenv("HELPDESK_ADDR")
	if s.addr == "" {
		s.addr, s.addrSource = ":8080", "the default address :8080"
	}
	if err := checkAddr(s.addr, s.addrSource); err != nil {
		return s, err
	}
	if s.adminAddr, err = adminAddress(getenv("HELPDESK_ADMIN_ADDR")); err != nil {
		return s, err
	}
	if err := checkUnused(getenv); err != nil {
		return s, err
	}
	s.db, s.dbSource = "helpdesk.db", "the default database helpdesk.db"
	if v := getenv("HELPDESK_DB"); v != "" {
		s.db, s.dbSource = v, "HELPDESK_DB="+v
	}
	if s.databaseURL, err = databaseURL(getenv); err != nil {
		return s, err
	}
	s.knowledge, s.knowledgeSource = getenv("HELPDESK_KNOWLEDGE"), "HELPDESK_KNOWLEDGE"
	if s.now, err = parseNow(getenv("HELPDESK_NOW")); err != nil {
		return s, err
	}
	if s.policy, err = parsePolicy(getenv); err != nil {
		return s, err
	}
	if s.rate, err = parseRate("HELPDESK_USER_RATE", getenv("HELPDESK_USER_RATE"), dialog.RateLimit{Burst: 30, Every: 2 * time.Second}); err != nil {
		return s, err
	}
	if s.line, err = readLine(getenv); err != nil {
		return s, err
	}
	if s.slack, err = readSlack(getenv); err != nil {
		return s, err
	}
	// Cases reach people when Slack and a staff channel are set.
	s.policy.Staffed = s.slack != nil && s.slack.staffChannel != ""
	if s.adminToken = getenv("HELPDESK_ADMIN_TOKEN"); s.adminToken != "" && len(s.adminToken) < 16 {
		return s, fmt.Errorf("HELPDESK_ADMIN_TOKEN is too short: use at least 16 random characters")
	}
	if s.retention, err = parseDuration("HELPDESK_RETENTION", getenv("HELPDESK_RETENTION"), 90*24*time.Hour); err != nil {
		return s, err
	}
	return s, nil
}

// levelError is readSettings' error about HELPDESK_LOG_LEVEL: serve reports it without a
// logger, since it could not pick the level.
type levelError struct{ err error }

func (e *levelError) Error() string { return e.err.Error() }
func (e *levelError) Unwrap() error { return e.err }

// withFlags returns s with serve's flags, where given, in place of the environment's values.
func (s settings) withFlags(addr, db, dir string) (settings, error) {
	if addr != "" {
		s.addr, s.addrSource = addr, "--addr="+addr
		if err := checkAddr(s.addr, s.addrSource); err != nil {
			return s, err
		}
	}
	if db != "" {
		if s.databaseURL != "" {
			return s, errBothDatabases("--db")
		}
		s.db, s.dbSource = db, "--db="+db
	}
	if dir != "" {
		s.knowledge, s.knowledgeSource = dir, "--knowledge"
	}
	return s, nil
}

// databaseURL reads HELPDESK_DATABASE_URL, which selects the PostgreSQL store: "" when unset.
// The URL is checked here, without connecting; errors never repeat it (it holds the password).
// Setting HELPDESK_DB too is refused: which of the two databases was meant cannot be guessed,
// and serving from the wrong one would look like lost conversations.
func databaseURL(getenv func(string) string) (string, error) {
	v := getenv("HELPDESK_DATABASE_URL")
	if v == "" {
		return "", nil
	}
	if err := pgstore.CheckURL(v); err != nil {
		return "", fmt.Errorf("HELPDESK_DATABASE_URL: %v", err)
	}
	if getenv("HELPDESK_DB") != "" {
		return "", errBothDatabases("HELPDESK_DB")
	}
	return v, nil
}

// errBothDatabases refuses a bbolt file (named by which: HELPDESK_DB or --db) given beside
// HELPDESK_DATABASE_URL.
func errBothDatabases(which string) error {
	if which == "HELPDESK_DB" {
		// The Docker image and the systemd unit set HELPDESK_DB: an empty value unsets it.
		return errors.New("HELPDESK_DB and HELPDESK_DATABASE_URL are both set: HELPDESK_DATABASE_URL selects PostgreSQL, HELPDESK_DB a bbolt file; " +
			"unset one of them (an empty value unsets it: HELPDESK_DB= in the environment file, docker run -e HELPDESK_DB=)")
	}
	return fmt.Errorf("%s and HELPDESK_DATABASE_URL are both set: HELPDESK_DATABASE_URL selects PostgreSQL, %s a bbolt file; unset one of them", which, which)
}

// checkAddr checks a listen address; source names where it came from.
func checkAddr(addr, source string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return fmt.Errorf("%s: %v", source, err)
	}
	return nil
}

// logLevel reads HELPDESK_LOG_LEVEL: debug, info (the default), warn or error.
func logLevel(v string) (slog.Level, error) {
	var l slog.Level
	if v = strings.TrimSpace(v); v == "" {
		return slog.LevelInfo, nil
	}
	if err := l.UnmarshalText([]byte(v)); err != nil {
		return l, fmt.Errorf("HELPDESK_LOG_LEVEL=%s: want debug, info, warn or error", v)
	}
	return l, nil
}

// adminAddress reads HELPDESK_ADMIN_ADDR, the listener of /admin/* and /metrics; unset leaves
// them on the public listener. A port alone (":9090") listens on loopback only: exposing the
// admin API to every network must be asked for by naming a host (0.0.0.0:9090).
func adminAddress(v string) (string, error) {
	if v == "" {
		return "", nil
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("HELPDESK_ADMIN_ADDR=%s: %v", v, err)
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// checkUnused stops start-up on settings that are set but would do nothing: they are mistakes
// (a typo in a partner variable, a channel meant to be on).
func checkUnused(getenv func(string) string) error {
	set := func(name string) bool { return getenv(name) != "" }
	line := set("LINE_CHANNEL_SECRET") || set("LINE_CHANNEL_TOKEN")
	slack := set("SLACK_BOT_TOKEN")
	switch {
	case set("LINE_API_BASE") && !line:
		return fmt.Errorf("LINE_API_BASE is set but LINE is off (set LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN)")
	case set("SLACK_API_URL") && !slack:
		return fmt.Errorf("SLACK_API_URL is set but Slack is off (set SLACK_BOT_TOKEN)")
	case set("HELPDESK_ADMINS") && !slack:
		return fmt.Errorf("HELPDESK_ADMINS is set but Slack is off: admins run /helpdesk reload in Slack (set SLACK_BOT_TOKEN)")
	}
	return nil
}

// parseNow reads HELPDESK_NOW: RFC 3339 fixes the clock, for reproducible transcripts and for
// checking what the bot says at a given hour; unset is the real clock.
func parseNow(v string) (func() time.Time, error) {
	if v == "" {
		return time.Now, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return nil, fmt.Errorf("HELPDESK_NOW=%s: want RFC 3339, e.g. 2026-11-24T10:30:00+09:00", v)
	}
	return func() time.Time { return t }, nil
}

// parsePolicy reads how the helpdesk itself works: its opening hours (HELPDESK_HOURS, in the
// schedule syntax of the knowledge files) and the idle timeout (HELPDESK_IDLE). Whether a staff
// channel receives cases is for serve to say (chat and ask have none).
func parsePolicy(getenv func(string) string) (dialog.Policy, error) {
	var p dialog.Policy
	if v := getenv("HELPDESK_HOURS"); v != "" {
		s, err := knowledge.ParseSchedule(v)
		if err != nil {
			return p, fmt.Errorf("HELPDESK_HOURS=%s: %v", v, err)
		}
		p.Hours = s
	}
	var err error
	p.IdleTimeout, err = parseDuration("HELPDESK_IDLE", getenv("HELPDESK_IDLE"), 0)
	return p, err
}

// parseDuration reads the duration setting name, whose value is v, such as "2160h"; unset gives
// def.
func parseDuration(name, v string, def time.Duration) (time.Duration, error) {
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%s: want a duration such as 2160h", name, v)
	}
	return d, nil
}

// parseRate reads a per-user rate such as "20/1m" (20 messages a minute, all 20 at once if need
// be); "off" turns the limit off; unset gives def.
func parseRate(name, v string, def dialog.RateLimit) (dialog.RateLimit, error) {
	switch v {
	case "":
		return def, nil
	case "off":
		return dialog.RateLimit{}, nil
	}
	n, per, ok := strings.Cut(v, "/")
	count, err := strconv.Atoi(n)
	d, derr := time.ParseDuration(per)
	if !ok || err != nil || derr != nil || count <= 0 || d <= 0 {
		return def, fmt.Errorf("%s=%s: want MESSAGES/DURATION such as 20/1m, or off", name, v)
	}
	return dialog.RateLimit{Burst: count, Every: d / time.Duration(count)}, nil
}

// readLine reads LINE's settings: nil when neither LINE_CHANNEL_SECRET nor LINE_CHANNEL_TOKEN
// is set.
func readLine(getenv func(string) string) (*lineSettings, error) {
	secret, token := getenv("LINE_CHANNEL_SECRET"), getenv("LINE_CHANNEL_TOKEN")
	if secret == "" && token == "" {
		return nil, nil
	}
	if secret == "" || token == "" {
		return nil, errors.New("LINE_CHANNEL_SECRET and LINE_CHANNEL_TOKEN must be set together")
	}
	api, err := lineAPI(token, getenv("LINE_API_BASE"))
	if err != nil {
		return nil, err
	}
	return &lineSettings{secret: secret, api: api}, nil
}

// lineAPI checks how to reach the Messaging API: the channel access token, and LINE_API_BASE
// when set.
func lineAPI(token, base string) (line.API, error) {
	api := line.API{Token: token, BaseURL: base}
	if api.BaseURL != "" {
		if err := line.CheckBaseURL(api.BaseURL); err != nil {
			return api, fmt.Errorf("LINE_API_BASE=%s: want an http or https URL such as %s", api.BaseURL, line.DefaultBaseURL)
		}
	}
	return api, nil
}

// channelID is what a Slack channel id looks like (public C…, private C… or the older G…).
var channelID = regexp.MustCompile(`^[CG][A-Z0-9]{6,}$`)

// readSlack reads Slack's settings: nil when SLACK_BOT_TOKEN is not set (and nothing else of
// Slack is). Slack runs over HTTP (the Events API, interactions and /helpdesk, each request
// checked with SLACK_SIGNING_SECRET) or, when SLACK_APP_TOKEN is set, over Socket Mode. With
// HELPDESK_STAFF_CHANNEL it also posts cases there and takes staff replies and buttons from it.
func readSlack(getenv func(string) string) (*slackSettings, error) {
	botToken, secret, appToken := getenv("SLACK_BOT_TOKEN"), getenv("SLACK_SIGNING_SECRET"), getenv("SLACK_APP_TOKEN")
	staff, apiURL := getenv("HELPDESK_STAFF_CHANNEL"), getenv("SLACK_API_URL")
	if botToken == "" {
		switch {
		case staff != "":
			return nil, errors.New("HELPDESK_STAFF_CHANNEL is set but SLACK_BOT_TOKEN is not: the staff channel is on Slack; " +
				"set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), or unset HELPDESK_STAFF_CHANNEL")
		case secret != "" || appToken != "":
			return nil, errors.New("SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: set the bot token (xoxb-…) too")
		}
		return nil, nil
	}
	switch {
	case secret == "" && appToken == "":
		return nil, errors.New("SLACK_BOT_TOKEN is set without SLACK_SIGNING_SECRET (Events API over HTTP) or SLACK_APP_TOKEN (Socket Mode): set one of them")
	case strings.HasPrefix(botToken, "xapp-"):
		return nil, errors.New("SLACK_BOT_TOKEN holds an app-level token (xapp-…): use the Bot User OAuth Token (xoxb-…), and put the xapp- token in SLACK_APP_TOKEN")
	case appToken != "" && !strings.HasPrefix(appToken, "xapp-"):
		return nil, errors.New("SLACK_APP_TOKEN: want an app-level token (xapp-…) with the connections:write scope")
	case staff != "" && !channelID.MatchString(staff):
		return nil, fmt.Errorf("HELPDESK_STAFF_CHANNEL=%s: want a channel id such as C0123456789 (at the bottom of the channel's details), not its name", staff)
	}
	base, err := slack.CheckAPIURL(apiURL)
	if err != nil {
		return nil, fmt.Errorf("SLACK_API_URL=%s: want an http or https URL such as %s", apiURL, slack.DefaultAPIURL)
	}
	s := &slackSettings{botToken: botToken, signingSecret: secret, appToken: appToken, apiURL: base, staffChannel: staff,
		admins: map[string]bool{}}
	switch v := getenv("HELPDESK_STAFF_CHANNEL_PUBLIC"); v {
	case "", "0":
	case "1":
		s.staffChannelPublic = true
	default:
		return nil, fmt.Errorf("HELPDESK_STAFF_CHANNEL_PUBLIC=%s: want 1 (allow a public staff channel) or 0", v)
	}
	for _, id := range strings.Split(getenv("HELPDESK_ADMINS"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			s.admins[id] = true
		}
	}
	return s, nil
}
