package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

const releasedHeader = `# Released migrations: each file with the SHA-256 of its content, in hex.
# A released file never changes: a test fails when one differs, and catalogus
# refuses to migrate with it. Add the files of a release with
#   go run ./internal/store/newmigration -release
`

// release adds the migration files not yet in released.sum to it. Files
// listed already keep their recorded sums: a listed file that differs is an
// error to fix, never something to record again.
func release(root string) error {
	sumPath := filepath.Join(root, "released.sum")
	listed := map[string]string{}
	var order []string
	if b, err := os.ReadFile(sumPath); err == nil {
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) == 2 && !strings.HasPrefix(f[0], "#") {
				listed[f[0]] = f[1]
				order = append(order, f[0])
			}
		}
	} else if !os.IsNotExist(err) {
		return err
	}
	var added []string
	for _, d := range []string{"postgres", "sqlite"} {
		names, err := filepath.Glob(filepath.Join(root, d, "*.sql"))
		if err != nil {
			return err
		}
		slices.Sort(names)
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			file := d + "/" + filepath.Base(name)
			if old, ok := listed[file]; ok {
				if old != hex.EncodeToString(sum[:]) {
					return fmt.Errorf("%s is released and has changed since (SHA-256 %s recorded): restore it with git checkout and put the change in a new migration", file, old)
				}
				continue
			}
			listed[file] = hex.EncodeToString(sum[:])
			order = append(order, file)
			added = append(added, file)
		}
	}
	var out strings.Builder
	out.WriteString(releasedHeader)
	for _, file := range order {
		fmt.Fprintf(&out, "%s %s\n", file, listed[file])
	}
	if err := os.WriteFile(sumPath, []byte(out.String()), 0o644); err != nil {
		return err
	}
	if len(added) == 0 {
		fmt.Println("every migration is listed as released already; nothing written")
		return nil
	}
	fmt.Printf("released %d file(s): %s\n", len(added), strings.Join(added, ", "))
	return nil
}
