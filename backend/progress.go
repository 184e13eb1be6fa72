package backend

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// progress reports import progress: a redrawn bar on a terminal, sparse
// lines otherwise.
type progress struct {
	w     io.Writer
	tty   bool
	total int64
	read  *atomic.Int64
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) tick(n int) {
	if p.w == nil {
		return
	}
	if !p.tty {
		if n%100000 == 0 {
			fmt.Fprintf(p.w, "imported %d entries (%.0f/s)\n", n, p.rate(n))
		}
		return
	}
	if n&1023 != 0 {
		return
	}
	now := time.Now()
	if now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	fmt.Fprintf(p.w, "\r%s", p.line(n))
}

func (p *progress) rate(n int) float64 {
	el := time.Since(p.start).Seconds()
	if el <= 0 {
		return 0
	}
	return float64(n) / el
}

func (p *progress) line(n int) string {
	s := fmt.Sprintf("%d entries, %.0f/s", n, p.rate(n))
	if p.total > 0 && p.read != nil && p.read.Load() > 0 {
		frac := min(float64(p.read.Load())/float64(p.total), 1)
		const width = 30
		fill := int(frac * width)
		el := time.Since(p.start)
		eta := time.Duration(float64(el)/frac) - el
		s = fmt.Sprintf("[%s%s] %3.0f%% %s, ETA %s", strings.Repeat("#", fill), strings.Repeat(".", width-fill),
			frac*100, s, eta.Round(time.Second))
	}
	return s
}

func (p *progress) done(n int) {
	if p.w == nil {
		return
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\n", p.line(n))
	}
	// Otherwise the caller prints the summary (lightdir import does).
}
