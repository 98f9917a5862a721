package caravan.routing;

import java.util.Map;

import caravan.api.ContextServices;
import caravan.telemetry.CallRecorder;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code mirror:<provider>/<model>}, the target of a route's {@code wireTap}: sends a copy of the request
 * to a candidate model, never to the client, and records how the candidate did next to the primary
 * ({@link MirrorLedger}, through the call recorder). A route samples its share with a {@code filter}
 * around the tap. Discovered by Camel like any component; its services are found in the registry.
 */
@org.apache.camel.spi.annotations.Component("mirror")
public final class MirrorComponent extends DefaultComponent {

    @Metadata(description = "A mirrored call's deadline in milliseconds (routing.mirror.timeout-ms)",
              defaultValue = "60000")
    private long timeoutMillis = 60_000;
    private ModelComponent models;
    private CallRecorder recorder;

    public MirrorComponent() {
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        CamelContext context = getCamelContext();
        models = context.getComponent("model", ModelComponent.class);
        recorder = ContextServices.require(context, CallRecorder.class, "The mirror: component");
        timeoutMillis = ContextServices.number(context, "routing.mirror.timeout-ms", timeoutMillis);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MirrorEndpoint endpoint = new MirrorEndpoint(uri, this, remaining, models.target(remaining));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    MirrorProducer producer(MirrorEndpoint endpoint) {
        return new MirrorProducer(endpoint, endpoint.candidate(), models, recorder, timeoutMillis);
    }
}
