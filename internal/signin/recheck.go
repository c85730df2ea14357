package signin

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gemeente-rotterdam/catalogus/ent/editorsession"
	"github.com/gemeente-rotterdam/catalogus/ent/organization"
	"github.com/gemeente-rotterdam/catalogus/internal/auth"
)

// Sessions follow the provider: every Config.Recheck (15 minutes by
// default) the person's role and organization are asked again — by the
// refresh token when the provider gave one, else by UserInfo with the
// access token — so that someone removed from the editors' group, or signed
// out at the provider, loses access within that time.
//
// One request on one instance does the check: it claims it by moving the
// row's recheck_at on (a conditional update), and the others carry on with
// the session as it is meanwhile. Refresh tokens are often single-use, so
// two instances refreshing at once would end the session at the provider.
//
// When the provider cannot be reached, the session carries on for one more
// interval (tried again every minute); after that, requests are answered
// 503 until the provider answers again: access is never confirmed longer
// than twice the interval ago.

var errRecheck = errors.New("the session's check at the identity provider is overdue and the provider cannot be reached")

const recheckMessage = "Je rol kan nu niet worden gecontroleerd bij de aanmelddienst van de gemeente, die niet bereikbaar is; probeer het over een paar minuten opnieuw. (The identity provider cannot be reached to confirm your role; try again in a few minutes.)"

// recheckRetry is the pause before a failed check is tried again.
const recheckRetry = time.Minute

// live returns the session a cookie names, re-checked at the provider when
// that is due.
func (s *Service) live(ctx context.Context, ref sessionRef) (*Session, error) {
	sess, err := s.load(ctx, ref)
	if err != nil {
		return nil, err
	}
	row := sess.row
	now := s.cfg.Now().UTC()
	if s.idp == nil || s.cfg.Recheck < 0 || row.Dev || now.Before(row.RecheckAt) {
		return sess, nil
	}
	claimed, err := s.cfg.Client.EditorSession.Update().
		Where(editorsession.ID(row.ID), editorsession.RecheckAt(row.RecheckAt)).
		SetRecheckAt(now.Add(recheckRetry).Truncate(time.Second)).
		Save(auth.Allow(ctx))
	if err != nil {
		return nil, err
	}
	if claimed == 0 {
		return s.carryOn(sess, now)
	}
	return s.recheck(ctx, sess, now)
}

// carryOn lets a session whose check is due go on while another request
// checks it, or while the provider is unreachable, within the grace.
func (s *Service) carryOn(sess *Session, now time.Time) (*Session, error) {
	if now.Sub(sess.row.CheckedAt) >= 2*s.cfg.Recheck {
		return nil, errRecheck
	}
	return sess, nil
}

// recheck asks the provider about the session's person and applies the
// answer: the session goes on (with the role and organization as they are
// now), ends, or carries on unchecked while the provider is unreachable.
func (s *Service) recheck(ctx context.Context, sess *Session, now time.Time) (*Session, error) {
	id, creds, err := s.confirm(ctx, sess)
	var gone *ended
	switch {
	case errors.As(err, &gone):
		if err := s.end(ctx, sess.ID); err != nil {
			return nil, err
		}
		s.log.Info("session ended by its check at the identity provider", "name", sess.Name, "reason", gone.reason)
		return nil, auth.ErrUnauthenticated
	case err != nil:
		var p *problem
		if errors.As(err, &p) && p.kind == operator {
			s.log.Error("checking a session at the identity provider: the catalogue's set-up is wrong", "name", sess.Name, "err", p.Detail)
		} else {
			s.log.Warn("checking a session at the identity provider failed; trying again in a minute", "name", sess.Name, "err", err)
		}
		return s.carryOn(sess, now)
	}
	sealed, err := s.sealCredentials(creds, sess.ID)
	if err != nil {
		return nil, err
	}
	row, err := sess.row.Update().
		SetName(id.Name).
		SetRole(editorsession.Role(id.Role)).
		SetOrganizationCode(id.Org).
		SetCredentials(sealed).
		SetCheckedAt(now.Truncate(time.Second)).
		SetRecheckAt(now.Add(s.cfg.Recheck).Truncate(time.Second)).
		Save(auth.Allow(ctx))
	if err != nil {
		return nil, err
	}
	if string(id.Role) != sess.Role || id.Org != sess.Org {
		s.log.Info("a session's role or organization changed at the identity provider", "name", id.Name,
			"role", id.Role, "was_role", sess.Role, "organization", id.Org, "was_organization", sess.Org)
	}
	return sessionOf(row, sessionRef{ID: sess.ID, CSRF: sess.CSRF}), nil
}

