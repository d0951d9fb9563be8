// Package mongo is a k6 extension, imported from scripts as "k6/x/mongo", that sends the
// benchmark's reads and writes straight to a MongoDB-wire server (FerretDB locally) with the
// official Go driver. Every call is timed around the driver call alone and recorded as the
// trend metric ferretdb_req_duration, tagged with the VU's current tags (scenario, ...) and
// the operation, so it sits in k6's summary beside http_req_duration and grpc_req_duration.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/grafana/sobek"
	"go.k6.io/k6/js/modules"
	"go.k6.io/k6/metrics"
	"go.mongodb.org/mongo-driver/v2/bson"
	mongodrv "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func init() {
	modules.Register("k6/x/mongo", new(RootModule))
}

// MetricName is the trend every timed call feeds.
const MetricName = "ferretdb_req_duration"

// callTimeout bounds one driver call; the benchmark's calls take milliseconds.
const callTimeout = 30 * time.Second

// RootModule is registered once; it hands each VU its own ModuleInstance.
type RootModule struct{}

// ModuleInstance is the module as one VU sees it.
type ModuleInstance struct {
	vu     modules.VU
	metric *metrics.Metric
}

var (
	_ modules.Module   = &RootModule{}
	_ modules.Instance = &ModuleInstance{}

	// One driver client (and so one connection pool) per URI for the whole k6 process, as a
	// service holds one pool for all its requests.
	clientsMu sync.Mutex
	clients   = map[string]*mongodrv.Client{}
)

// NewModuleInstance runs in the VU's init context, where custom metrics may be declared.
func (*RootModule) NewModuleInstance(vu modules.VU) modules.Instance {
	mi := &ModuleInstance{vu: vu}
	if env := vu.InitEnv(); env != nil {
		m, err := env.Registry.NewMetric(MetricName, metrics.Trend, metrics.Time)
		if err != nil {
			panic(err)
		}
		mi.metric = m
	}
	return mi
}

// Exports names what a script can import.
func (mi *ModuleInstance) Exports() modules.Exports {
	return modules.Exports{Named: map[string]any{"connect": mi.Connect}}
}

// Connect returns a client for the URI, sharing one driver client per URI.
func (mi *ModuleInstance) Connect(uri string) (*Client, error) {
	clientsMu.Lock()
	defer clientsMu.Unlock()
	c, ok := clients[uri]
	if !ok {
		var err error
		c, err = mongodrv.Connect(options.Client().ApplyURI(uri))
		if err != nil {
			return nil, fmt.Errorf("mongo connect %s: %w", uri, err)
		}
		clients[uri] = c
	}
	return &Client{mi: mi, c: c}, nil
}

// Client is what connect() returns to the script.
type Client struct {
	mi *ModuleInstance
	c  *mongodrv.Client
}

// timed runs one driver call and, outside the init context, records how long it took.
func (cl *Client) timed(op string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(cl.mi.vu.Context(), callTimeout)
	defer cancel()
	start := time.Now()
	err := fn(ctx)
	elapsed := time.Since(start)
	state := cl.mi.vu.State()
	if state != nil && cl.mi.metric != nil {
		ctm := state.Tags.GetCurrentValues()
		tags := ctm.Tags.With("op", op)
		if err != nil {
			tags = tags.With("error", "true")
		}
		metrics.PushIfNotDone(cl.mi.vu.Context(), state.Samples, metrics.Sample{
			TimeSeries: metrics.TimeSeries{Metric: cl.mi.metric, Tags: tags},
			Time:       start,
			Metadata:   ctm.Metadata,
			Value:      metrics.D(elapsed),
		})
	}
	return err
}

// sortSpec turns "-createdAt,-_id" into an ordered sort document.
func sortSpec(spec string) bson.D {
	var d bson.D
	for _, f := range strings.Split(spec, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		dir := 1
		if strings.HasPrefix(f, "-") {
			dir, f = -1, f[1:]
		}
		d = append(d, bson.E{Key: f, Value: dir})
	}
	return d
}

