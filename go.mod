module github.com/tinyhttpd/tinyhttpd

go 1.26.8

require (
	github.com/caarlos0/env/v11 v11.4.2
	github.com/spf13/pflag v1.0.10
	go.uber.org/goleak v1.3.0
	go.yaml.in/yaml/v3 v3.0.6
)
