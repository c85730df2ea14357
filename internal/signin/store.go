package signin

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent"
	"github.com/gemeente-rotterdam/catalogus/ent/editorsession"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// Sessions live in the database (ent.EditorSession), so that every instance
// sharing it — and every instance after a restart — agrees on who is signed
// in: a signed-out or expired session is refused everywhere. A request costs
// one lookup by a unique index.

// secretHash is how the database knows a session: a copy of the database
// alone cannot be turned into a cookie, and the cookie's signature (the
// session key) is needed on top.
func secretHash(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

// provider is what a session keeps of the identity provider's sign-in.
type provider struct {
	Subject, Session string
	Credentials      []byte
}

// save stores a new session, and clears out the expired ones while it is
// at it: sign-ins are frequent enough to keep the table small, and rare
// enough that the sweep costs nothing noticeable.
func (s *Service) save(ctx context.Context, sess Session, p provider) error {
	ctx = auth.Allow(ctx)
	now := s.cfg.Now().UTC()
	if _, err := s.cfg.Client.EditorSession.Delete().Where(editorsession.ExpiresAtLTE(now)).Exec(ctx); err != nil {
		return err
	}
	return s.cfg.Client.EditorSession.Create().
		SetSecretHash(secretHash(sess.ID)).
		SetName(sess.Name).
		SetRole(editorsession.Role(sess.Role)).
		SetOrganizationCode(sess.Org).
		SetDev(sess.Dev).
		SetSubject(p.Subject).
		SetProviderSession(p.Session).
		SetCreatedAt(now).
		SetExpiresAt(sess.Exp.UTC()).
		SetCheckedAt(now.Truncate(time.Second)).
		SetRecheckAt(now.Add(s.cfg.Recheck).Truncate(time.Second)).
		SetCredentials(p.Credentials).
		Exec(ctx)
}

// load returns the session a cookie names, or auth.ErrUnauthenticated when
// it has ended (signed out anywhere) or expired; other errors are the
// database's.
func (s *Service) load(ctx context.Context, ref sessionRef) (*Session, error) {
	row, err := s.cfg.Client.EditorSession.Query().
		Where(editorsession.SecretHash(secretHash(ref.ID)), editorsession.ExpiresAtGT(s.cfg.Now().UTC())).
		Only(auth.Allow(ctx))
	if ent.IsNotFound(err) {
		return nil, auth.ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	return sessionOf(row, ref), nil
}

func sessionOf(row *ent.EditorSession, ref sessionRef) *Session {
	return &Session{ID: ref.ID, Name: row.Name, Role: string(row.Role), Org: row.OrganizationCode, CSRF: ref.CSRF,
		Exp: row.ExpiresAt, Dev: row.Dev, row: row}
}

// credentialsOf opens the provider's tokens a session keeps.
func (s *Service) credentialsOf(sess *Session) (credentials, error) {
	if sess.row == nil || sess.row.Credentials == nil {
		return credentials{}, nil
	}
	return s.openCredentials(*sess.row.Credentials, sess.ID)
}

// end signs a session out on every instance.
func (s *Service) end(ctx context.Context, id string) error {
	_, err := s.cfg.Client.EditorSession.Delete().Where(editorsession.SecretHash(secretHash(id))).Exec(auth.Allow(ctx))
	return err
}

// expiry is when a session started now ends.
func (s *Service) expiry() time.Time {
	return s.cfg.Now().Add(s.cfg.TTL).UTC().Truncate(time.Second)
}
