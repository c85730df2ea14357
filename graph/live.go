package graph

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
	"github.com/gemeente-rotterdam/catalogus/internal/coverage"
)

// LivePoll is how often a server with open subscriptions asks whether the
// catalogue changed: one statement per interval for all of them.
const LivePoll = 500 * time.Millisecond

// coverageNow is coverage's answer now for a stream: the anonymous streams
// with the same filter share one count per change of the catalogue (what a
// signed-in caller may see is theirs alone).
func (r *Resolver) coverageNow(ctx context.Context, f coverage.Filter) (*coverage.Report, error) {
	if auth.FromContext(ctx) != nil {
		return r.CoverageService.ReportNow(ctx, f)
	}
	key, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return r.liveCoverage.Get(ctx, r.Live, string(key), func(ctx context.Context) (*coverage.Report, error) {
		return r.CoverageService.ReportNow(ctx, f)
	})
}

func (r *Resolver) liveGap() time.Duration {
	if r.LiveGap > 0 {
		return r.LiveGap
	}
	return time.Second
}

// coverageKey tells two coverage reports apart by their figures; the moment
// they were counted at, and what follows from it alone (days left, the
// projection's dates), do not make a change worth pushing.
func coverageKey(rep *coverage.Report) string {
	if rep == nil {
		return ""
	}
	b, _ := json.Marshal(struct {
		Products, Full int
		Counts         coverage.Counts
		Channels       []coverage.ChannelCoverage
		Organizations  []coverage.OrganizationCoverage
		Themes         []coverage.ThemeCoverage
		Groups         coverage.Groups
	}{rep.Products, rep.FullyCoveredProducts, rep.Counts, rep.ByChannel, rep.ByOrganization, rep.ByTheme, rep.Groups})
	return string(b)
}

// productKey is a product's version: every change to the product or one of
// its cells raises it. A product out of sight has none.
func productKey(p *ent.Product) string {
	if p == nil {
		return "none"
	}
	return strconv.Itoa(p.Version) + " " + string(p.Status)
}
