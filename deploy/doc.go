// Package deploy holds tinyhttpd's deployment files (HAProxy and nginx in
// front of several instances, a systemd unit, Kubernetes manifests) and the
// tests that check them: the proxies' templates are rendered and run in front
// of real tinyhttpd processes through a rolling restart under load, and the
// manifests are parsed and checked against the settings tinyhttpd reads.
//
// See docs/DEPLOY.md for how to use them.
package deploy
