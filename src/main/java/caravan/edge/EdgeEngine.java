package caravan.edge;

import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.spi.PlatformHttpEngine;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The platform-http engine behind every {@code from: platform-http:...} of the gateway. The stock Vert.x
 * engine runs each exchange inside {@code executeBlocking}, so every request in flight (a whole stream
 * included) holds a worker thread; this one hands the exchange to the route's asynchronous processor on
 * the event loop, and every step of the gateway is non-blocking. Routes stay plain platform-http YAML.
 */
public final class EdgeEngine extends ServiceSupport implements PlatformHttpEngine {

    private final EdgeServer server;

    public EdgeEngine(EdgeServer server) {
        this.server = server;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new EdgeConsumer(endpoint, processor, server);
    }

    @Override
    public int getServerPort() {
        return server.port();
    }
}
