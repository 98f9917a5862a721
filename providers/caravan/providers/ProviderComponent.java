package caravan.providers;

import java.util.Map;

import caravan.api.ContextServices;
import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code provider:<name>?codec=...&baseUrl=...}: the endpoint a provider Kamelet's template calls. It asks
 * the provider for the canonical request's answer and either stores it ({@code response}) or streams it
 * to the client, on the gateway's Vert.x event loops. Discovered by Camel like any component; the Vert.x
 * it runs on is found in the registry.
 */
@org.apache.camel.spi.annotations.Component("provider")
public final class ProviderComponent extends DefaultComponent {

    @Metadata(description = "Whether a provider that needs a key and has none is answered by the echo provider "
            + "instead (gateway.echo-stand-in: auto = while no master key is set)", defaultValue = "auto")
    private boolean echoStandIn;
    private Vertx vertx;

    public ProviderComponent() {
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        CamelContext context = getCamelContext();
        vertx = ContextServices.require(context, Vertx.class, "The provider: component");
        String standIn = ContextServices.setting(context, "gateway.echo-stand-in", "auto");
        echoStandIn = "auto".equalsIgnoreCase(standIn)
                ? ContextServices.setting(context, "gateway.master-key", "").isEmpty()
                : Boolean.parseBoolean(standIn);
    }

    Vertx vertx() {
        return vertx;
    }

    boolean echoStandIn() {
        return echoStandIn;
    }

    /**
     * The endpoint takes the options every provider has; the parameters it does not know are its codec's,
     * bound onto the codec's own settings as Camel binds an endpoint's options (by setter, the name in any
     * case, placeholders and bean references resolved). Whatever neither takes is left in {@code parameters},
     * where Camel's check after this method fails the endpoint ("There are N parameters that couldn't be set
     * on the endpoint"), naming them.
     */
    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        ProviderEndpoint endpoint = new ProviderEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        ProviderCodec codec = endpoint.codec();
        CodecSettings settings = codec == null ? null : codec.settings();
        if (settings != null) {
            setProperties(settings, parameters);
        }
        return endpoint;
    }
}
