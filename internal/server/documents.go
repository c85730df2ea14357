package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/graph"
	"github.com/gemeente-rotterdam/catalogus/internal/catalog"
	"github.com/gemeente-rotterdam/catalogus/internal/publish"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/scfeed"
	"github.com/gemeente-rotterdam/catalogus/internal/publish/schemaorg"
)

// documents serves the catalogue in open standards: a product's schema.org
// JSON-LD and the Samenwerkende Catalogi feed. They are public: publish reads
// them as an anonymous caller whoever asks, so they are the same for everyone
// and revalidate like the anonymous GraphQL reads, with an ETag from the
// catalogue's version, and share the response cache.
type documents struct {
	// rd chooses the database: a replica in rotation, or the primary.
	rd           *readers
	municipality string
	cache        *responseCache
	m            *metrics
	log          *slog.Logger
}

// errNoDocument answers 404 with its message.
type errNoDocument struct{ msg string }

func (e errNoDocument) Error() string { return e.msg }

// render writes a document and returns its content type.
type render func(r *http.Request, src publish.Source, municipality string) (body []byte, contentType string, err error)

func (d documents) serve(fn render) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		municipality := d.municipality
		if code := r.URL.Query().Get("municipality"); code != "" {
			municipality = code
		}
		// "document" keeps these keys apart from the GraphQL requests' in the
		// shared cache.
		key := "document " + r.URL.Path + "\nmunicipality=" + municipality
		db, v, err := d.rd.versioned(r.Context())
		if err != nil {
			d.fail(w, r, err)
			return
		}
		sum := sha256.Sum256([]byte(key))
		id := "v" + strconv.FormatInt(v, 10) + "-" + hex.EncodeToString(sum[:12])
		etag := `"` + id + `"`
		w.Header().Set("ETag", etag)
		if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		full := id + "\n" + key
		if d.cache != nil {
			if e := d.cache.get(full, time.Now()); e != nil {
				d.m.responseCache.WithLabelValues("hit").Inc()
				w.Header().Set("Content-Type", e.contentType)
				w.Header().Set("X-Cache", "hit")
				_, _ = w.Write(e.body)
				return
			}
			d.m.responseCache.WithLabelValues("miss").Inc()
			w.Header().Set("X-Cache", "miss")
		}
		body, contentType, err := fn(r, db.publish, municipality)
		if err != nil {
			d.fail(w, r, err)
			return
		}
		if d.cache != nil {
			d.cache.put(&cachedResponse{key: full, contentType: contentType, body: body})
			d.m.responseCacheBytes.Set(float64(d.cache.bytes()))
		}
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	})
}

// fail answers an error in plain words: 404 for what is not there (or not
// public), 400 for a bad argument, 503 while the database cannot be reached,
// 500 (logged) for the rest.
func (d documents) fail(w http.ResponseWriter, r *http.Request, err error) {
	var none errNoDocument
	var notFound *catalog.NotFoundError
	var bad *catalog.FieldError
	switch {
	case errors.As(err, &none):
		http.Error(w, none.msg, http.StatusNotFound)
	case errors.As(err, &notFound):
		http.Error(w, notFound.Message, http.StatusNotFound)
	case errors.As(err, &bad):
		http.Error(w, bad.Message, http.StatusBadRequest)
	case graph.DatabaseDown(err):
		// The server logs the outage once (outage.go), not per request.
		http.Error(w, graph.UnavailableMessage, http.StatusServiceUnavailable)
	default:
		d.log.Error("publishing a document", "request_id", RequestID(r.Context()), "path", r.URL.Path, "err", err)
		http.Error(w, "internal error (request "+RequestID(r.Context())+")", http.StatusInternalServerError)
	}
}

// productJSONLD serves /products/{slug}.jsonld.
func (d documents) productJSONLD(r *http.Request, src publish.Source, municipality string) ([]byte, string, error) {
	slug, ok := strings.CutSuffix(r.PathValue("file"), ".jsonld")
	if !ok {
		return nil, "", errNoDocument{"not found: products are published at /products/{slug}.jsonld"}
	}
	k, err := src.Product(r.Context(), municipality, slug)
	if errors.Is(err, publish.ErrNotPublished) {
		return nil, "", errNoDocument{"there is no published product " + strconv.Quote(slug)}
	}
	if err != nil {
		return nil, "", err
	}
	body, err := schemaorg.Document(k, k.Products[0])
	return body, schemaorg.ContentType, err
}

// scFeed serves /sc.xml.
func (d documents) scFeed(r *http.Request, src publish.Source, municipality string) ([]byte, string, error) {
	k, err := src.Catalogue(r.Context(), municipality)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	if err := scfeed.Write(&buf, k); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), scfeed.ContentType, nil
}
