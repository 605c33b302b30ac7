package demo

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// timeline prints what happens, stamped with the virtual time since the deployment began.
type timeline struct {
	mu    sync.Mutex
	out   io.Writer
	now   func() time.Time
	start time.Time
}

func (t *timeline) printf(who, format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	elapsed := t.now().Sub(t.start).Round(time.Second)
	stamp := fmt.Sprintf("%02d:%02d:%02d", int(elapsed.Hours()), int(elapsed.Minutes())%60,
		int(elapsed.Seconds())%60)
	fmt.Fprintf(t.out, "[+%s] %-11s %s\n", stamp, who, fmt.Sprintf(format, args...))
}

// lines returns a writer that prints each line it receives under who.
func (t *timeline) lines(who string) writerFunc {
	return writerFunc(func(p []byte) (int, error) {
		sc := bufio.NewScanner(bytes.NewReader(p))
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				t.printf(who, "%s", line)
			}
		}
		return len(p), nil
	})
}

// lambdaLog renders the Lambda's JSON decision lines as timeline entries.
func (t *timeline) lambdaLog() io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		sc := bufio.NewScanner(bytes.NewReader(p))
		for sc.Scan() {
			var line map[string]any
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				continue
			}
			t.decision(line)
		}
		return len(p), nil
	})
}

func (t *timeline) decision(l map[string]any) {
	s := func(k string) string { return fmt.Sprint(l[k]) }
	switch s("msg") {
	case "deployment running":
		t.printf("monitor", "poll %s: %s, components %s, tests %s; next check in %ss",
			s("receive_count"), s("status"), s("components"), s("tests"), s("next_check_seconds"))
	case "deployment finished":
		t.printf("monitor", "poll %s: %s; published Deployment Finished", s("receive_count"),
			s("status"))
	case "finish job triggered":
		t.printf("dispatch", "%s finish job: %s", s("ci"), s("result"))
	default:
		detail := ""
		for _, k := range []string{"reason", "error"} {
			if v, ok := l[k]; ok {
				detail += fmt.Sprintf(" (%s: %v)", k, v)
			}
		}
		t.printf("lambda", "%s %s%s", s("level"), s("msg"), detail)
	}
}

// writerFunc adapts a function to io.Writer.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
