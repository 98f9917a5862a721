package caravan.providers;

import java.util.Map;

import io.vertx.core.Vertx;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code provider:<name>?codec=...&baseUrl=...}: the endpoint a provider Kamelet's template calls. It asks
 * the provider for the canonical request's answer and either stores it ({@code response}) or streams it
 * to the client, on the gateway's Vert.x event loops.
 */
public final class ProviderComponent extends DefaultComponent {

    private final Vertx vertx;
    private final boolean echoStandIn;

    /**
     * @param echoStandIn whether a provider that needs an API key and has none is answered by the echo
     *                    provider instead (for trying the gateway without keys)
     */
    public ProviderComponent(Vertx vertx, boolean echoStandIn) {
        this.vertx = vertx;
        this.echoStandIn = echoStandIn;
    }

    Vertx vertx() {
        return vertx;
    }

    boolean echoStandIn() {
        return echoStandIn;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        ProviderEndpoint endpoint = new ProviderEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
