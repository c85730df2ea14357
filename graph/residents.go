package graph

import "github.com/gemeente-rotterdam/catalogus/internal/catalog"

// followUps turns the API's list into the stored one (nil stays nil: left as
// it is on an update).
func followUps(in []*catalog.FollowUp) []catalog.FollowUp {
	if in == nil {
		return nil
	}
	out := make([]catalog.FollowUp, 0, len(in))
	for _, f := range in {
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}