func sessIdentity(sess *Session) *Identity {
	return &Identity{Name: sess.Name, Role: auth.Role(sess.Role), Org: sess.Org}
}

// ended is the provider's answer that the session may not go on.
type ended struct{ reason string }

func (e *ended) Error() string { return e.reason }

// confirm asks the provider who the session's person is now.
func (s *Service) confirm(ctx context.Context, sess *Session) (Identity, credentials, error) {
	d, p := s.idp.get(ctx)
	if p != nil {
		return Identity{}, credentials{}, p
	}
	creds, err := s.credentialsOf(sess)
	if err != nil {
		return Identity{}, creds, &ended{"its tokens cannot be opened (was the session key changed?): " + err.Error()}
	}
	subject := sess.row.Subject
	var fromToken, fromInfo map[string]any
	if creds.RefreshToken != "" && d.supportsRefresh {
		tok, err := s.tokenRequest(ctx, d, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {creds.RefreshToken}})
		var oe *oauthError
		switch {
		case errors.As(err, &oe) && oe.Code == "invalid_grant":
			return Identity{}, creds, &ended{"the provider no longer honours its refresh token (signed out or revoked there): " + oe.Error()}
		case err != nil:
			return Identity{}, creds, s.providerProblem("refreshing a session's tokens", err)
		}
		creds.AccessToken = tok.AccessToken
		creds.AccessExp = time.Time{}
		if e := tok.expiresIn(); e > 0 {
			creds.AccessExp = s.cfg.Now().Add(e)
		}
		if tok.RefreshToken != "" {
			creds.RefreshToken = tok.RefreshToken
		}
		if tok.IDToken != "" {
			idt, p := s.verifyIDToken(ctx, d, tok.IDToken, "")
			if p != nil {
				if p.kind == unavailable || p.kind == operator {
					return Identity{}, creds, p
				}
				return Identity{}, creds, &ended{"the refreshed ID token is not valid: " + p.Detail}
			}
			if idt.Subject != subject {
				return Identity{}, creds, &ended{fmt.Sprintf("the refreshed ID token is about subject %q, the session about %q", idt.Subject, subject)}
			}
			if err := idt.Claims(&fromToken); err != nil {
				return Identity{}, creds, &ended{"the refreshed ID token's claims: " + err.Error()}
			}
			creds.IDToken = tok.IDToken
		}
	}
	if d.userInfoURL != "" && creds.AccessToken != "" {
		info, err := s.userInfo(ctx, d, creds.AccessToken)
		var oe *oauthError
		switch {
		case errors.As(err, &oe) && (oe.Status == http.StatusUnauthorized || oe.Code == "invalid_token"):
			return Identity{}, creds, &ended{"the provider no longer accepts its access token: " + oe.Error()}
		case err != nil:
			return Identity{}, creds, s.providerProblem("asking UserInfo about a session", err)
		}
		if sub, _ := info["sub"].(string); sub != subject {
			return Identity{}, creds, &ended{fmt.Sprintf("UserInfo is about subject %q, the session about %q", sub, subject)}
		}
		fromInfo = info
	}
	if fromToken == nil && fromInfo == nil {
		// Neither a refresh token nor UserInfo: nothing to ask. The session
		// runs its course, as before the re-check existed.
		return *sessIdentity(sess), creds, nil
	}
	if fromToken == nil {
		// UserInfo alone: the ID token's claims from the sign-in fill in
		// what UserInfo does not repeat.
		if idt, err := s.unverifiedClaims(creds.IDToken); err == nil {
			fromToken = idt
		}
	}
	id, err := s.cfg.Mapping.Map(merge(fromToken, fromInfo))
	if err != nil {
		return Identity{}, creds, &ended{"the mapping refuses now: " + err.Error()}
	}
	if id.Org != "" {
		ok, err := s.cfg.Client.Organization.Query().Where(organization.Code(id.Org)).Exist(auth.Allow(ctx))
		if err != nil {
			return Identity{}, creds, err
		}
		if !ok {
			return Identity{}, creds, &ended{fmt.Sprintf("the organization %q is not in the catalogue", id.Org)}
		}
	}
	return id, creds, nil
}

// unverifiedClaims reads the claims of an ID token verified at sign-in and
// kept sealed since: no need to check its signature (or expiry) again.
func (s *Service) unverifiedClaims(raw string) (map[string]any, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var c map[string]any
	return c, json.Unmarshal(b, &c)
}
