package caravan.routing;

import java.util.Map;

import caravan.catalog.ModelCatalog;
import caravan.telemetry.CallRecorder;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code mirror:<provider>/<model>}, the target of a route's {@code wireTap}: sends a copy of the request
 * to a candidate model, never to the client, and records how the candidate did next to the primary
 * ({@link MirrorLedger}). A route samples its share with a {@code filter} around the tap.
 */
public final class MirrorComponent extends DefaultComponent {

    private final ModelComponent models;
    private final ModelCatalog catalog;
    private final CallRecorder recorder;
    private final long timeoutMillis;

    public MirrorComponent(ModelComponent models, ModelCatalog catalog, CallRecorder recorder, long timeoutMillis) {
        this.models = models;
        this.catalog = catalog;
        this.recorder = recorder;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        Target candidate = models.target(remaining);
        return new DefaultEndpoint(uri, this) {
            @Override
            public Producer createProducer() {
                return new MirrorProducer(this, candidate, models, catalog, recorder, timeoutMillis);
            }

            @Override
            public Consumer createConsumer(Processor processor) {
                throw new UnsupportedOperationException("mirror: endpoints are called, they do not consume");
            }
        };
    }
}
