package caravan.cache;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-tenant HNSW index: contexts match exactly, questions by cosine, tenants never meet, count and age bound it. */
class SemanticIndexTest {

    @TempDir
    Path folder;
    SemanticIndex index;

    @AfterEach
    void close() {
        if (index != null) {
            index.close();
        }
    }

    private static float[] vector(double... values) {
        float[] vector = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            vector[i] = (float) values[i];
        }
        return vector;
    }

    private static long later() {
        return System.currentTimeMillis() + 60_000;
    }

    @Test
    void aQuestionMatchesByCosineWithinItsContextOnly() {
        index = new SemanticIndex(folder.resolve("index"), 100);
        index.add("t", "ctx", vector(1, 0, 0), "key-1", later());

        SemanticIndex.Match close = index.search("t", "ctx", vector(0.9, 0.1, 0), 0.9);
        assertThat(close).isNotNull();
        assertThat(close.key()).isEqualTo("key-1");
        assertThat(close.similarity()).isBetween(0.99, 1.0);
        // below the threshold, another context, another tenant: nothing
        assertThat(index.search("t", "ctx", vector(0, 1, 0), 0.5)).isNull();
        assertThat(index.search("t", "other-ctx", vector(1, 0, 0), 0.5)).isNull();
        assertThat(index.search("other-tenant", "ctx", vector(1, 0, 0), 0.5)).isNull();
    }

    @Test
    void eachTenantHoldsAtMostMaxEntriesTheOldestGoingFirst() {
        index = new SemanticIndex(folder.resolve("index"), 3);
        for (int i = 0; i < 5; i++) {
            index.add("t", "ctx-" + i, vector(1, i, 0), "key-" + i, later());
        }
        index.add("u", "ctx-0", vector(1, 0, 0), "u-key-0", later());
        index.upkeep();

        assertThat(index.search("t", "ctx-0", vector(1, 0, 0), 0.5)).isNull();
        assertThat(index.search("t", "ctx-1", vector(1, 1, 0), 0.5)).isNull();
        assertThat(index.search("t", "ctx-4", vector(1, 4, 0), 0.5)).extracting(SemanticIndex.Match::key).isEqualTo("key-4");
        // another tenant's bound is its own
        assertThat(index.search("u", "ctx-0", vector(1, 0, 0), 0.5)).extracting(SemanticIndex.Match::key).isEqualTo("u-key-0");
        assertThat(index.size()).isEqualTo(4);
    }

    @Test
    void anExpiredEntryNeverMatches() {
        index = new SemanticIndex(folder.resolve("index"), 100);
        index.add("t", "ctx", vector(1, 0, 0), "gone", System.currentTimeMillis() - 1);
        index.add("t", "ctx2", vector(1, 0, 0), "kept", later());

        assertThat(index.search("t", "ctx", vector(1, 0, 0), 0.5)).isNull();
        index.upkeep();
        assertThat(index.size()).isEqualTo(1);
    }
}
