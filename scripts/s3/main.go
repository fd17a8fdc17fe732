// s3-test-server: an S3-compatible HTTP server for Sluice's object-store tests, built from
// gofakes3 (in-memory backend). It listens on 127.0.0.1:<port> (path-style requests), creates a
// bucket on first use, honours conditional PUTs (If-None-Match: *, If-Match) atomically, and
// prints "s3-test-server listening on <addr>" once it accepts connections.
//
//	go build -o ../../.s3/bin/s3-test-server . && .s3/bin/s3-test-server -addr 127.0.0.1:9000
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	faker := gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(true), gofakes3.WithLogger(gofakes3.DiscardLog()))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("s3-test-server: cannot listen on %s: %v", *addr, err)
	}
	fmt.Fprintf(os.Stdout, "s3-test-server listening on %s\n", ln.Addr().String())
	if err := http.Serve(ln, faker.Server()); err != nil {
		log.Fatalf("s3-test-server: %v", err)
	}
}
