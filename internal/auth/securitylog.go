package auth

import (
	"context"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/securityevent"
)

// Security log kinds.
const (
	TokenCreated    = securityevent.KindTOKEN_CREATED
	TokenRevoked    = securityevent.KindTOKEN_REVOKED
	AuthFailed      = securityevent.KindAUTH_FAILED
	AuthThrottled   = securityevent.KindAUTH_THROTTLED
	AdminAction     = securityevent.KindADMIN_ACTION
	RetentionRun    = securityevent.KindRETENTION_APPLIED
	maxDetailLength = 2000
)

// Record writes an entry to the security log, through c (which may be a
// transaction's client, so that the entry lands with the change it records).
func Record(ctx context.Context, c *ent.Client, kind securityevent.Kind, actor, client, detail string) error {
	if actor == "" {
		actor = "unknown"
	}
	if len(detail) > maxDetailLength {
		detail = detail[:maxDetailLength]
	}
	return c.SecurityEvent.Create().SetKind(kind).SetActor(actor).SetClient(client).SetDetail(detail).
		SetOccurredAt(time.Now().UTC()).Exec(Allow(ctx))
}
