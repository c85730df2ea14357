// Package browsertest finds and starts headless Chromium for the browser
// tests of the dashboard and the editor pages.
package browsertest

import (
	"os"
	"os/exec"
	"testing"

	"github.com/chromedp/chromedp"
)

// Chromium finds the browser: CATALOGUS_CHROMIUM, else Debian's chromium. It
// skips the test when there is none.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("CATALOGUS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser tests skipped: no Chromium found; install Debian's chromium package (apt-get install chromium) or set CATALOGUS_CHROMIUM")
	return ""
}

// Options are the allocator options the browser tests share: the browser
// Chromium finds, headless, without sandbox, GPU or background traffic, with
// a fresh profile and a 1280×1000 window.
func Options(t testing.TB) []chromedp.ExecAllocatorOption {
	t.Helper()
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
}
