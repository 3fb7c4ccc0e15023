package workshop

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// The cases postflow's core/tests/go_json.rs checks too: what encoding/json (the
// Cadence Go client's data converter) makes of each input, with the workshop's structs.
func TestInputsDecodeAsTheSharedCasesSay(t *testing.T) {
	f, err := os.Open("../../core/tests/fixtures/go-json.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checked := 0
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := lines.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			t.Fatalf("not TYPE<TAB>INPUT<TAB>ENCODED: %q", line)
		}
		var v interface{}
		switch parts[0] {
		case "ScanSignal":
			v = &ScanSignal{}
		case "Order":
			v = &Order{}
		default:
			t.Fatalf("no type %s here", parts[0])
		}
		got := "error"
		if err := json.Unmarshal([]byte(parts[1]), v); err == nil {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			got = string(b)
		}
		if got != parts[2] {
			t.Errorf("%s %s: got %s, the cases say %s", parts[0], parts[1], got, parts[2])
		}
		checked++
	}
	if err := lines.Err(); err != nil {
		t.Fatal(err)
	}
	if checked < 25 {
		t.Fatalf("only %d cases", checked)
	}
}
