package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repo makes a git repository holding files (name → content) and commits
// them; names ending in "*" are committed executable.
func repo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	for name, content := range files {
		mode := os.FileMode(0o644)
		if strings.HasSuffix(name, "*") {
			name, mode = strings.TrimSuffix(name, "*"), 0o755
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		git("add", "--chmod="+map[bool]string{true: "+x", false: "-x"}[mode == 0o755], name)
	}
	return dir
}

func TestCleanRepositoryPasses(t *testing.T) {
	dir := repo(t, map[string]string{
		"main.go":        "package main\n",
		"run*":           "#!/usr/bin/env bash\necho hi\n",
		"docs/shot.png":  "\x89PNG\r\n\x1a\n" + strings.Repeat("x", 1000),
		"almost-max.txt": strings.Repeat("a", MaxSize),
		"readme.md":      "MZ is a text file that starts with two letters\n",
	})
	problems, err := Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) > 0 {
		t.Errorf("a clean repository is refused: %q", problems)
	}
}

func TestBuildOutputAndLargeFilesAreRefused(t *testing.T) {
	pe := make([]byte, 0x80)
	copy(pe, "MZ")
	pe[0x3c] = 0x40
	copy(pe[0x40:], "PE\x00\x00")
	cases := map[string]struct{ content, want string }{
		"backup.test":        {"\x7fELF\x02\x01\x01" + strings.Repeat("\x00", 100), "ELF"},
		"bin/tool":           {"\xcf\xfa\xed\xfe" + strings.Repeat("\x00", 100), "Mach-O"},
		"tool.bin":           {string(pe), "Windows executable"},
		"pkg.a":              {"!<arch>\n__.PKGDEF", "object archive"},
		"app.wasm":           {"\x00asm\x01\x00\x00\x00", "WebAssembly"},
		"cover.out":          {"mode: set\n", "named like build output"},
		"cpu.prof":           {"gzipped", "named like build output"},
		"big.json":           {strings.Repeat("{}", MaxSize/2+1), "over the limit"},
		"compiled-program*":  {"\x00\x01binary without a #! line", "executable but not a script"},
		"deep/dir/main.test": {"anything", "named like build output"},
	}
	files := map[string]string{"ok.go": "package ok\n"}
	for name, c := range cases {
		files[name] = c.content
	}
	problems, err := Check(repo(t, files))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range problems {
		name, reason, _ := strings.Cut(p, ": ")
		got[name] = reason
	}
	for name, c := range cases {
		name = strings.TrimSuffix(name, "*")
		if !strings.Contains(got[name], c.want) {
			t.Errorf("%s: reported %q, want a reason containing %q", name, got[name], c.want)
		}
		delete(got, name)
	}
	for name, reason := range got {
		t.Errorf("%s refused but fine: %s", name, reason)
	}
}
