// Package farm checks the vectors postflow's Rust implementation of Cadence's
// shard function is tested against (core/tests/fixtures/fingerprint32.txt):
// each line is an input in hex, its farmhash Fingerprint32 from
// github.com/dgryski/go-farm (what Cadence's WorkflowIDToHistoryShard uses), and
// its shard in a 16,384-shard and a 4-shard cluster.
//
//	go test ./farm/            check the file against go-farm
//	go test ./farm/ -update    rewrite it
package farm

import (
	"bufio"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	gofarm "github.com/dgryski/go-farm"
	"github.com/uber/cadence/common"
)

const vectors = "../../core/tests/fixtures/fingerprint32.txt"

var update = flag.Bool("update", false, "rewrite the vectors file from go-farm")

// inputs covers every length branch of the hash (0-4, 5-12, 13-24, longer),
// bytes with the high bit set (signed in the short branch), and IDs shaped
// like the workflow IDs postflow's tools start.
func inputs() [][]byte {
	var out [][]byte
	for n := 0; n <= 70; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*37 + n*11 + 0x41)
		}
		out = append(out, b)
	}
	for _, s := range []string{"Order123", "Order0", "pkg-0000001", "fleet-42", "load-1700000000-17",
		"tui-bridge-1700000000-4242", "ü", "Zürich→Delft", "\xff\xfe\x80", "cadence-workshop"} {
		out = append(out, []byte(s))
	}
	for i := 0; i < 64; i++ {
		out = append(out, []byte(fmt.Sprintf("Order%d", i*7919)))
	}
	return out
}

func line(in []byte) string {
	fp := gofarm.Fingerprint32(in)
	return fmt.Sprintf("%s %d %d %d", hex.EncodeToString(in), fp,
		common.WorkflowIDToHistoryShard(string(in), 16384), common.WorkflowIDToHistoryShard(string(in), 4))
}

func TestVectorsAreGoFarms(t *testing.T) {
	var want []string
	for _, in := range inputs() {
		want = append(want, line(in))
	}
	if *update {
		body := "# input(hex) fingerprint32 shard/16384 shard/4 — from github.com/dgryski/go-farm (cadence-dev/farm)\n" + strings.Join(want, "\n") + "\n"
		if err := os.WriteFile(vectors, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(vectors)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := sc.Text(); l != "" && !strings.HasPrefix(l, "#") {
			got = append(got, l)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%s has %d vectors, go-farm gives %d (run with -update)", vectors, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("vector %d: file says %q, go-farm says %q", i, got[i], want[i])
		}
	}
}
