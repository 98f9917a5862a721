package caravan.telemetry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import caravan.api.CacheOutcome;
import caravan.api.GuardrailOutcome;
import caravan.api.Usage;
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
 * other GenAI instrumentations read these too. Building a meter's name and tags costs more than updating
 * it, so each kind of call or attempt finds its meters in one map lookup. A tag missing its value is an
 * empty string, which Prometheus treats as absent; every label value passes {@link MetricLabels} first, so
 * the series stay bounded whatever names clients send.
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
    /** Rule checks take microseconds, an evaluator's call milliseconds to its timeout. */
    private static final Duration[] GUARDRAIL_BUCKETS = seconds(0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
            0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5);
    private static final double[] DIVERGENCE_BUCKETS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

    private static final String[] TOKEN_TYPES = {"input", "output", "cache_read", "cache_write", "reasoning"};

    private final MeterRegistry registry;
    private final MetricLabels labels;
    private final Map<CallKey, CallMeters> callMeters = new ConcurrentHashMap<>();
    private final Map<AttemptKey, AttemptMeters> attemptMeters = new ConcurrentHashMap<>();
    private final Map<GuardrailKey, Counter> guardrailChecks = new ConcurrentHashMap<>();
    private final Map<GuardrailKey, Timer> guardrailDurations = new ConcurrentHashMap<>();
    /** One counter per cache outcome and mode (at most 4 x 3), made on first use. */
    private final Map<String, Counter> cacheCounters = new ConcurrentHashMap<>();

    /** @param labels what each label may say: series are only ever made for values the gateway knows */
    public GatewayMetrics(MeterRegistry registry, MetricLabels labels) {
        this.registry = registry;
        this.labels = labels;
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
        String errorType = attempt.error() == null ? ""
                : labels.errorType(errorType(attempt.error().code(), attempt.error().status()));
        String requestModel = labels.model(attempt.provider(), attempt.requestModel());
        AttemptMeters meters = attemptMeters.computeIfAbsent(new AttemptKey(genAiProviderName(attempt.genAiProvider()),
                requestModel, labels.responseModel(attempt.provider(), requestModel, attempt.responseModel()), errorType),
                this::attemptMeters);
        meters.duration().record(attempt.durationNanos(), TimeUnit.NANOSECONDS);
        if (attempt.ttfcNanos() >= 0) {
            meters.timeToFirstChunk().get().record(attempt.ttfcNanos(), TimeUnit.NANOSECONDS);
        }
        Usage usage = attempt.usage();
        // a failed attempt that used tokens used them
        if (usage != null) {
            meters.inputTokens().record(usage.inputTokens());
            meters.outputTokens().record(usage.outputTokens());
        }
        if (attempt.unpriced()) {
            Counter.builder(METRIC_UNPRICED)
                    .description("Provider calls that used tokens of a model no price list prices: their cost is unknown")
                    .tags(TAG_PROVIDER, labels.provider(attempt.provider()),
                            TAG_MODEL, labels.model(attempt.provider(), attempt.requestModel()))
                    .register(registry).increment();
        }
    }

    private AttemptMeters attemptMeters(AttemptKey key) {
        Tags request = Tags.of(GEN_AI_OPERATION_NAME, OPERATION_CHAT,
                GEN_AI_PROVIDER_NAME, key.genAiProvider(),
                GEN_AI_REQUEST_MODEL, key.requestModel());
        Tags response = request.and(GEN_AI_RESPONSE_MODEL, key.responseModel());
        Timer duration = Timer.builder(METRIC_OPERATION_DURATION)
                .description("GenAI operation duration: one provider call, retries and fallbacks counted apart")
                .tags(response).tag(ERROR_TYPE, key.errorType())
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry);
        return new AttemptMeters(duration, new LazyTimer(() -> Timer.builder(METRIC_TIME_TO_FIRST_CHUNK)
                .description("Time from the start of a streamed provider call to its first chunk")
                .tags(request)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)),
                tokenUsage(response.and(GEN_AI_TOKEN_TYPE, "input")), tokenUsage(response.and(GEN_AI_TOKEN_TYPE, "output")));
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
        CallMeters meters = callMeters.computeIfAbsent(new CallKey(call.endpoint(), labels.route(call.route()),
                labels.provider(call.provider()), labels.model(call.provider(), call.model()), call.status(),
                labels.tenant(call.tenant())), this::callMeters);
        meters.requests().increment();
        meters.duration().record(call.durationNanos(), TimeUnit.NANOSECONDS);
        if (call.ttfcNanos() >= 0) {
            meters.timeToFirstToken().get().record(call.ttfcNanos(), TimeUnit.NANOSECONDS);
        }
        meters.overhead().record(call.overheadNanos(), TimeUnit.NANOSECONDS);
        Usage usage = call.usage();
        if (usage != null) {
            Counter[] tokens = meters.tokens();
            tokens[0].increment(usage.inputTokens());
            tokens[1].increment(usage.outputTokens());
            tokens[2].increment(usage.cacheReadTokens());
            tokens[3].increment(usage.cacheWriteTokens());
            tokens[4].increment(usage.reasoningTokens());
            if (call.costUsd() != null) {
                meters.cost().increment(call.costUsd().doubleValue());
            }
        }
        if (call.attempted().size() > 1) {
            countRetriesAndFallbacks(call);
        }
        CacheOutcome cache = call.cache();
        if (cache != null) {
            cacheCounters.computeIfAbsent(cache.outcome() + "/" + cache.mode(), key -> Counter.builder(METRIC_CACHE_REQUESTS)
                    .description("Model calls by what the response cache did: hit, semantic-hit, miss, bypass; by cache mode")
                    .tags(TAG_OUTCOME, cache.outcome(), TAG_MODE, cache.mode())
                    .register(registry)).increment();
        }
    }

    private CallMeters callMeters(CallKey key) {
        Tags target = Tags.of(TAG_ROUTE, key.route(), TAG_PROVIDER, key.provider(), TAG_MODEL, key.model());
        Tags owner = Tags.of(TAG_TENANT, key.tenant(), TAG_PROVIDER, key.provider(), TAG_MODEL, key.model());
        Counter requests = Counter.builder(METRIC_REQUESTS)
                .description("Model calls answered, by route, provider, model and HTTP status")
                .tags(target).tag(TAG_STATUS, Integer.toString(key.status()))
                .register(registry);
        Timer duration = Timer.builder(METRIC_REQUEST_DURATION)
                .description("Whole model calls as the client saw them, retries and fallbacks included")
                .tags(target)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry);
        Timer overhead = Timer.builder(METRIC_OVERHEAD)
                .description("Time a call spent in the gateway itself, upstream time excluded")
                .tag(TAG_ENDPOINT, key.endpoint())
                .serviceLevelObjectives(OVERHEAD_BUCKETS)
                .register(registry);
        Counter[] tokens = new Counter[TOKEN_TYPES.length];
        for (int i = 0; i < TOKEN_TYPES.length; i++) {
            tokens[i] = Counter.builder(METRIC_TOKENS)
                    .description("Tokens used, by tenant, provider, model and type (input includes cache reads and writes)")
                    .tags(owner).tag(TAG_TYPE, TOKEN_TYPES[i])
                    .register(registry);
        }
        Counter cost = Counter.builder(METRIC_COST)
                .description("List-price cost of the tokens used, in US dollars, by tenant, provider and model")
                .tags(owner)
                .register(registry);
        return new CallMeters(requests, duration, new LazyTimer(() -> Timer.builder(METRIC_TIME_TO_FIRST_TOKEN)
                .description("Time from a streamed call's arrival to its first chunk reaching the client")
                .tags(target)
                .serviceLevelObjectives(DURATION_BUCKETS)
                .register(registry)), overhead, tokens, cost);
    }

    private void countRetriesAndFallbacks(CallRecord call) {
        for (int i = 1; i < call.attempted().size(); i++) {
            String previous = call.attempted().get(i - 1);
            int slash = previous.indexOf('/');
            String provider = previous.substring(0, Math.max(0, slash));
            Tags from = Tags.of(TAG_PROVIDER, labels.provider(provider),
                    TAG_MODEL, labels.model(provider, previous.substring(slash + 1)));
            if (previous.equals(call.attempted().get(i))) {
                Counter.builder(METRIC_RETRIES)
                        .description("Retries of a failed provider call on the same model")
                        .tags(from).register(registry).increment();
            } else {
                Counter.builder(METRIC_FALLBACKS)
                        .description("Fallbacks: calls moved to the next target after the tagged target failed")
                        .tags(from).tag(TAG_ROUTE, labels.route(call.route()))
                        .register(registry).increment();
            }
        }
    }

    /** The meters one kind of call (endpoint, route, provider, model, status, tenant) updates, looked up once. */
    private record CallKey(String endpoint, String route, String provider, String model, int status, String tenant) {
    }

    private record CallMeters(Counter requests, Timer duration, LazyTimer timeToFirstToken, Timer overhead,
                              Counter[] tokens, Counter cost) {
    }

    private record AttemptKey(String genAiProvider, String requestModel, String responseModel, String errorType) {
    }

    private record AttemptMeters(Timer duration, LazyTimer timeToFirstChunk, DistributionSummary inputTokens,
                                 DistributionSummary outputTokens) {
    }

    /** A timer registered on its first use (streams only), so whole-answer-only models show no empty histogram. */
    private static final class LazyTimer {
        private final Supplier<Timer> register;
        private volatile Timer timer;

        LazyTimer(Supplier<Timer> register) {
            this.register = register;
        }

        Timer get() {
            Timer registered = timer;
            if (registered == null) {
                registered = register.get();
                timer = registered;
            }
            return registered;
        }
    }

    @Override
    public void onMirror(MirrorOutcome outcome) {
        String candidate = outcome.candidate();
        int slash = candidate.indexOf('/');
        // a mirror's candidate is written in a route, so it is known by construction
        String provider = candidate.substring(0, Math.max(0, slash));
        String model = candidate.substring(slash + 1);
        Tags tags = Tags.of(TAG_ROUTE, labels.route(outcome.route()), TAG_PROVIDER, provider, TAG_MODEL, model);
        Counter.builder(METRIC_MIRROR_REQUESTS)
                .description("Mirrored calls to candidate models, by outcome")
                .tags(tags).tag(TAG_OUTCOME, outcome.succeeded() ? "success" : "failure")
                .register(registry).increment();
        Usage usage = outcome.usage();
        if (usage != null) {
            // a mirror is paid for: its tokens and cost count with the tenant whose request it copied
            Tags owner = Tags.of(TAG_TENANT, labels.tenant(outcome.tenant()), TAG_PROVIDER, provider, TAG_MODEL, model);
            long[] counts = {usage.inputTokens(), usage.outputTokens(), usage.cacheReadTokens(), usage.cacheWriteTokens(),
                    usage.reasoningTokens()};
            for (int i = 0; i < TOKEN_TYPES.length; i++) {
                Counter.builder(METRIC_TOKENS).tags(owner).tag(TAG_TYPE, TOKEN_TYPES[i]).register(registry)
                        .increment(counts[i]);
            }
            if (outcome.costUsd() != null) {
                Counter.builder(METRIC_COST).tags(owner).register(registry).increment(outcome.costUsd());
            }
        }
        if (outcome.divergence() != null) {
            DistributionSummary.builder(METRIC_MIRROR_DIVERGENCE)
                    .description("How far a mirrored answer strayed from the primary's (0 same, 1 unrelated)")
                    .tags(tags)
                    .serviceLevelObjectives(DIVERGENCE_BUCKETS)
                    .register(registry).record(outcome.divergence());
        }
    }

    @Override
    public void onRejection(String reason, String tenant) {
        Counter.builder(METRIC_RATE_LIMITED)
                .description("Calls refused before any provider was called (rate limits, budgets), and calls let "
                        + "through or refused while the limit store was down, by tenant and reason")
                .tags(TAG_TENANT, labels.tenant(tenant), TAG_REASON, reason)
                .register(registry).increment();
    }

    @Override
    public void onCacheFallback(String operation) {
        Counter.builder(METRIC_CACHE_FALLBACKS)
                .description("Shared response cache (Redis) operations that failed and were served by the embedded cache")
                .tags(TAG_OPERATION, operation)
                .register(registry).increment();
    }

    /**
     * {@code caravan_guardrail_checks_total{guardrail,route,stage,outcome}} and
     * {@code caravan_guardrail_duration_seconds{guardrail,stage}}. Guardrail names come from the gateway's own
     * configuration (the built-ins' names), never from a client.
     */
    @Override
    public void onGuardrail(GuardrailOutcome outcome, String route) {
        String label = labels.route(route);
        guardrailChecks.computeIfAbsent(new GuardrailKey(outcome.guardrail(), label, outcome.stage(), outcome.outcome()),
                key -> Counter.builder(METRIC_GUARDRAIL_CHECKS)
                        .description("Guardrail checks, by guardrail, route, stage (pre, post) and outcome (passed, warned, "
                                + "redacted, blocked, failed, error)")
                        .tags(TAG_GUARDRAIL, key.guardrail(), TAG_ROUTE, key.route(), TAG_STAGE, key.stage(), TAG_OUTCOME,
                                key.outcome().wireName())
                        .register(registry)).increment();
        guardrailDurations.computeIfAbsent(new GuardrailKey(outcome.guardrail(), null, outcome.stage(), null),
                key -> Timer.builder(METRIC_GUARDRAIL_DURATION)
                        .description("How long guardrail checks took, by guardrail and stage")
                        .tags(TAG_GUARDRAIL, key.guardrail(), TAG_STAGE, key.stage())
                        .serviceLevelObjectives(GUARDRAIL_BUCKETS)
                        .register(registry)).record(outcome.nanos(), TimeUnit.NANOSECONDS);
    }

    /** {@code caravan_guardrail_skipped_total{guardrail,reason}}: both from the gateway's own code, never a client's. */
    @Override
    public void onGuardrailSkipped(String guardrail, String reason) {
        Counter.builder(METRIC_GUARDRAIL_SKIPPED)
                .description("Parts of guardrail checks left undone (the call judged without them), by guardrail and reason")
                .tags(TAG_GUARDRAIL, guardrail, TAG_REASON, reason)
                .register(registry).increment();
    }

    private record GuardrailKey(String guardrail, String route, String stage, GuardrailOutcome.Outcome outcome) {
    }

    static String errorType(String code, int status) {
        return code != null && !code.isEmpty() ? code : Integer.toString(status);
    }

    private static Duration[] seconds(double... values) {
        Duration[] durations = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return durations;
    }
}
