package caravan.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * The embedded exact cache: Caffeine, bounded by the bytes its entries hold ({@code GATEWAY_CACHE_MAX_BYTES})
 * and expiring each entry after its own TTL. Its upkeep (evictions, expiries) runs on the calling thread, a
 * few operations per write, so the bound holds as soon as a write returns and no pool is involved.
 */
public final class LocalAnswerStore implements AnswerStore {

    private final Cache<String, CachedAnswer> entries;

    public LocalAnswerStore(long maxBytes) {
        this(maxBytes, Ticker.systemTicker());
    }

    LocalAnswerStore(long maxBytes, Ticker ticker) {
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, CachedAnswer answer) -> answer.weight())
                .expireAfter(new Expiry<String, CachedAnswer>() {
                    @Override
                    public long expireAfterCreate(String key, CachedAnswer answer, long now) {
                        return TimeUnit.MILLISECONDS.toNanos(answer.ttlMillis());
                    }

                    @Override
                    public long expireAfterUpdate(String key, CachedAnswer answer, long now, long current) {
                        return TimeUnit.MILLISECONDS.toNanos(answer.ttlMillis());
                    }

                    @Override
                    public long expireAfterRead(String key, CachedAnswer answer, long now, long current) {
                        return current;
                    }
                })
                .executor(Runnable::run)
                .ticker(ticker)
                .build();
    }

    @Override
    public CompletionStage<CachedAnswer> get(String key) {
        return CompletableFuture.completedFuture(entries.getIfPresent(key));
    }

    /** The entry, synchronously: the embedded store never waits. */
    CachedAnswer getNow(String key) {
        return entries.getIfPresent(key);
    }

    @Override
    public void put(String key, CachedAnswer answer) {
        entries.put(key, answer);
    }

    @Override
    public String kind() {
        return "memory";
    }

    /** Bytes held now, by the weigher's count. */
    long weightedBytes() {
        return entries.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
    }

    long entryCount() {
        return entries.estimatedSize();
    }
}
