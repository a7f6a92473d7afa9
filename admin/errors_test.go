package admin

import (
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"
)

func TestWriteJSONList(t *testing.T) {
	for n := range 4 {
		rec := httptest.NewRecorder()
		writeJSONList(rec, 200, map[string]any{"size": 7, "name": "a\"b"}, "items", false, n, func(i int) (string, any) { return "", map[string]int{"i": i} })
		var got struct {
			Size  int              `json:"size"`
			Name  string           `json:"name"`
			Items []map[string]int `json:"items"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("%d items: %v in %q", n, err, rec.Body)
		}
		want := make([]map[string]int, n)
		for i := range want {
			want[i] = map[string]int{"i": i}
		}
		if got.Size != 7 || got.Name != "a\"b" || len(got.Items) != n || n > 0 && !reflect.DeepEqual(got.Items, want) {
			t.Errorf("%d items: %+v from %q", n, got, rec.Body)
		}
		if ct := rec.Header().Get("Content-Type"); rec.Code != 200 || ct != "application/json" {
			t.Errorf("%d items: %d %q", n, rec.Code, ct)
		}
	}
}

func TestWriteJSONListNamed(t *testing.T) {
	names := []string{"/a", "/\"b\"", "(none)"}
	for n := range len(names) + 1 {
		for _, head := range []any{struct{}{}, struct {
			Up bool `json:"up"`
		}{true}} {
			rec := httptest.NewRecorder()
			writeJSONList(rec, 200, head, "routes", true, n, func(i int) (string, any) { return names[i], uint64(i) })
			var got map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("%d members after %+v: %v in %q", n, head, err, rec.Body)
			}
			routes, ok := got["routes"].(map[string]any)
			if !ok || len(routes) != n {
				t.Fatalf("%d members after %+v: %q", n, head, rec.Body)
			}
			for i, name := range names[:n] {
				if routes[name] != float64(i) {
					t.Errorf("%q: %v in %q", name, routes[name], rec.Body)
				}
			}
			if _, up := got["up"]; up != (head != struct{}{}) {
				t.Errorf("head %+v lost or added members: %q", head, rec.Body)
			}
		}
	}
}
