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
		writeJSONList(rec, 200, map[string]any{"size": 7, "name": "a\"b"}, "items", n, func(i int) any { return map[string]int{"i": i} })
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
