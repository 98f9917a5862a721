package caravan.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;

/**
 * The semantic entries, one Lucene HNSW index per tenant, so that no search can ever see another tenant's
 * questions. An entry is the embedding of a question's last user message, the digest of everything else
 * the answer depends on (its context: the earlier conversation, tools, parameters, what serves it), and the
 * exact key its answer is stored under; a search matches the context exactly and the question by cosine
 * similarity. Vectors are kept int8-quantized beside their floats in memory-mapped files under the data
 * folder (outside the Java heap), and each tenant's index holds at most {@code maxEntries}: the oldest go
 * first, and expired ones at the next upkeep. Not for event loops: writes and searches run on the cache's
 * own threads.
 */
public final class SemanticIndex {

    /** A match: the exact key of the stored answer and the question's cosine similarity to the stored one. */
    public record Match(String key, double similarity) {
    }

    private static final String CONTEXT = "context";
    private static final String KEY = "key";
    private static final String VECTOR = "vector";
    private static final String EXPIRES = "expires";
    private static final String SEQUENCE = "seq";

    private final Path folder;
    private final int maxEntries;
    private final Map<String, TenantIndex> tenants = new ConcurrentHashMap<>();

    /** @param folder emptied now: entries are rebuilt from the shared feed, or anew, after a restart */
    public SemanticIndex(Path folder, int maxEntries) {
        this.folder = folder;
        this.maxEntries = maxEntries;
        try {
            if (Files.exists(folder)) {
                try (var files = Files.walk(folder)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the semantic cache's folder " + folder, e);
        }
    }

    /** Adds an entry to the tenant's index (the semantic feed's receiver too: another instance's entry). */
    public void add(String tenant, String context, float[] vector, String key, long expiresAtMillis) {
        tenant(tenant).add(context, vector, key, expiresAtMillis);
    }

    /** The closest stored question in the same context, if it is at least {@code minSimilarity} alike; else null. */
    public Match search(String tenant, String context, float[] vector, double minSimilarity) {
        TenantIndex index = tenants.get(tenant == null ? "" : tenant);
        return index == null ? null : index.search(context, vector, minSimilarity);
    }

    /** Drops expired entries and makes the latest additions searchable. */
    public void upkeep() {
        tenants.values().forEach(TenantIndex::upkeep);
    }

    /** Entries held across tenants (deleted ones excluded). */
    public long size() {
        return tenants.values().stream().mapToLong(TenantIndex::size).sum();
    }

    public void close() {
        tenants.values().forEach(TenantIndex::close);
        tenants.clear();
    }

    private TenantIndex tenant(String tenant) {
        return tenants.computeIfAbsent(tenant == null ? "" : tenant, name -> new TenantIndex(folder.resolve(folderName(name))));
    }

    /** A tenant id may hold any character: its folder is named by its digest. */
    private static String folderName(String tenant) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(tenant.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One tenant's index: a writer, a searcher refreshed when something was added, and the entry sequence. */
    private final class TenantIndex {
        private final IndexWriter writer;
        private final SearcherManager searchers;
        private final AtomicLong sequence = new AtomicLong();
        private volatile boolean dirty;

        TenantIndex(Path path) {
            try {
                IndexWriterConfig config = new IndexWriterConfig()
                        .setCodec(new Lucene912Codec() {
                            @Override
                            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                                return new Lucene99HnswScalarQuantizedVectorsFormat();
                            }
                        })
                        // what waits in the heap before it is written to the mapped files
                        .setRAMBufferSizeMB(4);
                writer = new IndexWriter(new MMapDirectory(path), config);
                searchers = new SearcherManager(writer, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void add(String context, float[] vector, String key, long expiresAtMillis) {
            long seq = sequence.incrementAndGet();
            Document document = new Document();
            document.add(new StringField(CONTEXT, context, Field.Store.NO));
            document.add(new StoredField(KEY, key));
            document.add(new KnnFloatVectorField(VECTOR, vector, VectorSimilarityFunction.COSINE));
            document.add(new LongPoint(EXPIRES, expiresAtMillis));
            document.add(new LongPoint(SEQUENCE, seq));
            try {
                writer.addDocument(document);
                if (seq > maxEntries) {
                    // bounded by count: the oldest go first
                    writer.deleteDocuments(LongPoint.newRangeQuery(SEQUENCE, Long.MIN_VALUE, seq - maxEntries));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            dirty = true;
        }

        Match search(String context, float[] vector, double minSimilarity) {
            try {
                if (dirty) {
                    dirty = false;
                    searchers.maybeRefresh();
                }
                IndexSearcher searcher = searchers.acquire();
                try {
                    Query filter = new BooleanQuery.Builder()
                            .add(new TermQuery(new Term(CONTEXT, context)), BooleanClause.Occur.FILTER)
                            .add(LongPoint.newRangeQuery(EXPIRES, System.currentTimeMillis() + 1, Long.MAX_VALUE),
                                    BooleanClause.Occur.FILTER)
                            .build();
                    TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, vector, 1, filter), 1);
                    if (top.scoreDocs.length == 0) {
                        return null;
                    }
                    // Lucene scores cosine as (1 + cos) / 2
                    double similarity = 2.0 * top.scoreDocs[0].score - 1.0;
                    if (similarity < minSimilarity) {
                        return null;
                    }
                    String key = searcher.storedFields().document(top.scoreDocs[0].doc).get(KEY);
                    return new Match(key, Math.min(1.0, similarity));
                } finally {
                    searchers.release(searcher);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void upkeep() {
            try {
                writer.deleteDocuments(LongPoint.newRangeQuery(EXPIRES, Long.MIN_VALUE, System.currentTimeMillis()));
                // cleared before the refresh, as search does: an entry added meanwhile leaves it set for the next search
                dirty = false;
                searchers.maybeRefresh();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long size() {
            return writer.getDocStats().numDocs;
        }

        void close() {
            try {
                searchers.close();
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
