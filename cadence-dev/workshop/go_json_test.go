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
	if checked < 32 {
		t.Fatalf("only %d cases", checked)
	}
}

// Bytes that are not UTF-8, as a payload sent through the API can carry: encoding/json
// reads each such byte in a string as U+FFFD. core/src/payload.rs checks postflow's
// decoder against the same cases.
func TestBytesThatAreNotUTF8ReadAsReplacementCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"{\"location\":\"Delft\xff\"}":    "Delft\uFFFD",
		"{\"location\":\"\xe2\x82A\"}":    "\uFFFD\uFFFDA",
		"{\"location\":\"\xed\xa0\x80\"}": "\uFFFD\uFFFD\uFFFD",
		"{\"loc\xffation\":\"Delft\"}":    "",
	} {
		var scan ScanSignal
		if err := json.Unmarshal([]byte(in), &scan); err != nil || scan.Location != want {
			t.Errorf("%q: got %q, %v; want %q", in, scan.Location, err, want)
		}
	}
	var scan ScanSignal
	if err := json.Unmarshal([]byte("{\"location\":\xff}"), &scan); err == nil {
		t.Errorf("a byte that is not UTF-8 outside a string was accepted")
	}
}
