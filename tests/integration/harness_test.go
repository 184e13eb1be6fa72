package integration

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the lightdir executable built by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "lightdir-integration")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "lightdir")
	out, err := exec.Command("go", "build", "-o", binary, "lightdir/cmd/lightdir").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building lightdir: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `lightdir serve`.
type server struct {
	t    testing.TB
	cmd  *exec.Cmd
	dir  string
	urls []string // as bound, from the "ready" line
	out  *lockedBuffer
	done chan struct{}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var readyURLs = regexp.MustCompile(`ldaps?://[0-9.]+:\d+|ldapi://[^"\s,\]]+`)

// startServer runs `lightdir serve ARGS` in dir with env added, and waits for
// the "ready" line. A server that exits first fails the test.
func startServer(t testing.TB, dir string, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out := &lockedBuffer{}
	cmd.Stdout = out
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, dir: dir, out: out, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			out.Write([]byte(line + "\n"))
			if !sent && strings.Contains(line, "ready") {
				ready <- line
				sent = true
			}
		}
	}()
	go func() {
		cmd.Wait()
		pw.Close()
		close(s.done)
	}()
	t.Cleanup(s.stop)
	select {
	case line := <-ready:
		s.urls = readyURLs.FindAllString(line, -1)
	case <-s.done:
		t.Fatalf("lightdir serve exited before ready:\n%s", out.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("lightdir serve not ready after 60s:\n%s", out.String())
	}
	return s
}

// url returns the first bound URL with the scheme.
func (s *server) url(scheme string) string {
	for _, u := range s.urls {
		if strings.HasPrefix(u, scheme+"://") {
			return u
		}
	}
	s.t.Fatalf("no %s listener in %v", scheme, s.urls)
	return ""
}

// stop sends SIGTERM and waits; the server must exit 0.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		s.t.Errorf("lightdir serve ignored SIGTERM:\n%s", s.out.String())
		return
	}
	if code := s.cmd.ProcessState.ExitCode(); code != 0 {
		s.t.Errorf("lightdir serve exited %d after SIGTERM:\n%s", code, s.out.String())
	}
}

// kill9 kills the server without warning.
func (s *server) kill9() {
	s.cmd.Process.Kill()
	<-s.done
}

// lightdir runs a non-serving subcommand and returns its exit code and output.
func lightdir(t testing.TB, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// needTool skips without tool outside CI and fails in CI.
func needTool(t *testing.T, tool string) {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("%s not installed", tool)
		}
		t.Fatalf("%s not installed (CI needs ldap-utils)", tool)
	}
}

// ldapTool runs an ldap-utils command with stdin and extra environment; it fails
// the test unless the exit code is want.
func ldapTool(t *testing.T, env []string, stdin string, want int, name string, args ...string) string {
	t.Helper()
	needTool(t, name)
	cmd := exec.Command(name, args...)
	cmd.Env = append(append(os.Environ(), "LDAPCONF=/dev/null"), env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	if code := cmd.ProcessState.ExitCode(); code != want {
		t.Fatalf("%s %s: exit %d, want %d:\n%s", name, strings.Join(args, " "), code, want, out)
	}
	return string(out)
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
