package config

import (
	"fmt"
	"slices"
	"strings"
)

// UnknownVar is an environment variable whose name starts with EnvPrefix
// but names no setting.
type UnknownVar struct {
	Name string
	// Nearest is the setting's variable whose name is close to Name, the
	// one it likely misspells, or "".
	Nearest string
}

// String says that the variable is ignored, and what it may have meant.
func (u UnknownVar) String() string {
	if u.Nearest == "" {
		return u.Name + " is not a setting and is ignored"
	}
	return fmt.Sprintf("%s is not a setting and is ignored (did you mean %s?)", u.Name, u.Nearest)
}

// UnknownVars returns the variables in environ, a map of environment
// variables by name, whose names start with EnvPrefix but name no setting,
// sorted by name. The prefix is shared with the tools around the server
// (tests, benchmarks), so an unknown name is worth a warning, not a failed
// start.
func UnknownVars(environ map[string]string) []UnknownVar {
	known := make([]string, 0, len(settingsFields()))
	for _, f := range settingsFields() {
		known = append(known, varName(f))
	}
	var unknown []UnknownVar
	for name := range environ {
		if strings.HasPrefix(name, EnvPrefix) && !slices.Contains(known, name) {
			unknown = append(unknown, UnknownVar{Name: name, Nearest: nearest(name, known)})
		}
	}
	slices.SortFunc(unknown, func(a, b UnknownVar) int { return strings.Compare(a.Name, b.Name) })
	return unknown
}

// UnknownVarsFromEnv is UnknownVars with the process environment.
func UnknownVarsFromEnv() []UnknownVar { return UnknownVars(processEnviron()) }

// nearest returns the name in known that name most likely misspells: the
// closest within an edit for every three characters after the prefix, or
// else the one sharing the most words (parts between underscores, the
// prefix aside), or "" when none is near.
func nearest(name string, known []string) string {
	best, bestDist := "", len(strings.TrimPrefix(name, EnvPrefix))/3+1
	for _, k := range known {
		if d := editDistance(name, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return best
	}
	words := strings.Split(strings.TrimPrefix(name, EnvPrefix), "_")
	bestShared := 0
	for _, k := range known {
		shared := 0
		for _, w := range strings.Split(strings.TrimPrefix(k, EnvPrefix), "_") {
			if slices.Contains(words, w) {
				shared++
			}
		}
		if shared > bestShared {
			best, bestShared = k, shared
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
