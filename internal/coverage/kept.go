package coverage

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Dashboards ask the same question again and again: the coverage of a
// municipality now, and (for the projection) twelve weeks earlier. Each
// answer is a statement over the whole change log of the municipality
// (~50-100 ms), while between two questions usually nothing happened. So
// Report keeps the last aggregate per scope and moment kind, and uses it for
// a later moment when the log proves nothing in between could change it:
//
//   - the municipality's version and the version of changes to every
//     municipality (channels) are the ones it was counted under: no commit
//     since then touched what it counts;
//   - no product, availability or channel event of the municipality has a
//     recorded time between the moment it was counted for and the moment
//     asked (events committed before the count but recorded later, as a
//     question about the past sees them).
//
// The versions are read before counting, so an aggregate is never kept
// under a version newer than itself.

// keptAggregates are the aggregates Report keeps between calls.
type keptAggregates struct {
	mu sync.Mutex
	m  map[string]*keptAggregate
	// counted is how many aggregates were counted rather than reused; tests
	// read it.
	counted int
}

type keptAggregate struct {
	at       time.Time
	versions [2]int64
	agg      *aggregates
}

// maxKept bounds the scopes kept: a dashboard asks a few dozen.
const maxKept = 256

// aggregateKept is count, reusing a kept aggregate when nothing in the log
// can have changed it. kind tells the moments of one scope apart ("now" and
// "then"), so that the two do not push each other out. count returns the
// aggregate and the moment it holds for (later than at when it counts the
// latest state).
func (s *Service) aggregateKept(ctx context.Context, sc *scope, at time.Time, kind string,
	count func(at time.Time) (*aggregates, time.Time, error)) (*aggregates, time.Time, error) {
	byMunicipality, everything, err := s.municipalityVersions(ctx, sc.Municipality)
	if err != nil {
		return nil, at, err
	}
	versions := [2]int64{byMunicipality[sc.Municipality], everything}
	if kind == "then" {
		// Twelve weeks back only an import writes (at pinned moments, which
		// raise the version of the municipality's past): the edits of the
		// day leave the aggregate standing.
		versions[0] = byMunicipality[-sc.Municipality]
	}
	key := kind + " " + sc.key()
	s.kept.mu.Lock()
	k := s.kept.m[key]
	s.kept.mu.Unlock()
	if k != nil && k.versions == versions && !at.Before(k.at) {
		quiet, err := s.quietBetween(ctx, sc.Municipality, k.at, at)
		if err != nil {
			return nil, at, err
		}
		if quiet {
			return k.agg, at, nil
		}
	}
	agg, counted, err := count(at)
	if err != nil {
		return nil, at, err
	}
	s.kept.mu.Lock()
	defer s.kept.mu.Unlock()
	if s.kept.m == nil || len(s.kept.m) >= maxKept {
		s.kept.m = map[string]*keptAggregate{}
	}
	s.kept.m[key] = &keptAggregate{at: counted, versions: versions, agg: agg}
	s.kept.counted++
	return agg, counted, nil
}

// quietBetween reports whether the log has no event that counts for the
// municipality's coverage recorded after from and up to to.
func (s *Service) quietBetween(ctx context.Context, municipality int, from, to time.Time) (bool, error) {
	if !to.After(from) {
		return true, nil
	}
	rows, err := s.Client.QueryContext(ctx, `SELECT id FROM change_events
WHERE ((municipality_id = $1 AND entity IN ('PRODUCT', 'AVAILABILITY')) OR entity = 'CHANNEL')
	AND recorded_at > $2 AND recorded_at <= $3
LIMIT 1`, municipality, from, to)
	if err != nil {
		return false, fmt.Errorf("coverage: looking for changes: %w", err)
	}
	defer rows.Close()
	found := rows.Next()
	return !found, rows.Err()
}

// key names what a scope counts: the same key, the same aggregate at the
// same moment.
func (sc *scope) key() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(sc.Municipality))
	b.WriteString(" owners")
	if sc.owners == nil {
		b.WriteString(" all")
	}
	owners := slices.Clone(sc.owners)
	slices.Sort(owners)
	for _, id := range owners {
		b.WriteString(" " + strconv.Itoa(id))
	}
	if sc.Theme != nil {
		b.WriteString(" theme " + strconv.Quote(*sc.Theme))
	}
	if sc.Audience != nil {
		b.WriteString(" audience " + string(*sc.Audience))
	}
	if sc.Channels != nil {
		channels := slices.Clone(sc.Channels)
		slices.Sort(channels)
		b.WriteString(" channels")
		for _, id := range channels {
			b.WriteString(" " + strconv.Itoa(id))
		}
	}
	return b.String()
}
