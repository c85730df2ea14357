package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/backup"
	"github.com/gemeente-rotterdam/catalogus/internal/fixture"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

// TestDigestRefusesDamage: a backup is checked whole before anything is
// decoded or written. An edited byte is refused as damage or an edit, a cut
// file as truncated; with a backup key, a file edited and given a new SHA-256
// is refused by its HMAC.
func TestDigestRefusesDamage(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	k := fixture.New(t, db.Client)
	k.Product(t, db.Client, "paspoort", k.DepartmentA1)
	ctx := context.Background()
	key := []byte("0123456789abcdef-test-key")
	var plain, signed bytes.Buffer
	if err := backup.Export(ctx, db.Client, &plain); err != nil {
		t.Fatal(err)
	}
	if err := backup.ExportWith(ctx, db.Client, &signed, backup.ExportOptions{Key: key}); err != nil {
		t.Fatal(err)
	}
	read := func(data []byte, key []byte) error {
		_, err := backup.Read(bytes.NewReader(data), key)
		return err
	}
	if err := read(plain.Bytes(), nil); err != nil {
		t.Fatalf("the untouched backup: %v", err)
	}
	if err := read(signed.Bytes(), key); err != nil {
		t.Fatalf("the untouched signed backup: %v", err)
	}
	if err := read(plain.Bytes(), key); err == nil || !strings.Contains(err.Error(), "no HMAC") {
		t.Errorf("a backup without HMAC read with a key: %v", err)
	}

	// One value edited: the actor of the first change.
	edited := bytes.Replace(plain.Bytes(), []byte(`"actor": "`), []byte(`"actor": "x`), 1)
	if bytes.Equal(edited, plain.Bytes()) {
		t.Fatal("the backup names no actor: the edit proves nothing")
	}
	if err := read(edited, nil); err == nil || !strings.Contains(err.Error(), "damaged or edited") {
		t.Errorf("an edited backup: %v", err)
	}

	for _, cut := range []int{2, 3, 40, plain.Len() / 2, plain.Len() - 200} {
		err := read(plain.Bytes()[:plain.Len()-cut], nil)
		if !errors.Is(err, backup.ErrTruncated) {
			t.Errorf("a backup %d bytes short: %v, want it refused as truncated", cut, err)
		}
	}

	// Edited and sealed anew without the key, or with another one.
	f, err := backup.Read(bytes.NewReader(signed.Bytes()), key)
	if err != nil {
		t.Fatal(err)
	}
	f.Events[0].Actor = "iemand anders"
	for _, other := range [][]byte{nil, []byte("another-key-of-16-bytes")} {
		var resealed bytes.Buffer
		if err := backup.Write(&resealed, f, backup.ExportOptions{Key: other}); err != nil {
			t.Fatal(err)
		}
		if err := read(resealed.Bytes(), nil); err != nil {
			t.Errorf("resealed, read without a key: %v (the SHA-256 alone cannot tell)", err)
		}
		if err := read(resealed.Bytes(), key); err == nil || !strings.Contains(err.Error(), "HMAC") {
			t.Errorf("resealed with key %q, read with the configured key: %v", other, err)
		}
	}

	// A file of version 6 or later without its digest was cut or edited;
	// one of version 5 predates digests and is read as it is.
	for version, want := range map[int]string{backup.Version: "carries no digest", 5: ""} {
		f.Version = version
		f.Digest = nil
		raw, _ := json.Marshal(f)
		err := read(raw, nil)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("version %d without a digest: %v, want %q", version, err, want)
		}
	}
}
