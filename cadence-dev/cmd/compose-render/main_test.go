package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func imageDir(t *testing.T) string {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/uber/cadence").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "docker")
}

// The project's compose file, changed by `edit`, checked against the image.
func check(t *testing.T, edit func(string) string) error {
	raw, err := os.ReadFile("../../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// Volume sources are relative to the compose file: keep them reachable.
	text := strings.ReplaceAll(edit(string(raw)), "./cadence-dev/", filepath.Join(mustAbs(t, "../.."), "")+"/")
	path := filepath.Join(dir, "docker-compose.yml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = run(path, imageDir(t), "v1.4.1", filepath.Join(dir, "root"))
	return err
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTheProjectsComposeFileFitsTheImage(t *testing.T) {
	if err := check(t, func(s string) string { return s }); err != nil {
		t.Fatal(err)
	}
}

// Each mistake the image would not survive is named, with what the image takes.
func TestMistakesAreNamed(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"DB: postgres\n", "DB: postgres12\n", `DB="postgres12"`},
		{"DB: postgres\n", "DB: postgres\n      POSTGRES_DB: cadence\n", "environment POSTGRES_DB is read by none of"},
		{"ubercadence/server:v1.4.1-auto-setup", "ubercadence/server:latest", "the pinned release publishes \"ubercadence/server:v1.4.1-auto-setup\""},
		{"ubercadence/web:v3.35.6", "ubercadence/web:latest", "is not pinned to a tag"},
		{`"8800:8800"`, `"8800:8801"`, "publishes \"8800:8801\""},
		{"DYNAMIC_CONFIG_FILE_PATH: config/dynamicconfig/postflow.yaml", "DYNAMIC_CONFIG_FILE_PATH: config/dynamicconfig/other.yaml", "which no volume provides"},
	} {
		err := check(t, func(s string) string {
			if !strings.Contains(s, c.from) {
				t.Fatalf("the compose file has no %q", c.from)
			}
			return strings.Replace(s, c.from, c.to, 1)
		})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s -> %s: error %v, want %q", c.from, c.to, err, c.want)
		}
	}
}

func TestTheEntrypointsAddresses(t *testing.T) {
	env := map[string]string{"BIND_ON_IP": "0.0.0.0"}
	entrypoint(env)
	if env["HOST_IP"] != "127.0.0.1" || env["BIND_ON_IP"] != "0.0.0.0" {
		t.Fatalf("%v", env)
	}
	env = map[string]string{}
	entrypoint(env)
	if env["BIND_ON_IP"] != env["HOST_IP"] {
		t.Fatalf("an empty BIND_ON_IP becomes the host's address: %v", env)
	}
}
