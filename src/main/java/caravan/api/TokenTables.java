package caravan.api;

import java.util.function.BooleanSupplier;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Whether the o200k tables {@link TokenCount} counts with are in memory, and how a call on an event loop
 * waits for them without holding the loop: loading them takes 0.3 to 0.9 s of a core, once per process, and
 * every connection on the loop would wait that long. A caller that is about to count asks {@link #ready} and
 * counts when it completes, on its own context.
 *
 * @param loaded whether the tables are in memory (a count then takes microseconds)
 * @param load   loads them on the calling thread, or waits for a load under way
 */
public record TokenTables(BooleanSupplier loaded, Runnable load) {

    /** The process's tables. */
    public static final TokenTables O200K = new TokenTables(TokenCount::loaded, TokenCount::load);

    public boolean inMemory() {
        return loaded.getAsBoolean();
    }

    /**
     * Completes once the tables are in memory: at once when they are, else when a Vert.x worker has loaded
     * them, back on the caller's context (a failed load fails the future).
     */
    public Future<Void> ready(Vertx vertx) {
        if (inMemory()) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            load.run();
            return null;
        }, false);
    }
}
