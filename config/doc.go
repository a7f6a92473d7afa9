// Package config loads tinyhttpd's settings from the environment and its
// route table from a routes file.
//
// Settings come from TINYHTTPD_* variables (see Settings and WriteUsage);
// every bad value is reported with the variable's name, as a
// *SettingsError.
//
// A routes file is YAML, checked strictly: unknown keys, duplicate keys and
// paths, and bad values are all reported, each as "file:line:col: reason",
// in a *RoutesError. The embedded default, testdata/routes.yaml in this
// module, documents the format.
//
// Relative file and dir paths in a routes file are resolved against the
// directory that holds the routes file, not against the server's working
// directory, so that the same file works wherever the server is started
// from. (DESIGN.md's example, "file: testdata/public/logo.png", reads as if
// relative to the working directory; we deliberately chose otherwise.) On
// the operating system's file system the resolved paths are stored as
// absolute paths; in the embedded default they are paths inside
// route.Routes.Files.
package config
