package caravan.providers;

import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

/** A Camel context with a Vert.x in its registry, as the gateway binds one: what {@code provider:} endpoints need. */
final class ProviderEndpoints implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final CamelContext context = new DefaultCamelContext();

    ProviderEndpoints() {
        context.getRegistry().bind("vertx", vertx);
    }

    Vertx vertx() {
        return vertx;
    }

    CamelContext context() {
        return context;
    }

    ProviderEndpoint endpoint(String uri) {
        return context.getEndpoint(uri, ProviderEndpoint.class);
    }

    @Override
    public void close() throws Exception {
        context.close();
        vertx.close();
    }
}
