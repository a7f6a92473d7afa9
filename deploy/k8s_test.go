package deploy

import (
	"bytes"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tinyhttpd/tinyhttpd/config"
)

// The parts of the manifests that tinyhttpd depends on.
type (
	k8sObject struct {
		Kind     string `yaml:"kind"`
		Metadata struct {
			Name string `yaml:"name"`
		} `yaml:"metadata"`
		Spec yaml.Node         `yaml:"spec"`
		Data map[string]string `yaml:"data"`
	}
	k8sDeploymentSpec struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata struct {
				Labels map[string]string `yaml:"labels"`
			} `yaml:"metadata"`
			Spec k8sPodSpec `yaml:"spec"`
		} `yaml:"template"`
	}
	k8sServiceSpec struct {
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			Port       int    `yaml:"port"`
			TargetPort string `yaml:"targetPort"`
		} `yaml:"ports"`
	}
	k8sPodSpec struct {
		SecurityContext struct {
			RunAsUser  int `yaml:"runAsUser"`
			RunAsGroup int `yaml:"runAsGroup"`
		} `yaml:"securityContext"`
		TerminationGracePeriodSeconds int            `yaml:"terminationGracePeriodSeconds"`
		Containers                    []k8sContainer `yaml:"containers"`
		Volumes                       []struct {
			Name      string `yaml:"name"`
			ConfigMap *struct {
				Name string `yaml:"name"`
			} `yaml:"configMap"`
			Secret *struct {
				SecretName string `yaml:"secretName"`
			} `yaml:"secret"`
		} `yaml:"volumes"`
	}
	k8sContainer struct {
		Env []struct {
			Name      string `yaml:"name"`
			Value     string `yaml:"value"`
			ValueFrom any    `yaml:"valueFrom"`
		} `yaml:"env"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		ReadinessProbe k8sProbe `yaml:"readinessProbe"`
		LivenessProbe  k8sProbe `yaml:"livenessProbe"`
		Lifecycle      struct {
			PreStop struct {
				Sleep struct {
					Seconds int `yaml:"seconds"`
				} `yaml:"sleep"`
			} `yaml:"preStop"`
		} `yaml:"lifecycle"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
		Resources struct {
			Limits struct {
				Memory string `yaml:"memory"`
			} `yaml:"limits"`
		} `yaml:"resources"`
	}
	k8sProbe struct {
		HTTPGet struct {
			Path string `yaml:"path"`
			Port string `yaml:"port"`
		} `yaml:"httpGet"`
	}
)

// loadManifests parses every document of every deploy/k8s/*.yaml file.
func loadManifests(t *testing.T) map[string]k8sObject {
	t.Helper()
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	objects := make(map[string]k8sObject)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var o k8sObject
			if err := dec.Decode(&o); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			objects[o.Kind+"/"+o.Metadata.Name] = o
		}
	}
	return objects
}

