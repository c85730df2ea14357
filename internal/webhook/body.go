package webhook

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Notification is the body of a POST, in the shape of the VNG Notificaties
// API's notification (kanaal, hoofdObject, resource, resourceUrl, actie,
// aanmaakdatum, kenmerken), so that Common Ground receivers read it as they
// read Open Product's.
type Notification struct {
	Kanaal       string            `json:"kanaal"`
	HoofdObject  string            `json:"hoofdObject"`
	Resource     string            `json:"resource"`
	ResourceURL  string            `json:"resourceUrl"`
	Actie        string            `json:"actie"`
	Aanmaakdatum string            `json:"aanmaakdatum"`
	Kenmerken    map[string]string `json:"kenmerken"`
}

// Kanaal is the channel (in the Notificaties API's sense) of every
// notification the catalogue sends.
const Kanaal = "producten"

// render turns a delivery's stored payload into the body POSTed: the
// product's public page is the site URL followed by its slug (as in the
// published documents); a channel's change points at the site itself.
func render(siteURL string, payload map[string]any) ([]byte, error) {
	str := func(k string) string {
		s, _ := payload[k].(string)
		return s
	}
	kind := str("kind")
	if !strings.HasSuffix(siteURL, "/") {
		siteURL += "/"
	}
	n := Notification{
		Kanaal:       Kanaal,
		HoofdObject:  siteURL,
		Resource:     "kanaal",
		ResourceURL:  siteURL,
		Actie:        actie(kind),
		Aanmaakdatum: str("at"),
		Kenmerken:    map[string]string{"municipality": str("municipality"), "kind": kind},
	}
	if at, err := time.Parse(time.RFC3339Nano, n.Aanmaakdatum); err == nil {
		n.Aanmaakdatum = at.UTC().Format(time.RFC3339Nano)
	}
	if slug := str("slug"); slug != "" {
		n.HoofdObject = siteURL + slug
		n.Resource = "product"
		n.ResourceURL = n.HoofdObject
		n.Kenmerken["slug"] = slug
	}
	for _, k := range []string{"channel", "status", "previousSlug"} {
		if v := str(k); v != "" {
			n.Kenmerken[k] = v
		}
	}
	switch v := payload["version"].(type) {
	case float64:
		n.Kenmerken["version"] = strconv.FormatInt(int64(v), 10)
	case int:
		n.Kenmerken["version"] = strconv.Itoa(v)
	}
	b, err := json.Marshal(n)
	if err != nil {
		return nil, fmt.Errorf("webhook: writing the notification: %w", err)
	}
	return b, nil
}

// actie is the Notificaties API's action of a feed kind.
func actie(kind string) string {
	switch kind {
	case "PRODUCT_PUBLISHED":
		return "create"
	case "PRODUCT_RETIRED", "PRODUCT_REMOVED":
		return "destroy"
	}
	return "update"
}
