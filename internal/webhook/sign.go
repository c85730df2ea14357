package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The headers of a notification (docs/notifications.md).
const (
	HeaderSignature   = "X-Catalogus-Signature"
	HeaderTimestamp   = "X-Catalogus-Timestamp"
	HeaderIdempotency = "Idempotency-Key"
	HeaderAttempt     = "X-Catalogus-Attempt"
)

// ReplayWindow is how old a notification's timestamp a receiver should
// accept (docs/notifications.md); Verify holds to it.
const ReplayWindow = 5 * time.Minute

// Sign returns the X-Catalogus-Signature value of body sent at timestamp
// (Unix seconds): "sha256=" and the hex HMAC-SHA256, under the secret, of
// the timestamp, a full stop and the body. The timestamp is inside the
// signature so that a captured notification cannot be sent again later
// with a fresh timestamp.
func Sign(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify is the receiver's check, as docs/notifications.md describes it:
// the signature matches the timestamp header and the body, and the
// timestamp is within ReplayWindow of now.
func Verify(secret, signature, timestamp string, body []byte, now time.Time) error {
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return errors.New("webhook: the timestamp header is not a number of seconds")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > ReplayWindow || d < -ReplayWindow {
		return errors.New("webhook: the timestamp is outside the replay window")
	}
	if !hmac.Equal([]byte(Sign(secret, ts, body)), []byte(strings.TrimSpace(signature))) {
		return errors.New("webhook: the signature does not match the body")
	}
	return nil
}
