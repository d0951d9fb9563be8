// Command relata-ferretdb runs FerretDB on PostgreSQL for the local stack and the tests. It
// embeds the ferretdb package because a `go install` of the FerretDB command panics at start
// (its build/version/version.txt is not part of the module, FerretDB #2982).
//
// Besides serving the MongoDB wire protocol it does two small things for PostgreSQL:
//   - it creates the database FerretDB keeps its schemas in, when it is missing;
//   - it keeps GIN expression indexes beside the indexes the services declare (indexes.go), so
//     the equality filters FerretDB pushes down to PostgreSQL are served by an index.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to serve the MongoDB wire protocol on")
	postgresURL := flag.String("postgresql-url", "postgres://127.0.0.1:5432/ferretdb", "PostgreSQL database FerretDB stores its data in (created when missing)")
	indexEvery := flag.Duration("index-interval", 2*time.Second, "how often to add GIN indexes for new collections and indexes (0: never)")
	tenantField := flag.String("tenant-field", "tenantId", "field that leads every tenant-scoped index; the GIN index goes on the field after it")
	flag.Parse()

	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if err := ensureDatabase(ctx, *postgresURL); err != nil {
		logger.Error("cannot prepare the PostgreSQL database", "err", err)
		os.Exit(1)
	}

	// FerretDB logs at warn and above: its info lines are one per connection.
	ferretLogger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        ferretLogger,
		Handler:       "postgresql",
		PostgreSQLURL: *postgresURL,
	})
	if err != nil {
		logger.Error("cannot configure FerretDB", "err", err)
		os.Exit(1)
	}

	if *indexEvery > 0 {
		go keepIndexes(ctx, logger, *postgresURL, *tenantField, *indexEvery)
	}

	logger.Info("FerretDB listening", "uri", f.MongoDBURI())
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		logger.Error("FerretDB stopped", "err", err)
		os.Exit(1)
	}
}

// ensureDatabase creates the database of url when it does not exist (through the maintenance
// database "postgres", as the same user) and makes every query of it planned with its actual
// parameters: FerretDB passes the field name of a filter as a parameter (`_jsonb->$1 @> $2`),
// and only a plan made for the actual name can use an expression index on that field.
func ensureDatabase(ctx context.Context, url string) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("parse %q: %w", url, err)
	}
	name := cfg.Database
	if name == "" {
		return errors.New("the PostgreSQL URL names no database")
	}
	cfg.Database = "postgres"

	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())

	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %q: %w", name, err)
	}
	if !exists {
		_, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
		var pgErr *pgconn.PgError
		// 42P04 duplicate_database: created by another start in between.
		if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "42P04") {
			return fmt.Errorf("create database %q: %w", name, err)
		}
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" SET plan_cache_mode = force_custom_plan"); err != nil {
		return fmt.Errorf("set plan_cache_mode of %q: %w", name, err)
	}
	return nil
}
