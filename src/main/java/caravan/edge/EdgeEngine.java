package caravan.edge;

import caravan.api.ContextServices;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
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
 * platform-http finds it in the registry (the gateway binds it as {@code platform-http-engine}) or, in
 * any other runtime with the gateway's jar, through {@code META-INF/services/org/apache/camel/platform-http-engine};
 * either way it serves on the gateway's {@link EdgeServer}, found in the registry when it starts.
 */
public final class EdgeEngine extends ServiceSupport implements PlatformHttpEngine, CamelContextAware {

    private CamelContext camelContext;
    private EdgeServer server;

    public EdgeEngine() {
    }

    public EdgeEngine(EdgeServer server) {
        this.server = server;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStart() throws Exception {
        server();
    }

    private EdgeServer server() {
        if (server == null) {
            server = ContextServices.require(camelContext, EdgeServer.class, "The edge engine (platform-http)");
        }
        return server;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        if (camelContext == null) {
            camelContext = endpoint.getCamelContext();
        }
        return new EdgeConsumer(endpoint, processor, server());
    }

    @Override
    public int getServerPort() {
        return server().port();
    }
}
