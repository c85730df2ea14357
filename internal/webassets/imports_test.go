package webassets

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestImports(t *testing.T) {
	src := `// import { no } from './comment.js';
import { el, svg } from '/shared/dom.js';
import {
  gql,
  pct,
} from "./lib.js";
import './side-effect.js';
import * as all from '../up.js';
export { el } from './re-export.js';
export const from = 'import { x } from "./in-a-string.js"';
const s = 'import x from "./neither.js"';
`
	want := []string{"/shared/dom.js", "./lib.js", "./side-effect.js", "../up.js", "./re-export.js"}
	if got := Imports(src); !reflect.DeepEqual(got, want) {
		t.Errorf("Imports:\n got %q\nwant %q", got, want)
	}
}

func TestUnresolved(t *testing.T) {
	site := fstest.MapFS{
		"assets/index.html": {Data: []byte(`<script type="module" src="/page/app.js"></script>
<script type="module" src="/page/gone.js"></script>`)},
		"assets/app.js": {Data: []byte(`import { el } from '/shared/dom.js';
import { a } from './part.js';
import { b } from './sub/deep.js';
import { c } from '/page/vendor/big.js';
import { d } from '/dashboard/lib.js';
import { e } from 'lib.js';
import { f } from './missing.js';
import { g } from '/shared/missing.js';
import { h } from './app.css';
import { i } from '../../etc/passwd.js';
`)},
		"assets/part.js":          {Data: []byte(`export const a = 1;`)},
		"assets/sub/deep.js":      {Data: []byte(`import { a } from '../part.js';`)},
		"assets/vendor/big.js.gz": {Data: []byte{}},
		"assets/app.css":          {Data: []byte(`body {}`)},
	}
	got, err := Unresolved(site, "/page")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`/page/app.js imports "../../etc/passwd.js": outside every folder served here`,
		`/page/app.js imports "./app.css": not a script module (.js)`,
		`/page/app.js imports "./missing.js": no such file in /page`,
		`/page/app.js imports "/dashboard/lib.js": outside every folder served here`,
		`/page/app.js imports "/shared/missing.js": no such file in /shared`,
		`/page/app.js imports "lib.js": not a path on this server (start it with /, ./ or ../)`,
		`/page/index.html imports "/page/gone.js": no such file in /page`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Unresolved:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
	}
	if err := CheckImports(site, "/page"); err == nil || !strings.Contains(err.Error(), want[0]) {
		t.Errorf("CheckImports: %v", err)
	}
	if err := CheckImports(fstest.MapFS{"assets/app.js": {Data: []byte(`import { el } from '/shared/dom.js';`)}}, "/page"); err != nil {
		t.Errorf("CheckImports of a good site: %v", err)
	}
}

func TestSharedModulesResolve(t *testing.T) {
	// The shared modules' own imports, checked with an empty site beside them.
	got, err := Unresolved(fstest.MapFS{"assets/index.html": {Data: []byte(`<p>`)}}, "/empty")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 0 {
		t.Errorf("shared modules import what is not served:\n%s", strings.Join(got, "\n"))
	}
}

func TestSharedServed(t *testing.T) {
	h := Shared()
	for path, status := range map[string]int{"/shared/dom.js": 200, "/shared/nothing.js": 404, "/shared/": 404, "/shared/../webassets.go": 404} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != status {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, status)
		}
		if status == 200 {
			if ct := rec.Header().Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
				t.Errorf("GET %s: Content-Type %q", path, ct)
			}
			if !strings.Contains(rec.Body.String(), "export function el(") {
				t.Errorf("GET %s: not the module", path)
			}
		}
	}
}
