package caravan.processors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import caravan.api.CacheOutcome;
import caravan.cache.CacheSettings;
import caravan.cache.ResponseCache;
import caravan.telemetry.CacheLookupSpan;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The {@code cacheLookup} step, after admission and before the target is called: answers a call from the
 * response cache when it holds the answer (in the client's dialect and mode, {@code x-caravan-cache: hit},
 * {@code age}), so that the route skips the provider; otherwise leaves what {@code cacheStore} needs to store
 * the answer. {@code cacheOutcome} says which. Asynchronous: with Redis the lookup is a round trip that never
 * blocks the event loop; the embedded cache answers at once.
 */
public final class CacheLookup extends AsyncProcessorSupport {

    private final ResponseCache cache;

    public CacheLookup(ResponseCache cache) {
        this.cache = cache;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CompletionStage<CacheOutcome> looked;
        CacheLookupSpan span = CacheLookupSpan.NONE;
        try {
            CacheSettings settings = cache.settings(exchange);
            // a cache that is off looks nothing up: no span
            if (settings.enabled()) {
                span = CacheLookupSpan.start(exchange);
            }
            looked = cache.lookup(exchange, settings);
        } catch (RuntimeException e) {
            span.end(null);
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        CompletableFuture<CacheOutcome> future = looked.toCompletableFuture();
        if (future.isDone()) {
            finish(exchange, span, future);
            callback.done(true);
            return true;
        }
        CacheLookupSpan started = span;
        future.whenComplete((outcome, failure) -> {
            finish(exchange, started, future);
            callback.done(false);
        });
        return false;
    }

    private static void finish(Exchange exchange, CacheLookupSpan span, CompletableFuture<CacheOutcome> looked) {
        try {
            span.end(looked.join());
        } catch (CompletionException failed) {
            span.end(null);
            exchange.setException(failed.getCause() instanceof Exception cause ? cause : failed);
        }
    }
}
