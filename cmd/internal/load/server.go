package load

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ---- the server in a child process

// Server is `helpdesk serve` running in a child process.
type Server struct {
	URL     string        // http://127.0.0.1:port
	Startup time.Duration // from starting the process to its first answer on /healthz
	Log     *ServerLog

	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has ended
	waitErr error         // how it ended, once exited is closed
	once    sync.Once
	stopErr error
}

// StartProcess runs `exe serve --addr 127.0.0.1:PORT` on a free port, with the settings vars in
// place of any LINE_, SLACK_ and HELPDESK_ variables of this process, and waits until it answers
// GET /healthz. Its whole log (standard error) also goes to tee, unless nil. exe is a helpdesk
// binary, or a test binary that runs helpdesk when told to by one of vars. Call Stop (or Kill)
// to end it.
func StartProcess(ctx context.Context, exe string, vars map[string]string, tee io.Writer) (*Server, error) {
	// The port is picked free just before the server binds it; another program may take it in
	// between, which the server reports as an address in use: try another.
	for attempt := 1; ; attempt++ {
		s, err := startProcess(ctx, exe, vars, tee)
		if err == nil || attempt == 3 || !errors.Is(err, errAddrInUse) {
			return s, err
		}
	}
}

var errAddrInUse = errors.New("address already in use")

func startProcess(ctx context.Context, exe string, vars map[string]string, tee io.Writer) (*Server, error) {
	addr, err := FreeAddr()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "serve", "--addr", addr)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasPrefix(k, "LINE_") && !strings.HasPrefix(k, "SLACK_") && !strings.HasPrefix(k, "HELPDESK_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	s := &Server{URL: "http://" + addr, Log: NewServerLog(tee), cmd: cmd, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = io.Discard, s.Log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start serve: %v", err)
	}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	err = WaitHealthy(ctx, s.URL, 30*time.Second, s.exited)
	if err == nil {
		s.Startup = time.Since(start)
		return s, nil
	}
	select {
	case <-s.exited:
		err = fmt.Errorf("serve exited with %d before answering /healthz:\n%s", cmd.ProcessState.ExitCode(), s.Log.Tail())
		if strings.Contains(s.Log.Tail(), "address already in use") {
			err = fmt.Errorf("%w: %v", errAddrInUse, err)
		}
		return nil, err
	default:
		s.Stop()
		return nil, fmt.Errorf("%v:\n%s", err, s.Log.Tail())
	}
}

// Stop sends SIGTERM, waits for the server to drain and returns its exit code. Later calls
// return the same.
func (s *Server) Stop() (int, error) {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			<-s.exited
			s.stopErr = errors.New("serve did not stop within 30 s of SIGTERM")
		}
	})
	return s.cmd.ProcessState.ExitCode(), s.stopErr
}

// Kill kills the server at once (SIGKILL) and returns how it ended.
func (s *Server) Kill() error {
	s.cmd.Process.Kill()
	<-s.exited
	return s.waitErr
}

// Signal sends sig to the server process: SIGSTOP and SIGCONT pause and resume it, as a machine
// that froze for a while would.
func (s *Server) Signal(sig os.Signal) error {
	return s.cmd.Process.Signal(sig)
}

// Exited is closed when the server process has ended.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// FreeAddr returns a loopback address with a port that was free a moment ago.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// WaitHealthy polls GET base/healthz until it answers 200. It gives up after within, when ctx
// ends, or when exited is closed (the server is gone); exited may be nil.
func WaitHealthy(ctx context.Context, base string, within time.Duration, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(within)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/healthz", nil)
		if err != nil {
			return err
		}
		if res, err := client.Do(req); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("serve did not answer /healthz within %v", within)
		}
		select {
		case <-time.After(2 * time.Millisecond):
		case <-exited:
			return errors.New("serve exited")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// ServerLog is where the server writes its JSON log: it counts the warnings and keeps the last
// lines for when something goes wrong.
type ServerLog struct {
	tee io.Writer // also gets everything written; nil: nothing else does

	mu       sync.Mutex
	partial  []byte
	last     [][]byte // the last lines, at most keepLines
	warnings int      // lines logged at WARN or ERROR
}

const keepLines = 40

// NewServerLog returns a log that also writes everything to tee, unless tee is nil (tests read
// the whole log; the load tool keeps only the last lines).
func NewServerLog(tee io.Writer) *ServerLog {
	return &ServerLog{tee: tee}
}

func (l *ServerLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.tee != nil {
		l.tee.Write(p)
	}
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		line := bytes.Clone(l.partial[:i])
		l.partial = l.partial[i+1:]
		var rec struct{ Level string }
		if json.Unmarshal(line, &rec) == nil && (rec.Level == "WARN" || rec.Level == "ERROR") {
			l.warnings++
		}
		if len(l.last) == keepLines {
			l.last = l.last[1:]
		}
		l.last = append(l.last, line)
	}
	return len(p), nil
}

// Warnings returns how many lines were logged at WARN or ERROR so far.
func (l *ServerLog) Warnings() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.warnings
}

// Tail returns the last lines logged.
func (l *ServerLog) Tail() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(bytes.Join(l.last, []byte("\n")))
}

// ---- the server's /metrics and admin API

// metricsClient reads /metrics and calls the admin API, apart from the load's connections.
var metricsClient = &http.Client{Timeout: 10 * time.Second}

// Metrics reads the server's /metrics and sums the samples of each metric by name.
func Metrics(ctx context.Context, base string) (map[string]float64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	res, err := metricsClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", res.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		name := line[:strings.IndexAny(line+" ", "{ ")]
		if v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64); err == nil {
			out[name] += v
		}
	}
	return out, sc.Err()
}

// DrainOutbox waits until the server at base has delivered everything it queued.
func DrainOutbox(ctx context.Context, base string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		m, err := Metrics(ctx, base)
		if err != nil {
			return err
		}
		depth := m["helpdesk_outbox_depth"]
		if depth == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the outbox still holds %v entries after %v", depth, within)
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// TimeReload asks the server at base to reload its knowledge (POST /admin/reload) and returns
// how long the request took.
func TimeReload(ctx context.Context, base, token string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/admin/reload", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	start := time.Now()
	res, err := metricsClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	took := time.Since(start)
	if res.StatusCode != http.StatusOK {
		return took, fmt.Errorf("POST /admin/reload: %s", res.Status)
	}
	return took, nil
}
