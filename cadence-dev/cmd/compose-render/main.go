// Command compose-render does what the Cadence image's entrypoint does with the
// environment that ../../docker-compose.yml gives its `cadence` service, so that the
// compose file's settings can be proven without Docker: it checks every environment
// variable, port, volume and image tag against the pinned release's image scripts
// (docker/start.sh, docker/entrypoint.sh, docker/start-cadence.sh and
// docker/config_template.yaml in the github.com/uber/cadence module source), then
// renders config_template.yaml as `dockerize -template` does into an image-like
// root: ROOT/config/docker.yaml, with the compose file's volumes under /etc/cadence
// placed at the same paths below ROOT.
//
// One substitution is made, and said: a host-valued variable (*_SEEDS, *_HOST,
// *_SERVICE) naming another compose service (POSTGRES_SEEDS=postgres), and the
// template's default frontend host "cadence", are hosts on compose's network; here
// they are 127.0.0.1.
//
//	compose-render --compose docker-compose.yml --image-dir <module>/docker \
//	    --version v1.4.1 --root OUT [--env-out OUT/env.sh]
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"

	"gopkg.in/yaml.v3"
)

// CADENCE_HOME and WORKDIR of the image (the release's Dockerfile).
const cadenceHome = "/etc/cadence"

type service struct {
	Image       string            `yaml:"image"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
}

type compose struct {
	Services map[string]service `yaml:"services"`
}

func main() {
	composePath := flag.String("compose", "docker-compose.yml", "the compose file")
	imageDir := flag.String("image-dir", "", "the release's docker/ directory (module source)")
	version := flag.String("version", "", "the pinned Cadence release, e.g. v1.4.1")
	root := flag.String("root", "", "where to lay out the image's /etc/cadence")
	envOut := flag.String("env-out", "", "write the service's environment, as the image sees it, as shell exports")
	flag.Parse()
	if *imageDir == "" || *version == "" || *root == "" {
		fail("--image-dir, --version and --root are required")
	}
	env, err := run(*composePath, *imageDir, *version, *root)
	if err != nil {
		fail(err.Error())
	}
	if *envOut != "" {
		var b strings.Builder
		for _, k := range sortedKeys(env) {
			fmt.Fprintf(&b, "export %s=%s\n", k, strconv.Quote(env[k]))
		}
		if err := os.WriteFile(*envOut, []byte(b.String()), 0o644); err != nil {
			fail(err.Error())
		}
	}
	fmt.Printf("compose-render: %s renders a config with postgres persistence; written to %s\n", *composePath, filepath.Join(*root, "config", "docker.yaml"))
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "compose-render:", msg)
	os.Exit(1)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// run checks the compose file against the image scripts and renders the config.
// It returns the environment the server process sees.
func run(composePath, imageDir, version, root string) (map[string]string, error) {
	raw, err := os.ReadFile(composePath)
	if err != nil {
		return nil, err
	}
	var c compose
	if err := yaml.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("%s: %v", composePath, err)
	}
	svc, ok := c.Services["cadence"]
	if !ok {
		return nil, fmt.Errorf("%s has no service named cadence", composePath)
	}
	var problems []string
	if want := "ubercadence/server:" + version + "-auto-setup"; svc.Image != want {
		problems = append(problems, fmt.Sprintf("cadence: image %q; the pinned release publishes %q (its docker_publish workflow tags <release>-auto-setup)", svc.Image, want))
	}
	for name, s := range c.Services {
		if strings.HasPrefix(s.Image, "ubercadence/cli:") && s.Image != "ubercadence/cli:"+version {
			problems = append(problems, fmt.Sprintf("%s: image %q; the pinned release publishes ubercadence/cli:%s", name, s.Image, version))
		}
		if strings.HasSuffix(s.Image, ":latest") || !strings.Contains(s.Image, ":") {
			problems = append(problems, fmt.Sprintf("%s: image %q is not pinned to a tag", name, s.Image))
		}
	}

	// Every variable must be one the image reads.
	known, err := variablesRead(imageDir)
	if err != nil {
		return nil, err
	}
	for _, k := range sortedKeys(svc.Environment) {
		if !known[k] {
			problems = append(problems, fmt.Sprintf("cadence: environment %s is read by none of start.sh, entrypoint.sh, start-cadence.sh, config_template.yaml", k))
		}
	}
	if db := strings.ToLower(svc.Environment["DB"]); db != "postgres" {
		problems = append(problems, fmt.Sprintf("cadence: DB=%q; start.sh installs a schema and the template writes a persistence section only for cassandra, scylla, mysql or postgres (this compose file runs postgres)", svc.Environment["DB"]))
	}

	// The environment the server sees: compose's, with service names as local hosts,
	// then what entrypoint.sh exports.
	env := map[string]string{"CADENCE_HOME": cadenceHome, "SERVICES": "history,matching,frontend,worker"}
	for k, v := range svc.Environment {
		// Host-valued variables only: DB=postgres names a plugin, not the service.
		hostVar := strings.HasSuffix(k, "_SEEDS") || strings.HasSuffix(k, "_HOST") || strings.HasSuffix(k, "_SERVICE")
		if _, isService := c.Services[v]; isService && hostVar {
			v = "127.0.0.1"
		}
		env[k] = v
	}
	if _, set := env["PRIMARY_FRONTEND_SERVICE"]; !set {
		env["PRIMARY_FRONTEND_SERVICE"] = "127.0.0.1" // the template's default host "cadence"
	}
	entrypoint(env)

	// Volumes under /etc/cadence, at the same place below root.
	dynamic := env["DYNAMIC_CONFIG_FILE_PATH"]
	if dynamic == "" {
		dynamic = "/etc/cadence/dynamicconfig/development.yaml"
	}
	if !filepath.IsAbs(dynamic) {
		dynamic = filepath.Join(cadenceHome, dynamic) // cadence-server resolves it against --root
	}
	dynamicFound := false
	for _, v := range svc.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 {
			problems = append(problems, fmt.Sprintf("cadence: volume %q: expected SOURCE:TARGET", v))
			continue
		}
		src := parts[0]
		if !filepath.IsAbs(src) {
			src = filepath.Join(filepath.Dir(composePath), src)
		}
		data, err := os.ReadFile(src)
		if err != nil {
			problems = append(problems, fmt.Sprintf("cadence: volume source %s: %v", parts[0], err))
			continue
		}
		rel, err := filepath.Rel(cadenceHome, parts[1])
		if err != nil || strings.HasPrefix(rel, "..") {
			problems = append(problems, fmt.Sprintf("cadence: volume target %s is outside %s", parts[1], cadenceHome))
			continue
		}
		if parts[1] == dynamic {
			dynamicFound = true
		}
		if err := writeFile(filepath.Join(root, rel), data); err != nil {
			return nil, err
		}
	}
	if !dynamicFound {
		problems = append(problems, fmt.Sprintf("cadence: DYNAMIC_CONFIG_FILE_PATH resolves to %s, which no volume provides", dynamic))
	}

	// Render as dockerize does.
	tmplText, err := os.ReadFile(filepath.Join(imageDir, "config_template.yaml"))
	if err != nil {
		return nil, err
	}
	rendered, err := render(string(tmplText), env)
	if err != nil {
		return nil, err
	}
	if err := writeFile(filepath.Join(root, "config", "docker.yaml"), rendered); err != nil {
		return nil, err
	}

	// What the rendered config listens on must be what the compose file publishes.
	var cfg struct {
		Persistence struct {
			Datastores map[string]struct {
				SQL *struct {
					PluginName string `yaml:"pluginName"`
				} `yaml:"sql"`
			} `yaml:"datastores"`
		} `yaml:"persistence"`
		Services map[string]struct {
			RPC struct {
				Port     int `yaml:"port"`
				GRPCPort int `yaml:"grpcPort"`
				HTTP     *struct {
					Port int `yaml:"port"`
				} `yaml:"http"`
			} `yaml:"rpc"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(rendered, &cfg); err != nil {
		return nil, fmt.Errorf("the rendered config is no YAML: %v", err)
	}
	for _, store := range []string{"default", "visibility"} {
		ds, ok := cfg.Persistence.Datastores[store]
		if !ok || ds.SQL == nil || ds.SQL.PluginName != "postgres" {
			problems = append(problems, fmt.Sprintf("the rendered config has no postgres datastore %q", store))
		}
	}
	listening := map[int]bool{}
	for _, s := range cfg.Services {
		listening[s.RPC.Port], listening[s.RPC.GRPCPort] = true, true
		if s.RPC.HTTP != nil {
			listening[s.RPC.HTTP.Port] = true
		}
	}
	for _, p := range svc.Ports {
		spec := strings.Trim(strings.SplitN(p, "#", 2)[0], " \"")
		parts := strings.Split(spec, ":")
		port, err := strconv.Atoi(strings.SplitN(parts[len(parts)-1], "/", 2)[0])
		if err != nil || !listening[port] {
			problems = append(problems, fmt.Sprintf("cadence: publishes %q, but the rendered config listens on no such port", p))
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s does not fit the image of Cadence %s:\n  %s", composePath, version, strings.Join(problems, "\n  "))
	}
	return env, nil
}

// entrypoint is docker/entrypoint.sh: HOST_IP is the container's address (here
// 127.0.0.1), BIND_ON_IP defaults to it, and a specific BIND_ON_IP becomes HOST_IP.
func entrypoint(env map[string]string) {
	env["HOST_IP"] = "127.0.0.1"
	switch bind := env["BIND_ON_IP"]; {
	case env["BIND_ON_LOCALHOST"] == "true" || bind == "127.0.0.1":
		env["BIND_ON_IP"], env["HOST_IP"] = "127.0.0.1", "127.0.0.1"
	case bind == "":
		env["BIND_ON_IP"] = env["HOST_IP"]
	case bind != "0.0.0.0":
		env["HOST_IP"] = bind
	}
	env["BIND_ON_LOCALHOST"] = "false"
}

// render is `dockerize -template`: Go's text/template with .Env and dockerize's
// functions that the template uses.
func render(text string, env map[string]string) ([]byte, error) {
	funcs := template.FuncMap{
		"default": func(args ...interface{}) (interface{}, error) {
			if len(args) != 2 {
				return nil, fmt.Errorf("default takes a value and a default")
			}
			if s, ok := args[0].(string); ok && s == "" || args[0] == nil {
				return args[1], nil
			}
			return args[0], nil
		},
		"split": strings.Split,
		"lower": strings.ToLower,
		"upper": strings.ToUpper,
	}
	t, err := template.New("config_template.yaml").Funcs(funcs).Parse(text)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, struct{ Env map[string]string }{env}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

var (
	shellVar    = regexp.MustCompile(`\$\{?([A-Z][A-Z0-9_]*)`)
	templateVar = regexp.MustCompile(`\.Env\.([A-Z][A-Z0-9_]*)`)
)

// variablesRead lists every variable the image's scripts and template read.
func variablesRead(imageDir string) (map[string]bool, error) {
	known := map[string]bool{}
	for _, f := range []string{"start.sh", "entrypoint.sh", "start-cadence.sh", "config_template.yaml"} {
		b, err := os.ReadFile(filepath.Join(imageDir, f))
		if err != nil {
			return nil, err
		}
		for _, re := range []*regexp.Regexp{shellVar, templateVar} {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				known[m[1]] = true
			}
		}
	}
	return known, nil
}

func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
