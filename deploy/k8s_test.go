package deploy

import (
	"bytes"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
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
