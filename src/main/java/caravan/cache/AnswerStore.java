package caravan.cache;

import java.util.concurrent.CompletionStage;

/**
 * Where exact entries live: this process's memory ({@link LocalAnswerStore}) or a Redis every instance
 * shares ({@link RedisAnswerStore}). Neither ever fails a call: a store that cannot answer answers "no entry".
 */
public interface AnswerStore {

    /** The entry under {@code key}, or null; completes on the caller's event loop or at once. */
    CompletionStage<CachedAnswer> get(String key);

    /** Stores {@code answer} under {@code key} for its TTL; never waited for. */
    void put(String key, CachedAnswer answer);

    /** {@code memory} or {@code redis}, for logs and {@code /readyz}. */
    String kind();

    default void close() {
    }
}
