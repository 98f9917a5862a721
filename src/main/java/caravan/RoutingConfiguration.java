package caravan;

import java.time.Duration;

import caravan.catalog.Prices;
import caravan.api.RequestIds;
import caravan.processors.CheckJsonAnswer;
import caravan.processors.RecordFeedback;
import caravan.processors.RoutingStatus;
import caravan.routing.CircuitBreakers;
import caravan.routing.CostOptimizedLoadBalancer;
import caravan.routing.FallbackLoadBalancer;
import caravan.routing.LatencyStats;
import caravan.routing.LeastLatencyLoadBalancer;
import caravan.routing.MirrorLedger;
import caravan.routing.QualityScores;
import caravan.routing.RecentCalls;
import caravan.routing.RetryPolicy;
import caravan.telemetry.GatewayMetrics;
import caravan.telemetry.CallRecorder;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Binds what routing policies (routes/policies) are written with: the retry matrix, the providers'
 * circuit breakers, latencies, quality scores and recent calls that the {@code model:} and
 * {@code mirror:} components share (those components, and the {@code match} language, Camel discovers
 * itself), the load balancers {@code fallback}, {@code leastLatency} and {@code cheapest}, and the
 * processors behind feedback, routing status and post-checks. Named in {@code application.properties}
 * ({@code camel.main.configuration-classes}).
 */
public final class RoutingConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        PropertiesComponent properties = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        Prices prices = registry.lookupByNameAndType("prices", Prices.class);

        RetryPolicy policy = new RetryPolicy(number(properties, "routing.backoff-base-ms", 200),
                number(properties, "routing.backoff-max-ms", 5000));
        CircuitBreakers breakers = new CircuitBreakers(CircuitBreakers.config(
                number(properties, "routing.breaker.failure-rate", 50),
                number(properties, "routing.breaker.slow-call-rate", 80),
                Duration.ofMillis(number(properties, "routing.breaker.slow-call-ms", 60000)),
                (int) number(properties, "routing.breaker.window", 20),
                (int) number(properties, "routing.breaker.minimum-calls", 10),
                Duration.ofMillis(number(properties, "routing.breaker.open-ms", 30000)),
                (int) number(properties, "routing.breaker.half-open-probes", 3)));
        LatencyStats latencies = new LatencyStats((int) number(properties, "routing.latency-window", 100));
        QualityScores scores = new QualityScores(decimal(properties, "routing.quality.prior", 1.0),
                decimal(properties, "routing.quality.weight", 0.2));
        RecentCalls recentCalls = new RecentCalls(
                registry.lookupByNameAndType("requestIds", RequestIds.class), 100_000, Duration.ofHours(1));
        CallRecorder recorder = registry.lookupByNameAndType("callRecorder", CallRecorder.class);
        GatewayMetrics metrics = registry.lookupByNameAndType("gatewayMetrics", GatewayMetrics.class);
        if (metrics != null) {
            metrics.watchBreakers(breakers.registry());
        }
        MirrorLedger mirrors = new MirrorLedger(1000);
        recorder.subscribe(mirrors);
        registry.bind("retryPolicy", policy);
        registry.bind("circuitBreakers", breakers);
        registry.bind("latencyStats", latencies);
        registry.bind("qualityScores", scores);
        registry.bind("recentCalls", recentCalls);
        registry.bind("mirrorLedger", mirrors);
        // prototypes: a load balancer holds the steps of the loadBalance block that uses it, so each block
        // needs its own instance (one shared bean would collect the steps of every route)
        double minQuality = decimal(properties, "routing.cost.min-quality", 0.7);
        registry.bindAsPrototype("fallback", FallbackLoadBalancer.class, () -> new FallbackLoadBalancer(policy));
        registry.bindAsPrototype("leastLatency", LeastLatencyLoadBalancer.class,
                () -> new LeastLatencyLoadBalancer(policy, latencies));
        registry.bindAsPrototype("cheapest", CostOptimizedLoadBalancer.class,
                () -> new CostOptimizedLoadBalancer(policy, prices, scores, minQuality));
        registry.bind("recordFeedback", new RecordFeedback(recentCalls, scores));
        registry.bind("routingStatus", new RoutingStatus(breakers, scores, mirrors));
        registry.bind("checkJsonAnswer", new CheckJsonAnswer(scores, recorder));
    }

    private static long number(PropertiesComponent properties, String name, long fallback) {
        return properties.resolveProperty(name).map(Long::parseLong).orElse(fallback);
    }

    private static double decimal(PropertiesComponent properties, String name, double fallback) {
        return properties.resolveProperty(name).map(Double::parseDouble).orElse(fallback);
    }
}
