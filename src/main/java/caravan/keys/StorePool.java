package caravan.keys;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * Where blocking store work runs: the database's own bounded pool, never an event loop. A full pool
 * completes the future exceptionally at once, so the feature degrades and the request does not wait.
 */
@FunctionalInterface
public interface StorePool {

    <T> CompletableFuture<T> submit(Callable<T> work);

    /** Runs the work on the calling thread (tests, and a gateway without a database). */
    StorePool DIRECT = new StorePool() {
        @Override
        public <T> CompletableFuture<T> submit(Callable<T> work) {
            try {
                return CompletableFuture.completedFuture(work.call());
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    };
}
