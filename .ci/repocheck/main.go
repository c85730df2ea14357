// Command repocheck fails when the repository tracks a file that does not
// belong in git: one over 5 MiB, or build output (a compiled executable,
// object file or archive, a test binary, a profile). It reads the files git
// tracks in the working tree of the repository it is started in; .ci/run
// calls it before anything else so a commit like the 48 MB backup.test of
// issue 18 cannot pass CI again.
//
//	go run ./.ci/repocheck [dir]
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// MaxSize is the largest file the repository may track. The largest
// legitimate files (the generated GraphQL server, a screenshot) are about
// 1.3 MB.
const MaxSize = 5 << 20

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	problems, err := Check(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "repocheck:", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(os.Stderr, "repocheck: %d tracked file(s) do not belong in git; remove them with git rm --cached and add their pattern to .gitignore\n", len(problems))
		os.Exit(1)
	}
	fmt.Println("repocheck: no large files or build output tracked")
}

// Check returns one line per tracked file under dir that is too large or is
// build output, naming the file and the reason.
func Check(dir string) ([]string, error) {
	cmd := exec.Command("git", "ls-files", "--stage", "-z")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing tracked files in %s: %w", dir, err)
	}
	var problems []string
	for _, entry := range bytes.Split(out, []byte{0}) {
		if len(entry) == 0 {
			continue
		}
		// "<mode> <object> <stage>\t<path>"
		meta, name, ok := strings.Cut(string(entry), "\t")
		if !ok {
			return nil, fmt.Errorf("unexpected git ls-files line %q", entry)
		}
		mode := strings.Fields(meta)[0]
		if mode == "120000" || mode == "160000" { // symbolic link, submodule
			continue
		}
		if reason, err := inspect(filepath.Join(dir, filepath.FromSlash(name)), name, mode == "100755"); err != nil {
			return nil, err
		} else if reason != "" {
			problems = append(problems, name+": "+reason)
		}
	}
	return problems, nil
}

// buildOutputNames are the suffixes of files compilers, `go test -c`,
// coverage and profiling write.
var buildOutputNames = []string{".test", ".exe", ".o", ".a", ".so", ".dylib", ".dll", ".out", ".prof", ".pprof"}

func inspect(file, name string, executable bool) (string, error) {
	f, err := os.Open(file)
	if os.IsNotExist(err) {
		return "", nil // deleted in the working tree; git will say so elsewhere
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", err
	}
	if st.Size() > MaxSize {
		return fmt.Sprintf("%.1f MB is over the limit of %d MB", float64(st.Size())/1e6, MaxSize>>20), nil
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return "", err
	}
	head = head[:n]
	if kind := binaryKind(head); kind != "" {
		return "is " + kind + " (build output)", nil
	}
	ext := path.Ext(name)
	for _, s := range buildOutputNames {
		if ext == s {
			return "is named like build output (*" + s + ")", nil
		}
	}
	if executable && !bytes.HasPrefix(head, []byte("#!")) {
		return "is executable but not a script (no #! line)", nil
	}
	return "", nil
}

// binaryKind recognises compiled output by its first bytes.
func binaryKind(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x7fELF")):
		return "an ELF executable or object"
	case bytes.HasPrefix(b, []byte("!<arch>\n")):
		return "an object archive"
	case bytes.HasPrefix(b, []byte("\x00asm")):
		return "a WebAssembly module"
	case len(b) >= 4 && isMachO(binary.BigEndian.Uint32(b)):
		return "a Mach-O executable"
	case len(b) >= 0x40 && bytes.HasPrefix(b, []byte("MZ")):
		// A PE file says where its "PE\0\0" header is at offset 0x3c.
		off := binary.LittleEndian.Uint32(b[0x3c:])
		if int(off)+4 <= len(b) && bytes.Equal(b[off:off+4], []byte("PE\x00\x00")) {
			return "a Windows executable"
		}
	}
	return ""
}

func isMachO(magic uint32) bool {
	switch magic {
	case 0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe:
		return true
	}
	return false
}
