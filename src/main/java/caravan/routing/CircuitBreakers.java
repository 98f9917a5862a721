package caravan.routing;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Resilience4j circuit breaker per provider, shared by every route that calls it. It opens on the
 * failure rate or the slow-call rate over a sliding window of calls, lets a few probes through when
 * half-open, and closes again when they succeed. Used without blocking: permission is asked before an
 * attempt and the outcome reported after it (Camel's circuitBreaker EIP runs its steps synchronously,
 * which would block an event loop on an upstream that needs that loop to answer). Each change of state is
 * logged once, where operators look for it beside {@code /v1/caravan/routing}: opening as a warning, the
 * rest as information.
 */
public final class CircuitBreakers {

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreakers.class);

    private final CircuitBreakerRegistry registry;

    public CircuitBreakers(CircuitBreakerConfig config) {
        this.registry = CircuitBreakerRegistry.of(config);
        registry.getEventPublisher().onEntryAdded(added -> {
            CircuitBreaker breaker = added.getAddedEntry();
            breaker.getEventPublisher().onStateTransition(event -> logTransition(breaker, event));
        });
    }

    private static void logTransition(CircuitBreaker breaker, CircuitBreakerOnStateTransitionEvent event) {
        CircuitBreaker.Metrics metrics = breaker.getMetrics();
        String line = "Circuit breaker of provider {}: {} -> {} (failure rate {}, slow-call rate {}, over the last {} calls)";
        Object[] values = {event.getCircuitBreakerName(), lower(event.getStateTransition().getFromState()),
                lower(event.getStateTransition().getToState()), rate(metrics.getFailureRate()),
                rate(metrics.getSlowCallRate()), metrics.getNumberOfBufferedCalls()};
        if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
            LOG.warn(line, values);
        } else {
            LOG.info(line, values);
        }
    }

    private static String lower(CircuitBreaker.State state) {
        return state.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Resilience4j says -1 until the window holds its minimum of calls. */
    private static String rate(float percent) {
        return percent < 0 ? "not yet measured" : String.format(java.util.Locale.ROOT, "%.0f%%", percent);
    }

    /** The gateway's defaults: open at 50% failures or 80% slow calls over the last 20 calls (at least 10). */
    public static CircuitBreakerConfig config(float failureRate, float slowCallRate, Duration slowCall,
                                              int windowCalls, int minimumCalls, Duration openFor, int halfOpenProbes) {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(failureRate)
                .slowCallRateThreshold(slowCallRate)
                .slowCallDurationThreshold(slowCall)
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(windowCalls)
                .minimumNumberOfCalls(minimumCalls)
                .waitDurationInOpenState(openFor)
                .permittedNumberOfCallsInHalfOpenState(halfOpenProbes)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
    }

    public CircuitBreaker of(String provider) {
        return registry.circuitBreaker(provider);
    }

    /** Every provider's breaker state, for the admin API and metrics. */
    public Map<String, CircuitBreaker.State> states() {
        Map<String, CircuitBreaker.State> states = new TreeMap<>();
        registry.getAllCircuitBreakers().forEach(breaker -> states.put(breaker.getName(), breaker.getState()));
        return states;
    }

    /** The breakers' registry, for metrics that watch each breaker's state. */
    public CircuitBreakerRegistry registry() {
        return registry;
    }
}