func TestKubernetesManifests(t *testing.T) {
	objects := loadManifests(t)
	var dep k8sDeploymentSpec
	if o, ok := objects["Deployment/tinyhttpd"]; !ok {
		t.Fatal("no Deployment/tinyhttpd")
	} else if err := o.Spec.Decode(&dep); err != nil {
		t.Fatal(err)
	}
	pod := dep.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]

	// The environment must be settings tinyhttpd accepts, with the token
	// read from the mounted Secret.
	env := make(map[string]string)
	for _, e := range c.Env {
		if e.ValueFrom != nil {
			t.Errorf("%s comes from valueFrom; the token is read from a mounted Secret file", e.Name)
		}
		env[e.Name] = e.Value
	}
	tokenFile := env["TINYHTTPD_ADMIN_TOKEN_FILE"]
	if tokenFile == "" || env["TINYHTTPD_ADMIN_TOKEN"] != "" {
		t.Fatalf("the admin token must come from TINYHTTPD_ADMIN_TOKEN_FILE only: %v", env)
	}
	mounts := make(map[string]string) // volume name by mount path
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = m.Name
	}
	volume := mounts[filepath.Dir(tokenFile)]
	fromSecret := false
	for _, v := range pod.Volumes {
		if v.Name == volume && v.Secret != nil && v.Secret.SecretName != "" {
			fromSecret = true
		}
	}
	if !fromSecret {
		t.Errorf("TINYHTTPD_ADMIN_TOKEN_FILE=%s is not in a volume mounted from a Secret", tokenFile)
	}
	tokenDir := t.TempDir()
	os.WriteFile(filepath.Join(tokenDir, "token"), []byte("k8s-test-token-of-32-characters\n"), 0o600)
	environ := make(map[string]string)
	for k, v := range env {
		environ[k] = v
	}
	environ["TINYHTTPD_ADMIN_TOKEN_FILE"] = filepath.Join(tokenDir, "token")
	s, err := config.Load(environ)
	if err != nil {
		t.Fatalf("the Deployment's environment does not load: %v", err)
	}
	if s.RoutesFile == "" || mounts[filepath.Dir(s.RoutesFile)] == "" {
		t.Errorf("TINYHTTPD_ROUTES=%q is not in a mounted volume", s.RoutesFile)
	}

	// Ports: the container's named ports are the ones tinyhttpd listens on.
	ports := make(map[string]int)
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	for name, addr := range map[string]string{"exchange": s.Addr, "admin": s.AdminAddr} {
		host, port, _ := net.SplitHostPort(addr)
		if host != "" {
			t.Errorf("%s listens on %q; in a pod it must listen on every interface", name, addr)
		}
		if strconv.Itoa(ports[name]) != port {
			t.Errorf("containerPort %q is %d, but tinyhttpd listens on %s", name, ports[name], addr)
		}
	}

	// Probes: on the admin port, at the health endpoints.
	for _, p := range []struct {
		name  string
		probe k8sProbe
		path  string
	}{{"readinessProbe", c.ReadinessProbe, "/readyz"}, {"livenessProbe", c.LivenessProbe, "/livez"}} {
		if p.probe.HTTPGet.Path != p.path || p.probe.HTTPGet.Port != "admin" {
			t.Errorf("%s is GET %s on port %q; want %s on admin", p.name, p.probe.HTTPGet.Path, p.probe.HTTPGet.Port, p.path)
		}
	}

	// Memory: tinyhttpd's own budget for requests bites before the
	// container's limit, with room for what each byte of it costs beyond
	// itself, and Go's collector knows the limit.
	limit := mebibytes(t, c.Resources.Limits.Memory, "Mi")
	if goLimit := mebibytes(t, env["GOMEMLIMIT"], "MiB"); goLimit <= 0 || 5*goLimit > 4*limit {
		t.Errorf("GOMEMLIMIT=%q; want it at most 80%% of the memory limit, %s", env["GOMEMLIMIT"], c.Resources.Limits.Memory)
	}
	if budget := int64(s.MaxRequestMemory) >> 20; 2*budget > limit {
		t.Errorf("TINYHTTPD_MAX_REQUEST_MEMORY is %d MiB; with the memory limit at %s it must be at most half of it", budget, c.Resources.Limits.Memory)
	}

	// Termination: the grace period covers the preStop sleep and the drain.
	preStop := time.Duration(c.Lifecycle.PreStop.Sleep.Seconds) * time.Second
	grace := time.Duration(pod.TerminationGracePeriodSeconds) * time.Second
	if preStop <= 0 {
		t.Errorf("no preStop sleep")
	}
	if grace <= preStop+s.ShutdownDelay+s.ShutdownTimeout {
		t.Errorf("terminationGracePeriodSeconds %v is not more than the preStop sleep %v plus TINYHTTPD_SHUTDOWN_DELAY %v plus TINYHTTPD_SHUTDOWN_TIMEOUT %v", grace, preStop, s.ShutdownDelay, s.ShutdownTimeout)
	}

	// The Service selects these pods and targets the exchange port.
	var svc k8sServiceSpec
	if o, ok := objects["Service/tinyhttpd"]; !ok {
		t.Fatal("no Service/tinyhttpd")
	} else if err := o.Spec.Decode(&svc); err != nil {
		t.Fatal(err)
	}
	for k, v := range svc.Selector {
		if dep.Template.Metadata.Labels[k] != v {
			t.Errorf("the Service selects %s=%s, which the pods do not carry", k, v)
		}
	}
	for k, v := range dep.Selector.MatchLabels {
		if dep.Template.Metadata.Labels[k] != v {
			t.Errorf("the Deployment selects %s=%s, which its pods do not carry", k, v)
		}
	}
	if len(svc.Selector) == 0 || len(svc.Ports) != 1 || svc.Ports[0].TargetPort != "exchange" {
		t.Errorf("the Service selects %v with ports %+v; want one port, targeting the exchange port", svc.Selector, svc.Ports)
	}

	// The routes ConfigMap holds a routes file tinyhttpd accepts.
	for _, v := range pod.Volumes {
		if v.ConfigMap == nil || mounts[filepath.Dir(s.RoutesFile)] != v.Name {
			continue
		}
		cm, ok := objects["ConfigMap/"+v.ConfigMap.Name]
		if !ok {
			t.Fatalf("no ConfigMap/%s", v.ConfigMap.Name)
		}
		src, ok := cm.Data[filepath.Base(s.RoutesFile)]
		if !ok {
			t.Fatalf("ConfigMap/%s has no %s", v.ConfigMap.Name, filepath.Base(s.RoutesFile))
		}
		if _, err := config.ParseRoutes("routes.yaml", []byte(src), nil, t.TempDir()); err != nil {
			t.Errorf("ConfigMap/%s: %v", v.ConfigMap.Name, err)
		}
	}
}

