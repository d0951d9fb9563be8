package main

// FerretDB 1.24 pushes a top-level equality filter down to PostgreSQL as
// `_jsonb->'field' @> '"value"'`. The btree indexes it makes for createIndexes, on
// `(_jsonb->'field')`, cannot serve `@>`, so without more every find is a sequential scan of the
// collection's table. keepIndexes adds, beside each btree index FerretDB made, a GIN index
// `((_jsonb->'field') jsonb_path_ops)` on its leading field, or on the field after the tenant
// field when the index starts with it (the tenant alone narrows little), unless that field is
// declared descending: such an index is there for sorting, which FerretDB does not push down,
// and equality filters on it do not occur. The `_id` index of every collection gets one too. The btree indexes are exactly the declared ones, so the
// catalogue of PostgreSQL is read instead of FerretDB's own metadata. The GIN indexes are
// invisible to MongoDB clients (listIndexes reads FerretDB's metadata) and go away with their
// table when a collection or database is dropped.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The table in each schema (MongoDB database) that tells a schema is FerretDB's.
const metadataTable = "_ferretdb_database_metadata"

// How PostgreSQL prints an index column on a top-level field: (_jsonb -> 'company'::text).
var topLevelField = regexp.MustCompile(`^\(_jsonb -> '((?:[^']|'')*)'::text\)$`)

type fieldIndex struct{ schema, table, field string }

func (f fieldIndex) name() string {
	sum := sha256.Sum256([]byte(f.schema + "\x00" + f.table + "\x00" + f.field))
	return "relata_gin_" + hex.EncodeToString(sum[:8])
}

func keepIndexes(ctx context.Context, logger *slog.Logger, url, tenantField string, every time.Duration) {
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	lastErr := ""
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		err := func() error {
			if conn == nil {
				c, err := pgx.Connect(ctx, url)
				if err != nil {
					return err
				}
				// Never hold up FerretDB's own DDL for long: give up and try at the next pass.
				if _, err := c.Exec(ctx, "SET lock_timeout = '2s'"); err != nil {
					c.Close(context.Background())
					return err
				}
				conn = c
			}
			return syncIndexes(ctx, logger, conn, tenantField)
		}()
		if err != nil && ctx.Err() == nil {
			if err.Error() != lastErr { // once per distinct error, not every pass
				logger.Warn("cannot add GIN indexes", "err", err)
			}
			lastErr = err.Error()
			if conn != nil && conn.IsClosed() {
				conn = nil
			}
		} else {
			lastErr = ""
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// syncIndexes creates the GIN indexes that are missing; one pass.
func syncIndexes(ctx context.Context, logger *slog.Logger, conn *pgx.Conn, tenantField string) error {
	wanted, err := wantedIndexes(ctx, conn, tenantField)
	if err != nil {
		return err
	}
	for _, w := range wanted {
		start := time.Now()
		_, err := conn.Exec(ctx, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s USING gin ((_jsonb -> %s) jsonb_path_ops)",
			pgx.Identifier{w.name()}.Sanitize(), pgx.Identifier{w.schema, w.table}.Sanitize(), quoteLiteral(w.field)))
		var pgErr *pgconn.PgError
		switch {
		case err == nil:
			logger.Info("created GIN index", "schema", w.schema, "table", w.table, "field", w.field,
				"ms", time.Since(start).Milliseconds())
		case errors.As(err, &pgErr) && (pgErr.Code == "42P01" || pgErr.Code == "3F000" || pgErr.Code == "55P03"):
			// The table or schema was dropped meanwhile, or is locked: the next pass sees.
		default:
			return fmt.Errorf("index %s.%s(%s): %w", w.schema, w.table, w.field, err)
		}
	}
	return nil
}

// wantedIndexes lists the GIN indexes that FerretDB's btree indexes call for and that do not exist yet.
func wantedIndexes(ctx context.Context, conn *pgx.Conn, tenantField string) ([]fieldIndex, error) {
	rows, err := conn.Query(ctx, `
		SELECT n.nspname, t.relname, am.amname,
		       pg_get_indexdef(i.indexrelid, 1, true), (i.indoption[0] & 1) = 1,
		       CASE WHEN i.indnkeyatts > 1 THEN pg_get_indexdef(i.indexrelid, 2, true) ELSE '' END,
		       i.indnkeyatts > 1 AND (i.indoption[1] & 1) = 1
		FROM pg_index i
		JOIN pg_class t ON t.oid = i.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		JOIN pg_class ix ON ix.oid = i.indexrelid
		JOIN pg_am am ON am.oid = ix.relam
		WHERE t.relname <> $1
		  AND am.amname IN ('btree', 'gin')
		  AND EXISTS (SELECT 1 FROM pg_class m WHERE m.relnamespace = n.oid AND m.relname = $1)`, metadataTable)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	have := map[fieldIndex]bool{}
	var want []fieldIndex
	for rows.Next() {
		var schema, table, method, first, second string
		var firstDesc, secondDesc bool
		if err := rows.Scan(&schema, &table, &method, &first, &firstDesc, &second, &secondDesc); err != nil {
			return nil, err
		}
		if method == "gin" {
			if field, ok := fieldOf(first); ok {
				have[fieldIndex{schema, table, field}] = true
			}
			continue
		}
		field, ok := fieldOf(first)
		descending := firstDesc
		if ok && field == tenantField {
			field, ok = fieldOf(second)
			descending = secondDesc
		}
		if ok && !descending {
			want = append(want, fieldIndex{schema, table, field})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	missing := want[:0]
	for _, w := range want {
		if !have[w] {
			have[w] = true // two btree indexes may lead with the same field
			missing = append(missing, w)
		}
	}
	return missing, nil
}

// fieldOf returns the top-level field an index column reads, if it reads one.
func fieldOf(column string) (string, bool) {
	m := topLevelField.FindStringSubmatch(column)
	if m == nil {
		return "", false
	}
	return strings.ReplaceAll(m[1], "''", "'"), true
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
