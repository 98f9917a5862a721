package caravan.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import caravan.catalog.ModelCatalog;
import caravan.catalog.ProviderRoutes;
import io.vertx.core.Vertx;
import caravan.telemetry.MetricLabels;
import caravan.telemetry.CallRecorder;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.service.ServiceHelper;

/**
 * {@code model:<provider>/<model>} (or a bare catalog name): calls one model through its provider's
 * route, with the retry matrix of {@link RetryPolicy}, the provider's circuit breaker, rate-limit
 * cooldowns and the request's deadline. Policy routes are written with it:
 * {@code to: model:anthropic/claude-sonnet-4-5}.
 */
public final class ModelComponent extends DefaultComponent {

    private final Vertx vertx;
    private final ModelCatalog catalog;
    private final RetryPolicy policy;
    private final CircuitBreakers breakers;
    private final Cooldowns cooldowns = new Cooldowns();
    private final LatencyStats latencies;
    private final RecentCalls recentCalls;
    private final int defaultRetries;
    private final int maxAttempts;
    /** A model a route names gets a metric label of its own. */
    private final MetricLabels labels;
    private final Map<String, AsyncProducer> providerRoutes = new ConcurrentHashMap<>();
    static final int MAX_CACHED_TARGETS = 4096;
    private final Map<String, Map<String, Target>> targets = new ConcurrentHashMap<>();
    private final CallRecorder recorder;

    public ModelComponent(Vertx vertx, ModelCatalog catalog, RetryPolicy policy, CircuitBreakers breakers,
                          LatencyStats latencies, RecentCalls recentCalls, int defaultRetries, int maxAttempts,
                          CallRecorder recorder, MetricLabels labels) {
        this.labels = labels;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.recorder = recorder;
        this.recentCalls = recentCalls;
        this.vertx = vertx;
        this.catalog = catalog;
        this.policy = policy;
        this.breakers = breakers;
        this.latencies = latencies;
        this.defaultRetries = defaultRetries;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Target target = ModelEndpoint.REQUESTED.equals(remaining) ? null : target(remaining);
        if (target != null) {
            labels.routed(target.provider(), target.model());
        }
        ModelEndpoint endpoint = new ModelEndpoint(uri, this, target);
        endpoint.setRetries(defaultRetries);
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

    /** The provider's route, or null when no route serves that provider (any more). */
    CallRecorder recorder() {
        return recorder;
    }

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
