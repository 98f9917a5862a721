package caravan.processors;

import caravan.cache.ResponseCache;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The {@code cacheStore} step, after the answer: stores a whole, successful answer (a stream once it ended
 * cleanly, assembled from its chunks) under the key {@code cacheLookup} left, unless the client said
 * {@code no-store}, the answer calls tools on a route that does not store them, or it is larger than the
 * route allows. A failed, cut or cancelled call never reaches this step; errors are never stored.
 */
public final class CacheStore implements Processor {

    private final ResponseCache cache;

    public CacheStore(ResponseCache cache) {
        this.cache = cache;
    }

    @Override
    public void process(Exchange exchange) {
        cache.store(exchange);
    }
}
