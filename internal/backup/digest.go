package backup

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// A backup of version 6 or later ends in its digest: the SHA-256 of every
// byte before it and, when the operator configured a backup key, an
// HMAC-SHA-256 of the same bytes under that key. The file stays one JSON
// object; the digest is its last member:
//
//	{
//	 "format": "catalogus-backup",
//	 …
//	 "events": [ … ],
//	 "digest": {"bytes": 123456, "sha256": "…", "hmac": "…"}
//	}
//
// The restore checks the digest before it decodes anything: a damaged or
// edited file is refused as such, a truncated one as truncated. The SHA-256
// catches damage; only the HMAC catches a deliberate edit, since whoever edits
// the file can compute a new SHA-256 but not the HMAC without the key.

// digestMember starts the digest, as Export writes it.
const digestMember = ",\n \"digest\": "

// Digest is the last member of a backup.
type Digest struct {
	Bytes  int    `json:"bytes"`
	SHA256 string `json:"sha256"`
	HMAC   string `json:"hmac,omitempty"`
}

// ErrTruncated is the error of a file that ends early.
var ErrTruncated = errors.New("the backup is truncated: the file ends before its end (copy it again from where it came from)")

// seal appends the digest to body, the encoded file without its closing
// brace.
func seal(body []byte, key []byte) []byte {
	sum := sha256.Sum256(body)
	d := Digest{Bytes: len(body), SHA256: hex.EncodeToString(sum[:])}
	if len(key) > 0 {
		m := hmac.New(sha256.New, key)
		m.Write(body)
		d.HMAC = hex.EncodeToString(m.Sum(nil))
	}
	b, _ := json.Marshal(d)
	out := append(body, digestMember...)
	out = append(out, b...)
	return append(out, "\n}\n"...)
}

// unseal checks a file's digest and reports whether it had one. A file of
// version 5 or older has none; a later one without its digest is truncated
// or was edited.
func unseal(data []byte, key []byte) (bool, error) {
	i := bytes.LastIndex(data, []byte(digestMember))
	if i < 0 {
		return false, nil
	}
	body, tail := data[:i], data[i+len(digestMember):]
	var d Digest
	dec := json.NewDecoder(bytes.NewReader(tail))
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return true, ErrTruncated
		}
		return true, fmt.Errorf("the backup's digest cannot be read (%v): the file was damaged or edited", err)
	}
	rest := bytes.TrimSpace(tail[dec.InputOffset():])
	if len(rest) == 0 {
		return true, ErrTruncated
	}
	if string(rest) != "}" {
		return true, fmt.Errorf("the backup has %d bytes after its digest: the file was damaged or edited", len(rest))
	}
	if d.Bytes > len(body) {
		return true, ErrTruncated
	}
	if d.Bytes != len(body) {
		return true, fmt.Errorf("the backup holds %d bytes before its digest, the digest counts %d: the file was damaged or edited", len(body), d.Bytes)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != d.SHA256 {
		return true, fmt.Errorf("the backup's content does not match its SHA-256 digest: the file was damaged or edited after it was written; restore another copy")
	}
	if len(key) > 0 {
		if d.HMAC == "" {
			return true, fmt.Errorf("the backup carries no HMAC although a backup key is configured: it was written without the key, or its HMAC was removed; restore it without CATALOGUS_BACKUP_KEY only if you trust where it came from")
		}
		m := hmac.New(sha256.New, key)
		m.Write(body)
		want, err := hex.DecodeString(d.HMAC)
		if err != nil || !hmac.Equal(m.Sum(nil), want) {
			return true, fmt.Errorf("the backup's HMAC does not match under the configured backup key: the file was edited, or written with another key; nothing was restored")
		}
	}
	return true, nil
}