// mebibytes returns v, a quantity in mebibytes with the suffix unit
// ("256Mi", "200MiB"), as a number; 0 if v is empty.
func mebibytes(t *testing.T, v, unit string) int64 {
	t.Helper()
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(v, unit), 10, 64)
	if err != nil || !strings.HasSuffix(v, unit) {
		t.Fatalf("%q is not a number of %s", v, unit)
	}
	return n
}

// TestContainerfile runs the build step of deploy/Containerfile, checks
// that it makes a static binary, which the distroless base needs, and that
// the image's user is the one the Deployment runs as.
func TestContainerfile(t *testing.T) {
	b, err := os.ReadFile("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	var build []string
	var user string
	for line := range strings.Lines(string(b)) {
		fields := strings.Fields(line)
		switch {
		case len(fields) > 3 && fields[0] == "RUN" && slices.Contains(fields, "build"):
			build = fields[1:]
		case len(fields) == 2 && fields[0] == "USER":
			user = fields[1]
		}
	}
	var dep k8sDeploymentSpec
	o := loadManifests(t)["Deployment/tinyhttpd"]
	if err := o.Spec.Decode(&dep); err != nil {
		t.Fatal(err)
	}
	sc := dep.Template.Spec.SecurityContext
	if want := fmt.Sprintf("%d:%d", sc.RunAsUser, sc.RunAsGroup); user != want {
		t.Errorf("the image's USER is %q; the Deployment runs as %s", user, want)
	}
	// CGO_ENABLED=0 go build ... -o /tinyhttpd ./cmd/tinyhttpd, with the
	// output in a temporary directory.
	var env []string
	for len(build) > 0 && strings.Contains(build[0], "=") {
		env, build = append(env, build[0]), build[1:]
	}
	out := filepath.Join(t.TempDir(), "tinyhttpd")
	if i := slices.Index(build, "-o"); len(build) < 2 || build[0] != "go" || i < 0 || i+1 >= len(build) {
		t.Fatalf("the build step %q is not go build -o ...", build)
	} else {
		build[i+1] = out
	}
	cmd := exec.Command(build[0], build[1:]...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%q: %v\n%s", build, err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("the binary has a dynamic loader; the image's base has none")
		}
	}
}