// plain turns values the JS runtime hands over as its own types into ones the driver encodes:
// an ArrayBuffer becomes BSON binary data.
func plain(v any) any {
	switch x := v.(type) {
	case sobek.ArrayBuffer:
		return x.Bytes()
	case map[string]any:
		for k, e := range x {
			x[k] = plain(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = plain(e)
		}
		return x
	default:
		return v
	}
}

// InsertOne inserts doc (a JS object; Dates become BSON dates) and returns its _id.
func (cl *Client) InsertOne(db, coll string, doc map[string]any) (any, error) {
	var id any
	plain(doc)
	err := cl.timed("insertOne", func(ctx context.Context) error {
		res, err := cl.c.Database(db).Collection(coll).InsertOne(ctx, doc)
		if err == nil {
			id = res.InsertedID
		}
		return err
	})
	return id, err
}

// FindOne returns the first document matching filter (with projection, which may be null),
// or null.
func (cl *Client) FindOne(db, coll string, filter, projection map[string]any) (map[string]any, error) {
	// A plain map, not bson.M: the JS runtime sees the keys of an unnamed map type only.
	var out map[string]any
	err := cl.timed("findOne", func(ctx context.Context) error {
		opts := options.FindOne()
		if len(projection) > 0 {
			opts.SetProjection(projection)
		}
		err := cl.c.Database(db).Collection(coll).FindOne(ctx, filter, opts).Decode(&out)
		if errors.Is(err, mongodrv.ErrNoDocuments) {
			out = nil
			return nil
		}
		return err
	})
	return out, err
}

// Find returns up to limit documents matching filter (with projection, which may be null) in
// the order sort names ("-createdAt,-_id": comma-separated fields, '-' for descending).
func (cl *Client) Find(db, coll string, filter, projection map[string]any, sort string, limit int64) ([]map[string]any, error) {
	var out []map[string]any
	err := cl.timed("find", func(ctx context.Context) error {
		opts := options.Find().SetLimit(limit)
		if s := sortSpec(sort); len(s) > 0 {
			opts.SetSort(s)
		}
		if len(projection) > 0 {
			opts.SetProjection(projection)
		}
		cur, err := cl.c.Database(db).Collection(coll).Find(ctx, filter, opts)
		if err != nil {
			return err
		}
		return cur.All(ctx, &out)
	})
	return out, err
}

// FindOneAndUpdate applies update to the first document matching filter and returns it as it
// was before, or null when none matched.
func (cl *Client) FindOneAndUpdate(db, coll string, filter, update map[string]any) (map[string]any, error) {
	var out map[string]any
	err := cl.timed("findOneAndUpdate", func(ctx context.Context) error {
		err := cl.c.Database(db).Collection(coll).FindOneAndUpdate(ctx, filter, update).Decode(&out)
		if errors.Is(err, mongodrv.ErrNoDocuments) {
			out = nil
			return nil
		}
		return err
	})
	return out, err
}

// InsertMany inserts docs in one command (unordered) and returns how many went in.
func (cl *Client) InsertMany(db, coll string, docs []map[string]any) (int, error) {
	for _, d := range docs {
		plain(d)
	}
	var n int
	err := cl.timed("insertMany", func(ctx context.Context) error {
		res, err := cl.c.Database(db).Collection(coll).InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
		if res != nil {
			n = len(res.InsertedIDs)
		}
		return err
	})
	return n, err
}

// DeleteMany deletes the documents matching filter and returns how many it deleted.
func (cl *Client) DeleteMany(db, coll string, filter map[string]any) (int64, error) {
	var n int64
	err := cl.timed("deleteMany", func(ctx context.Context) error {
		res, err := cl.c.Database(db).Collection(coll).DeleteMany(ctx, filter)
		if res != nil {
			n = res.DeletedCount
		}
		return err
	})
	return n, err
}

// CreateIndex creates an index on keys (same notation as Find's sort) under name.
func (cl *Client) CreateIndex(db, coll, keys, name string, unique bool) error {
	return cl.timed("createIndex", func(ctx context.Context) error {
		_, err := cl.c.Database(db).Collection(coll).Indexes().CreateOne(ctx, mongodrv.IndexModel{
			Keys: sortSpec(keys), Options: options.Index().SetName(name).SetUnique(unique),
		})
		return err
	})
}

// CountDocuments counts the documents matching filter.
func (cl *Client) CountDocuments(db, coll string, filter map[string]any) (int64, error) {
	var n int64
	err := cl.timed("count", func(ctx context.Context) error {
		var err error
		n, err = cl.c.Database(db).Collection(coll).CountDocuments(ctx, filter)
		return err
	})
	return n, err
}

// DropCollection removes coll and its indexes.
func (cl *Client) DropCollection(db, coll string) error {
	return cl.timed("drop", func(ctx context.Context) error {
		return cl.c.Database(db).Collection(coll).Drop(ctx)
	})
}
