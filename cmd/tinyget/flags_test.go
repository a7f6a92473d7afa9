package main

import (
	"fmt"
	"testing"
	"time"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want options
	}{
		{"URL only", []string{"h:1/"}, options{url: "h:1/"}},
		{"combined shorts", []string{"-sSfi", "h:1/"}, options{silent: true, showError: true, fail: true, include: true, url: "h:1/"}},
		{"flags after the URL", []string{"h:1/", "-v", "-I"}, options{verbose: true, head: true, url: "h:1/"}},
		{"repeated -d and -H", []string{"-d", "a=1", "--data=b=2", "-dc", "-H", "X: 1", "--header", "Y: 2", "h:1/"},
			options{data: []string{"a=1", "b=2", "c"}, headers: []string{"X: 1", "Y: 2"}, url: "h:1/"}},
		{"-d value with a comma", []string{"-d", "a,b", "h:1/"}, options{data: []string{"a,b"}, url: "h:1/"}},
		{"method and output", []string{"-X", "PUT", "-o", "out.txt", "h:1/"}, options{method: "PUT", output: "out.txt", url: "h:1/"}},
		{"timeouts", []string{"-m", "1.5", "--connect-timeout", "0.25", "h:1/"},
			options{maxTime: 1500 * time.Millisecond, connectTimeout: 250 * time.Millisecond, url: "h:1/"}},
		{"help without URL", []string{"-h"}, options{help: true}},
		{"version without URL", []string{"--version"}, options{version: true}},
		{"URL after --", []string{"--", "-weird"}, options{url: "-weird"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseArgs(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("got  %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestParseArgsErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"no URL", nil},
		{"two URLs", []string{"a:1/", "b:1/"}},
		{"unknown long flag", []string{"--bogus", "h:1/"}},
		{"unknown short flag", []string{"-sz", "h:1/"}},
		{"missing value", []string{"h:1/", "-d"}},
		{"bad number", []string{"-m", "soon", "h:1/"}},
		{"negative time", []string{"-m", "-1", "h:1/"}},
		{"infinite time", []string{"--connect-timeout", "Inf", "h:1/"}},
		{"HEAD with data", []string{"-I", "-d", "x", "h:1/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseArgs(tt.args)
			if codeOf(err) != exitUsage {
				t.Errorf("error %v, code %d; want %d", err, codeOf(err), exitUsage)
			}
		})
	}
}
