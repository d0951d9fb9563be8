// Command relata-ferretdb runs FerretDB with its embedded SQLite backend for the local stack
// and CI. It embeds the ferretdb package because a `go install` of the FerretDB command
// panics at start (its build/version/version.txt is not part of the module, FerretDB #2982).
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to serve the MongoDB wire protocol on")
	dir := flag.String("data", "data/", "directory that holds one SQLite file per database")
	flag.Parse()

	if err := os.MkdirAll(*dir, 0o755); err != nil {
		slog.Error("cannot create data directory", "dir", *dir, "err", err)
		os.Exit(1)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir,
	})
	if err != nil {
		slog.Error("cannot configure FerretDB", "err", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	slog.Info("FerretDB listening", "uri", f.MongoDBURI())
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		slog.Error("FerretDB stopped", "err", err)
		os.Exit(1)
	}
}
