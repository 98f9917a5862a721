package caravan.cache;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import caravan.api.Usage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded exact store: each entry expires after its own TTL; the bytes held never pass the bound. */
class LocalAnswerStoreTest {

    private final AtomicLong nanos = new AtomicLong();

    private static CachedAnswer answer(int bytes, long ttlMillis) {
        return new CachedAnswer(new byte[bytes], new Usage(10, 5, 0, 0, 0), "openai", "gpt-4o-mini", 0, ttlMillis);
    }

    @Test
    void anEntryExpiresAfterItsOwnTtl() {
        LocalAnswerStore store = new LocalAnswerStore(1 << 20, nanos::get);
        store.put("short", answer(100, 1_000));
        store.put("long", answer(100, 60_000));

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        assertThat(store.getNow("short")).isNotNull();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(store.getNow("short")).isNull();
        assertThat(store.getNow("long")).isNotNull();
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(60));
        assertThat(store.getNow("long")).isNull();
    }

    @Test
    void theBytesHeldNeverPassTheBound() {
        long bound = 100_000;
        LocalAnswerStore store = new LocalAnswerStore(bound, nanos::get);
        int stored = 0;
        for (int i = 0; i < 100; i++) {
            store.put("entry-" + i, answer(9_000, 60_000));
            stored++;
            assertThat(store.weightedBytes()).isLessThanOrEqualTo(bound);
        }
        long kept = 0;
        for (int i = 0; i < stored; i++) {
            if (store.getNow("entry-" + i) != null) {
                kept++;
            }
        }
        // each entry weighs its answer and its overhead: at most ten fit
        assertThat(kept).isPositive().isLessThanOrEqualTo(bound / 9_000);
        assertThat(store.entryCount()).isEqualTo(kept);
    }

    @Test
    void anEntryReadsBackFromItsRedisForm() {
        CachedAnswer stored = new CachedAnswer("{\"id\":\"x\"}".getBytes(), new Usage(1, 2, 3, 4, 5), "anthropic",
                "claude-haiku-4-5", 1234, 5678);
        CachedAnswer read = CachedAnswer.fromBytes(stored.toBytes());
        assertThat(read.completion()).isEqualTo(stored.completion());
        assertThat(read.usage()).isEqualTo(stored.usage());
        assertThat(read.provider()).isEqualTo("anthropic");
        assertThat(read.model()).isEqualTo("claude-haiku-4-5");
        assertThat(read.storedAtMillis()).isEqualTo(1234);
        assertThat(read.ttlMillis()).isEqualTo(5678);
        assertThat(CachedAnswer.fromBytes("not an entry".getBytes())).isNull();
    }
}
