package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
)

// metrics are what /metrics reports: requests, their latency and status,
// GraphQL errors, the database pool, and the Go runtime.
type metrics struct {
	reg           *prometheus.Registry
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	graphqlErrors prometheus.Counter
	// The response cache: lookups by result, and the bytes it holds.
	responseCache      *prometheus.CounterVec
	responseCacheBytes prometheus.Gauge
	// streams is the number of open subscriptions (streams.go).
	streams prometheus.Gauge
}

func newMetrics(db *store.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "catalogus_http_requests_total",
			Help: "HTTP requests served, by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "catalogus_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		graphqlErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "catalogus_graphql_errors_total",
			Help: "Errors returned in GraphQL responses.",
		}),
		responseCache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "catalogus_response_cache_lookups_total",
			Help: "Anonymous reads looked up in the response cache, by result (hit or miss).",
		}, []string{"result"}),
		responseCacheBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "catalogus_response_cache_bytes",
			Help: "Bytes the response cache holds.",
		}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "catalogus_open_streams",
			Help: "Subscriptions open as Server-Sent Events.",
		}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.graphqlErrors, m.responseCache, m.responseCacheBytes, m.streams,
		collectors.NewDBStatsCollector(db.SQL, db.Target.Dialect),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// route names a request's route with a small fixed set of labels.
func route(path string) string {
	switch {
	case path == "/graphql":
		return "graphql"
	case path == "/" || len(path) > 10 && path[:10] == "/graphiql/":
		return "graphiql"
	case strings.HasPrefix(path, "/dashboard"):
		return "dashboard"
	case strings.HasPrefix(path, "/beheer"):
		return "beheer"
	case path == "/healthz", path == "/readyz", path == "/metrics":
		return path[1:]
	}
	return "other"
}

func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		start := time.Now()
		next.ServeHTTP(sw, r)
		rt := route(r.URL.Path)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.requests.WithLabelValues(rt, strconv.Itoa(sw.status)).Inc()
		m.latency.WithLabelValues(rt).Observe(time.Since(start).Seconds())
	})
}
