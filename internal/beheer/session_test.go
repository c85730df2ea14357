package beheer_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gemeente-rotterdam/catalogus/internal/browsertest"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/server"
	"github.com/gemeente-rotterdam/catalogus/internal/signin"
	"github.com/gemeente-rotterdam/catalogus/internal/signin/signintest"
	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestSessionEndInABrowser lets a session run out while an editor is
// typing: the page warns before the end; the save after the end is
// refused, and what was typed comes back in the same form after signing in
// again.
func TestSessionEndInABrowser(t *testing.T) {
	browsertest.Chromium(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		k := fixture.New(t, db.Client)
		k.Product(t, db.Client, "p-a", k.ClusterA)
		var mu sync.Mutex
		var offset time.Duration
		now := func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return time.Now().Add(offset)
		}
		idp := signintest.Start(t)
		srv := httptest.NewUnstartedServer(nil)
		base := "http://" + srv.Listener.Addr().String()
		cfg := idp.Config(db, base, now)
		// Four minutes: within the page's warning from the start.
		cfg.TTL = 4 * time.Minute
		s, err := signin.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv.Config.Handler = server.Handler(server.Config{DB: db, SignIn: s})
		srv.Start()
		t.Cleanup(srv.Close)

		b := newTab(t)
		idp.Editor("jane.doe@rotterdam.nl", "cluster-a")
		b.run("signing in", chromedp.Navigate(base+"/beheer/#product/p-a"), chromedp.WaitVisible(`#sign-in`), chromedp.Click(`#sign-in`),
			chromedp.WaitVisible(`#product[data-slug="p-a"]`))
		b.poll("the warning that the session ends", `document.getElementById('session-ending') !== null`)
		if msg := b.eval(`document.getElementById('session-ending').textContent`); !strings.Contains(msg, "loopt om") {
			t.Errorf("the warning reads %q", msg)
		}
		b.run("editing the website channel", chromedp.Click(`#edit-website`), chromedp.WaitVisible(`#cell-form`))
		b.eval(`(() => { const f = document.getElementById('c-instructions'); f.value = 'Bel eerst even.'; return f.value; })()`)

		// The session ends on the server; the save is refused.
		mu.Lock()
		offset = 5 * time.Minute
		mu.Unlock()
		b.run("saving after the end", chromedp.Click(`#cell-save`))
		b.poll("the signed-out page", `!document.getElementById('signed-out').hidden`)
		if msg := b.eval(`document.getElementById('signed-out-text').textContent`); !strings.Contains(msg, "weer klaar") {
			t.Errorf("after the end the page says %q", msg)
		}

		idp.Editor("jane.doe@rotterdam.nl", "cluster-a")
		b.run("signing in again", chromedp.Click(`#sign-in`), chromedp.WaitVisible(`#product[data-slug="p-a"]`))
		b.poll("the channel form back", `!document.getElementById('cell-form').hidden && document.getElementById('c-instructions').value === 'Bel eerst even.'`)
		if msg := b.eval(`document.getElementById('status').textContent`); !strings.Contains(msg, "weer klaar") {
			t.Errorf("after signing in again the status line says %q", msg)
		}
	})
}
