// Package progress shows how far a long task has come: a bar redrawn in
// place on a terminal, a line every tenth of the way elsewhere (logs, CI).
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Bar reports progress of a task with a known number of steps.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	total    int
	tty      bool
	start    time.Time
	lastDraw time.Time
	lastTen  int
	done     bool
}

// New returns a bar for total steps, written to w.
func New(w io.Writer, label string, total int) *Bar {
	return &Bar{w: w, label: label, total: total, tty: isTerminal(w), start: time.Now()}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Set records that done steps are finished.
func (b *Bar) Set(done int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done || b.total <= 0 {
		return
	}
	now := time.Now()
	if b.tty {
		if done < b.total && now.Sub(b.lastDraw) < 100*time.Millisecond {
			return
		}
		b.lastDraw = now
		fmt.Fprintf(b.w, "\r%s", b.line(done, now))
	} else if ten := done * 10 / b.total; ten != b.lastTen {
		b.lastTen = ten
		fmt.Fprintln(b.w, b.line(done, now))
	}
	if done >= b.total {
		b.done = true
		if b.tty {
			fmt.Fprintln(b.w)
		}
	}
}

func (b *Bar) line(done int, now time.Time) string {
	const width = 30
	filled := width * done / b.total
	elapsed := now.Sub(b.start).Seconds()
	rate := 0.0
	if elapsed > 0 {
		rate = float64(done) / elapsed
	}
	return fmt.Sprintf("%s [%s%s] %3d%% %d/%d (%.0f/s)", b.label,
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), 100*done/b.total, done, b.total, rate)
}
