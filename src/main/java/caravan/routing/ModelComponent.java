package caravan.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import caravan.api.ContextServices;
import caravan.catalog.ModelCatalog;
import caravan.catalog.Prices;
import caravan.catalog.ProviderRoutes;
import caravan.telemetry.CallRecorder;
import caravan.telemetry.MetricLabels;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.service.ServiceHelper;

/**
 * {@code model:<provider>/<model>} (or a bare catalog name): calls one model through its provider's
 * route, with the retry matrix of {@link RetryPolicy}, the provider's circuit breaker, rate-limit
 * cooldowns and the request's deadline. Policy routes are written with it:
 * {@code to: model:anthropic/claude-sonnet-4-5}. Discovered by Camel like any component
 * ({@code META-INF/services/org/apache/camel/component/model}); the services it shares with the rest of
 * the gateway are found in the registry when it starts.
 */
@org.apache.camel.spi.annotations.Component("model")
public final class ModelComponent extends DefaultComponent {

    static final int MAX_CACHED_TARGETS = 4096;

    private final Cooldowns cooldowns = new Cooldowns();
    private final Map<String, AsyncProducer> providerRoutes = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Target>> targets = new ConcurrentHashMap<>();
    private Vertx vertx;
    private ModelCatalog catalog;
    private Prices prices = Prices.NONE;
    private RetryPolicy policy;
    private CircuitBreakers breakers;
    private LatencyStats latencies;
    private RecentCalls recentCalls;
    private CallRecorder recorder;
    /** A model a route names gets a metric label of its own. */
    private MetricLabels labels;
    @Metadata(description = "Retries of a retryable failure on the same model, unless an endpoint says otherwise "
            + "(routing.retries)", defaultValue = "0")
    private int retries;
    @Metadata(description = "Attempts one request may make in all, retries and fallbacks included "
            + "(routing.max-attempts)", defaultValue = "10")
    private int maxAttempts = 10;

    public ModelComponent() {
    }

    /** For tests of single parts: a component that resolves names against a catalog and nothing else. */
    ModelComponent(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        CamelContext context = getCamelContext();
        String who = "The model: component";
        vertx = ContextServices.require(context, Vertx.class, who);
        catalog = ContextServices.require(context, ModelCatalog.class, who);
        prices = ContextServices.require(context, Prices.class, who);
        policy = ContextServices.require(context, RetryPolicy.class, who);
        breakers = ContextServices.require(context, CircuitBreakers.class, who);
        latencies = ContextServices.require(context, LatencyStats.class, who);
        recentCalls = ContextServices.require(context, RecentCalls.class, who);
        recorder = ContextServices.require(context, CallRecorder.class, who);
        labels = ContextServices.require(context, MetricLabels.class, who);
        retries = (int) ContextServices.number(context, "routing.retries", retries);
        maxAttempts = Math.max(1, (int) ContextServices.number(context, "routing.max-attempts", maxAttempts));
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Target target = ModelEndpoint.REQUESTED.equals(remaining) ? null : target(remaining);
        if (target != null && labels != null) {
            labels.routed(target.provider(), target.model());
        }
        ModelEndpoint endpoint = new ModelEndpoint(uri, this, remaining, target);
        endpoint.setRetries(retries);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** {@code provider/model}, or a bare name the catalog maps to a provider. */
    Target target(String name) {
        if (name.indexOf('/') > 0) {
            Target parsed = Target.parse(name);
            return target(parsed.provider(), parsed.model());
        }
        String provider = catalog.providerOfBareName(name);
        if (provider == null) {
            throw new IllegalArgumentException("'" + name + "' is neither provider/model nor a model the catalog knows");
        }
        return target(provider, name);
    }

    /**
     * The one Target of a provider and model. Recent calls keep the target of each of the last 100 000
     * requests: a new Target per request would keep as many (with their strings) alive long enough to be
     * promoted, and lengthen every collection. Bounded, since clients choose the names.
     */
    Target target(String provider, String model) {
        Map<String, Target> models = targets.get(provider);
        if (models == null) {
            if (targets.size() >= MAX_CACHED_TARGETS) {
                return new Target(provider, model);
            }
            models = targets.computeIfAbsent(provider, p -> new ConcurrentHashMap<>());
        }
        Target known = models.get(model);
        if (known != null) {
            return known;
        }
        Target target = new Target(provider, model);
        if (models.size() < MAX_CACHED_TARGETS) {
            Target raced = models.putIfAbsent(model, target);
            return raced != null ? raced : target;
        }
        return target;
    }

    CallRecorder recorder() {
        return recorder;
    }

    /** The provider's route, or null when no route serves that provider (any more). */
    AsyncProducer providerRoute(String provider) throws Exception {
        if (!ProviderRoutes.exists(getCamelContext(), provider)) {
            return null;
        }
        AsyncProducer producer = providerRoutes.get(provider);
        if (producer == null) {
            producer = getCamelContext().getEndpoint("direct:" + ProviderRoutes.ID_PREFIX + provider).createAsyncProducer();
            ServiceHelper.startService(producer);
            AsyncProducer raced = providerRoutes.putIfAbsent(provider, producer);
            if (raced != null) {
                ServiceHelper.stopService(producer);
                producer = raced;
            }
        }
        return producer;
    }

    @Override
    protected void doStop() throws Exception {
        providerRoutes.values().forEach(ServiceHelper::stopService);
        providerRoutes.clear();
        super.doStop();
    }

    Vertx vertx() {
        return vertx;
    }

    /** Attempts one request may make in all, retries and fallbacks included (routing.max-attempts). */
    int maxAttempts() {
        return maxAttempts;
    }

    ModelCatalog catalog() {
        return catalog;
    }

    /** What each attempt's usage costs. */
    Prices prices() {
        return prices;
    }

    RetryPolicy policy() {
        return policy;
    }

    CircuitBreakers breakers() {
        return breakers;
    }

    public Cooldowns cooldowns() {
        return cooldowns;
    }

    LatencyStats latencies() {
        return latencies;
    }

    RecentCalls recentCalls() {
        return recentCalls;
    }
}
