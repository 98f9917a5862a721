package caravan.telemetry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import caravan.api.Usage;
import caravan.routing.MirrorOutcome;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import static caravan.telemetry.TelemetryNames.*;

/**
 * The gateway's Prometheus metrics, fed by {@link CallListener} events: the GenAI client histograms per
 * provider attempt, and per call the requests, latencies, tokens and cost by route, provider, model and
 * tenant. Histogram buckets are the GenAI conventions' advisory boundaries, so dashboards written for
 * other GenAI instrumentations read these too. Meters are looked up per event (Micrometer caches them by
 * name and tags); a tag missing its value is written as an empty string, which Prometheus treats as absent.
 */
public final class GatewayMetrics implements CallListener {

    /** The GenAI conventions' boundaries for gen_ai.client.token.usage. */
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
            4194304, 16777216, 67108864};
    /** The GenAI conventions' boundaries (seconds) for operation duration and time to first chunk. */
    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56,
            5.12, 10.24, 20.48, 40.96, 81.92);
    /** Gateway overhead is sub-millisecond when healthy: finer buckets. */
    private static final Duration[] OVERHEAD_BUCKETS = seconds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
            0.025, 0.05, 0.1, 0.25);
    private static final double[] DIVERGENCE_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One gauge per provider and breaker state, 1 for the state the breaker is in. */
    public void watchBreakers(CircuitBreakerRegistry breakers) {
        breakers.getAllCircuitBreakers().forEach(this::watchBreaker);
        breakers.getEventPublisher().onEntryAdded(added -> watchBreaker(added.getAddedEntry()));
    }

    private void watchBreaker(CircuitBreaker breaker) {
        for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
            Gauge.builder(METRIC_BREAKER_STATE, breaker, b -> b.getState() == state ? 1 : 0)
                    .description("Circuit breaker state per provider: 1 for the current state, 0 for the others")
                    .tags(TAG_PROVIDER, breaker.getName(), TAG_STATE, state.name().toLowerCase())
                    .register(registry);
        }
    }

    @Override
    public void onAttempt(AttemptRecord attempt) {
        Tags tags = Tags.of(GEN_AI_OPERATION_NAME, OPERATION_CHAT,
                GEN_AI_PROVIDER_NAME, genAiProviderName(attempt.provider()),
                GEN_AI_REQUEST_MODEL, value(attempt.requestModel()));
        Timer.builder(METRIC_OPERATION_DURATION)
                .description("GenAI operation duration: one provider call, retries and fallbacks counted apart")
                .tags(tags).tags(GEN_AI_RESPONSE_MODEL, value(attempt.responseModel()),
                        ERROR_TYPE, attempt.error() == null ? "" : errorType(attempt.error().code(), attempt.error().status()))
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)
                .record(attempt.durationNanos(), TimeUnit.NANOSECONDS);
        if (attempt.ttfcNanos() >= 0) {
            Timer.builder(METRIC_TIME_TO_FIRST_CHUNK)
                    .description("Time from the start of a streamed provider call to its first chunk")
                    .tags(tags)
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry)
                    .record(attempt.ttfcNanos(), TimeUnit.NANOSECONDS);
        }
        Usage usage = attempt.usage();
        if (usage != null && attempt.error() == null) {
            Tags usageTags = tags.and(GEN_AI_RESPONSE_MODEL, value(attempt.responseModel()));
            tokenUsage(usageTags.and(GEN_AI_TOKEN_TYPE, "input")).record(usage.inputTokens());
            tokenUsage(usageTags.and(GEN_AI_TOKEN_TYPE, "output")).record(usage.outputTokens());
        }
    }

    private DistributionSummary tokenUsage(Tags tags) {
        return DistributionSummary.builder(METRIC_TOKEN_USAGE)
                .description("Tokens used per GenAI operation, by token type")
                .tags(tags)
                .serviceLevelObjectives(TOKEN_BUCKETS)
                .register(registry);
    }

    @Override
    public void onCall(CallRecord call) {
        Tags target = Tags.of(TAG_ROUTE, value(call.route()), TAG_PROVIDER, value(call.provider()),
                TAG_MODEL, value(call.model()));
        Counter.builder(METRIC_REQUESTS)
                .description("Model calls answered, by route, provider, model and HTTP status")
                .tags(target).tag(TAG_STATUS, Integer.toString(call.status()))
                .register(registry).increment();
        Timer.builder(METRIC_REQUEST_DURATION)
                .description("Whole model calls as the client saw them, retries and fallbacks included")
                .tags(target)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)
                .record(call.durationNanos(), TimeUnit.NANOSECONDS);
        if (call.ttfcNanos() >= 0) {
            Timer.builder(METRIC_TIME_TO_FIRST_TOKEN)
                    .description("Time from a streamed call's arrival to its first chunk reaching the client")
                    .tags(target)
                    .serviceLevelObjectives(DURATION_BUCKETS)
                    .register(registry)
                    .record(call.ttfcNanos(), TimeUnit.NANOSECONDS);
        }
        Timer.builder(METRIC_OVERHEAD)
                .description("Time a call spent in the gateway itself, upstream time excluded")
                .tag(TAG_ENDPOINT, call.endpoint())
                .serviceLevelObjectives(OVERHEAD_BUCKETS)
                .register(registry)
                .record(call.overheadNanos(), TimeUnit.NANOSECONDS);
        countTokensAndCost(call);
        countRetriesAndFallbacks(call);
    }

    private void countTokensAndCost(CallRecord call) {
        Usage usage = call.usage();
        if (usage == null) {
            return;
        }
        Tags owner = Tags.of(TAG_TENANT, value(call.tenant()), TAG_PROVIDER, value(call.provider()),
                TAG_MODEL, value(call.model()));
        tokens(owner, "input", usage.inputTokens());
        tokens(owner, "output", usage.outputTokens());
        tokens(owner, "cache_read", usage.cacheReadTokens());
        tokens(owner, "cache_write", usage.cacheWriteTokens());
        tokens(owner, "reasoning", usage.reasoningTokens());
        Counter.builder(METRIC_COST)
                .description("List-price cost of the tokens used, in US dollars, by tenant, provider and model")
                .tags(owner)
                .register(registry).increment(call.costUsd());
    }

    private void tokens(Tags owner, String type, long count) {
        Counter.builder(METRIC_TOKENS)
                .description("Tokens used, by tenant, provider, model and type (input includes cache reads and writes)")
                .tags(owner).tag(TAG_TYPE, type)
                .register(registry).increment(count);
    }

    private void countRetriesAndFallbacks(CallRecord call) {
        for (int i = 1; i < call.attempted().size(); i++) {
            String previous = call.attempted().get(i - 1);
            int slash = previous.indexOf('/');
            Tags from = Tags.of(TAG_PROVIDER, previous.substring(0, Math.max(0, slash)),
                    TAG_MODEL, previous.substring(slash + 1));
            if (previous.equals(call.attempted().get(i))) {
                Counter.builder(METRIC_RETRIES)
                        .description("Retries of a failed provider call on the same model")
                        .tags(from).register(registry).increment();
            } else {
                Counter.builder(METRIC_FALLBACKS)
                        .description("Fallbacks: calls moved to the next target after the tagged target failed")
                        .tags(from).tag(TAG_ROUTE, value(call.route()))
                        .register(registry).increment();
            }
        }
    }

    @Override
    public void onMirror(MirrorOutcome outcome) {
        String candidate = outcome.candidate();
        int slash = candidate.indexOf('/');
        Tags tags = Tags.of(TAG_ROUTE, value(outcome.route()), TAG_PROVIDER, candidate.substring(0, Math.max(0, slash)),
                TAG_MODEL, candidate.substring(slash + 1));
        Counter.builder(METRIC_MIRROR_REQUESTS)
                .description("Mirrored calls to candidate models, by outcome")
                .tags(tags).tag(TAG_OUTCOME, outcome.succeeded() ? "success" : "failure")
                .register(registry).increment();
        if (outcome.divergence() != null) {
            DistributionSummary.builder(METRIC_MIRROR_DIVERGENCE)
                    .description("How far a mirrored answer strayed from the primary's (0 same, 1 unrelated)")
                    .tags(tags)
                    .serviceLevelObjectives(DIVERGENCE_BUCKETS)
                    .register(registry).record(outcome.divergence());
        }
    }

    @Override
    public void onGuardrail(String guardrail, String route, boolean passed) {
        Counter.builder(METRIC_GUARDRAIL_CHECKS)
                .description("Guardrail and post-check verdicts, by guardrail, route and outcome")
                .tags(TAG_GUARDRAIL, guardrail, TAG_ROUTE, value(route), TAG_OUTCOME, passed ? "pass" : "fail")
                .register(registry).increment();
    }

    static String errorType(String code, int status) {
        return code != null && !code.isEmpty() ? code : Integer.toString(status);
    }

    private static String value(String tag) {
        return tag == null ? "" : tag;
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return durations;
    }
}
