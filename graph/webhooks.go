package graph

import "github.com/gemeente-rotterdam/catalogus/internal/feed/publicview"

// kindStrings turns the API's change kinds into the subscription's stored strings.
func kindStrings(kinds []publicview.Kind) []string {
	out := []string{}
	for _, k := range kinds {
		out = append(out, string(k))
	}
	return out
}
