package caravan.routing;

import java.util.Arrays;
import java.util.Comparator;

import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;

/**
 * {@code customLoadBalancer: ref: leastLatency}: tries first the step whose model had the lowest p95
 * latency over its recent calls, then the others in latency order (a failure still moves on). A model
 * without samples yet goes first, so every candidate gets measured.
 */
public final class LeastLatencyLoadBalancer extends FallbackLoadBalancer {

    private final LatencyStats latencies;

    public LeastLatencyLoadBalancer(RetryPolicy policy, LatencyStats latencies) {
        super(policy);
        this.latencies = latencies;
    }

    @Override
    protected AsyncProcessor[] order(AsyncProcessor[] steps, Exchange exchange) {
        AsyncProcessor[] ordered = steps.clone();
        Arrays.sort(ordered, Comparator.comparingLong(this::p95));
        return ordered;
    }

    private long p95(AsyncProcessor step) {
        Target target = Steps.targetOf(step);
        return target == null ? Long.MAX_VALUE : latencies.p95(target);
    }
}
