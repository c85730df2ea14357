package server_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/gemeente-rotterdam/catalogus/internal/store"
	"github.com/gemeente-rotterdam/catalogus/internal/store/storetest"
)

const importSpreadsheet = `mutation($file: Upload!, $dry: Boolean) { importSpreadsheet(file: $file, dryRun: $dry) {
	applied rows created changed unchanged cells problems { row column cell code message } } }`

// upload posts importSpreadsheet as a multipart request (the GraphQL
// multipart request specification) with the sheet as its file.
func upload(t *testing.T, url, token, sheet string, dry bool) reply {
	t.Helper()
	return uploadWith(t, url, token, importSpreadsheet, sheet, dry)
}

// uploadWith posts a mutation taking $file and $dry with the file.
func uploadWith(t *testing.T, url, token, query, sheet string, dry bool) reply {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"file": nil, "dry": dry}})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0": ["variables.file"]}`)
	fw, _ := mw.CreateFormFile("0", "producten.csv")
	_, _ = fw.Write([]byte(sheet))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := reply{Status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decoding: %v", err)
	}
	return r
}

// TestImportSpreadsheetOverGraphQL: admins upload a sheet; a dry run reports
// problems by row and column, a good sheet applies; editors and anonymous
// callers are refused, and anonymous multipart posts are not taken at all.
func TestImportSpreadsheetOverGraphQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		before := w.state(t)
		bad := "\uFEFFslug;website\npaspoort;MISSCHIEN\n"
		r := upload(t, w.url, w.root, bad, true)
		var got struct {
			ImportSpreadsheet struct {
				Applied  bool
				Rows     int
				Changed  int
				Cells    int
				Problems []struct {
					Row                         int
					Column, Cell, Code, Message string
				}
			}
		}
		if len(r.Errors) > 0 || json.Unmarshal(r.Data["importSpreadsheet"], &got.ImportSpreadsheet) != nil {
			t.Fatalf("dry run: %+v", r)
		}
		res := got.ImportSpreadsheet
		if res.Applied || res.Rows != 1 || len(res.Problems) != 1 || res.Problems[0].Cell != "B2" || res.Problems[0].Code != "invalid" ||
			!strings.Contains(res.Problems[0].Message, "MISSCHIEN") {
			t.Errorf("dry run: %+v", res)
		}
		for _, tc := range []struct{ name, token, code string }{
			{"editor", w.editorA, "FORBIDDEN"}, {"revoked", w.revoked, "UNAUTHENTICATED"},
		} {
			if r := upload(t, w.url, tc.token, "slug;website\npaspoort;UNAVAILABLE\n", false); r.code() != tc.code {
				t.Errorf("%s: %+v, want %s", tc.name, r, tc.code)
			}
		}
		if r := upload(t, w.url, "", "slug;website\npaspoort;PARTIAL\n", false); r.Status != http.StatusUnsupportedMediaType {
			t.Errorf("anonymous multipart: %+v", r)
		}
		if after := w.state(t); after != before {
			t.Errorf("refused imports changed the catalogue:\n%s\n%s", before, after)
		}
		r = upload(t, w.url, w.root, "slug;website\npaspoort;PARTIAL\n", false)
		if len(r.Errors) > 0 || json.Unmarshal(r.Data["importSpreadsheet"], &got.ImportSpreadsheet) != nil {
			t.Fatalf("import: %+v", r)
		}
		if res := got.ImportSpreadsheet; !res.Applied || res.Changed != 1 || res.Cells != 1 || len(res.Problems) != 0 {
			t.Errorf("import: %+v", res)
		}
		if w.state(t) == before {
			t.Error("the import changed nothing")
		}
	})
}

// TestImportMeasurementsOverGraphQL: an admin uploads survey results and
// volumes; a dry run changes nothing, the import records them; an editor is
// refused.
func TestImportMeasurementsOverGraphQL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newEditWorld(t, db)
		const q = `mutation($file: Upload!, $dry: Boolean) { importMeasurements(file: $file, dryRun: $dry) {
			applied rows created problems { cell code message } } }`
		file := "periode;kanaal;respondenten;ontevreden_algemeen;ontevreden_duidelijkheid;ontevreden_vriendelijkheid;ontevreden_tijdigheid;contacten\n" +
			"2026-09;website;40;4;3;1;5;1200\n"
		var got struct {
			ImportMeasurements struct {
				Applied       bool
				Rows, Created int
				Problems      []struct{ Cell, Code, Message string }
			}
		}
		for _, dry := range []bool{true, false} {
			r := uploadWith(t, w.url, w.root, q, file, dry)
			if len(r.Errors) > 0 || json.Unmarshal(r.Data["importMeasurements"], &got.ImportMeasurements) != nil {
				t.Fatalf("dry run %v: %+v", dry, r)
			}
			if res := got.ImportMeasurements; res.Applied == dry || res.Rows != 1 || res.Created != 2 || len(res.Problems) > 0 {
				t.Errorf("dry run %v: %+v", dry, res)
			}
		}
		if r := uploadWith(t, w.url, w.editorA, q, file, false); r.code() != "FORBIDDEN" {
			t.Errorf("editor: %+v, want FORBIDDEN", r)
		}
	})
}
