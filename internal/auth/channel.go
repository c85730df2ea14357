package auth

import (
	"context"

	"entgo.io/ent"

	gen "github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/channel"
	"github.com/gemeente-rotterdam/catalogus/ent/predicate"
	"github.com/gemeente-rotterdam/catalogus/ent/privacy"
)

// channelFilter: inactive channels are for admins.
func channelFilter(v *Viewer) predicate.Channel {
	if v == nil || v.Role != Admin {
		return channel.Active(true)
	}
	return nil
}

// ChannelPolicy: inactive channels are for admins; channels are changed by
// an admin of everything.
func ChannelPolicy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.ChannelQueryRuleFunc(func(ctx context.Context, q *gen.ChannelQuery) error {
				if p := channelFilter(FromContext(ctx)); p != nil {
					q.Where(p)
				}
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{unlimitedAdminRule()},
	}
}
