package caravan.telemetry;

import java.util.List;

/**
 * Every name the gateway's telemetry uses, in one place: span names and attributes (OpenTelemetry GenAI
 * semantic conventions, OpenInference's {@code llm.*}, and the gateway's own {@code caravan.*}) and metric
 * names and tags (Micrometer names; Prometheus renders {@code a.b} as {@code a_b} plus unit suffixes).
 * Names for features still to come (cache, guardrails, keys and budgets) are defined here so that those
 * features and the dashboards agree on them; a meter is only registered once something feeds it.
 */
public final class TelemetryNames {

    private TelemetryNames() {
    }

    // --- GenAI semantic conventions (span attributes) ------------------------------------------------
    public static final String GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
    public static final String GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
    /** Deprecated in the conventions in favour of gen_ai.provider.name; still queried by older dashboards. */
    public static final String GEN_AI_SYSTEM = "gen_ai.system";
    public static final String GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
    public static final String GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature";
    public static final String GEN_AI_REQUEST_TOP_P = "gen_ai.request.top_p";
    public static final String GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
    public static final String GEN_AI_RESPONSE_MODEL = "gen_ai.response.model";
    public static final String GEN_AI_RESPONSE_ID = "gen_ai.response.id";
    public static final String GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
    /** Includes cache reads and writes, as the convention says. */
    public static final String GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
    public static final String GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    public static final String GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
    public static final String GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = "gen_ai.usage.cache_creation.input_tokens";
    public static final String GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.usage.reasoning.output_tokens";
    /** Captured only when content capture is enabled, and then redacted. */
    public static final String GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages";
    public static final String GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages";
    public static final String GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
    public static final String ERROR_TYPE = "error.type";
    public static final String SERVER_ADDRESS = "server.address";
    public static final String HTTP_REQUEST_METHOD = "http.request.method";
    public static final String HTTP_ROUTE = "http.route";
    public static final String HTTP_RESPONSE_STATUS_CODE = "http.response.status_code";

    public static final String OPERATION_CHAT = "chat";
    /** The GenAI operations a provider span can be named after ({@code "{operation} {model}"}). */
    public static final List<String> OPERATIONS = List.of("chat", "embeddings", "text_completion", "generate_content");

    // --- OpenInference (Arize Phoenix and the tools built on it) ---------------------------------------
    public static final String LLM_TOKEN_COUNT_PROMPT = "llm.token_count.prompt";
    public static final String LLM_TOKEN_COUNT_COMPLETION = "llm.token_count.completion";
    public static final String COST_USD = "cost_usd";

    // --- the gateway's own span attributes -------------------------------------------------------------
    public static final String CARAVAN_ROUTE = "caravan.route";
    public static final String CARAVAN_TARGET = "caravan.target";
    public static final String CARAVAN_ATTEMPT = "caravan.attempt";
    public static final String CARAVAN_ATTEMPTS = "caravan.attempts";
    public static final String CARAVAN_TENANT = "caravan.tenant";
    /** The id of the virtual key the caller presented (never the key itself). */
    public static final String CARAVAN_KEY_ID = "caravan.key_id";
    public static final String CARAVAN_REQUEST_ID = "caravan.request_id";
    public static final String CARAVAN_OVERHEAD_MS = "caravan.overhead_ms";
    public static final String CARAVAN_STREAM = "caravan.stream";
    public static final String CARAVAN_PROVIDER = "caravan.provider";
    public static final String CARAVAN_MODEL = "caravan.model";
    /** hit, semantic-hit, miss, bypass: on the cache lookup span and the request span. */
    public static final String CARAVAN_CACHE_OUTCOME = "caravan.cache.outcome";
    /** The cache mode that applied: off, exact, semantic. */
    public static final String CARAVAN_CACHE_KIND = "caravan.cache.kind";
    /** A semantic hit's cosine similarity (0 to 1). */
    public static final String CARAVAN_CACHE_SIMILARITY = "caravan.cache.similarity";
    /** What the cache saved a hit: the list-price cost of the replayed answer's usage. */
    public static final String CARAVAN_CACHE_COST_SAVED_USD = "caravan.cache.cost_saved_usd";
    /**
     * passed, warned, redacted, blocked, failed, error: one per guardrail span, with its stage (pre, post), its
     * score where it scores, and whether it ran beside the call (async); the request span carries the
     * {@code x-caravan-guardrails} summary.
     */
    public static final String CARAVAN_GUARDRAIL_NAME = "caravan.guardrail.name";
    public static final String CARAVAN_GUARDRAIL_OUTCOME = "caravan.guardrail.outcome";
    public static final String CARAVAN_GUARDRAIL_STAGE = "caravan.guardrail.stage";
    public static final String CARAVAN_GUARDRAIL_SCORE = "caravan.guardrail.score";
    public static final String CARAVAN_GUARDRAIL_ASYNC = "caravan.guardrail.async";
    public static final String CARAVAN_GUARDRAIL_OUTCOMES = "caravan.guardrail.outcomes";
    /** Span names of the steps to come: {@code guardrail {name}} and {@code cache lookup}. */
    public static final String SPAN_GUARDRAIL_PREFIX = "guardrail ";
    public static final String SPAN_CACHE_LOOKUP = "cache lookup";

    // --- metrics (Micrometer names) -------------------------------------------------------------------
    public static final String METRIC_TOKEN_USAGE = "gen_ai.client.token.usage";
    public static final String METRIC_OPERATION_DURATION = "gen_ai.client.operation.duration";
    public static final String METRIC_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
    public static final String METRIC_REQUESTS = "caravan.requests";
    public static final String METRIC_REQUEST_DURATION = "caravan.request.duration";
    public static final String METRIC_TIME_TO_FIRST_TOKEN = "caravan.time_to_first_token";
    public static final String METRIC_OVERHEAD = "caravan.gateway.overhead";
    public static final String METRIC_TOKENS = "caravan.tokens";
    public static final String METRIC_COST = "caravan.cost.usd";
    /** Provider calls whose tokens no price list prices (their cost is unknown, not 0), by provider and model. */
    public static final String METRIC_UNPRICED = "caravan.unpriced.calls";
    public static final String METRIC_RETRIES = "caravan.retries";
    public static final String METRIC_FALLBACKS = "caravan.fallbacks";
    public static final String METRIC_BREAKER_STATE = "caravan.circuit_breaker.state";
    public static final String METRIC_MIRROR_REQUESTS = "caravan.mirror.requests";
    public static final String METRIC_MIRROR_DIVERGENCE = "caravan.mirror.divergence";
    public static final String METRIC_GUARDRAIL_CHECKS = "caravan.guardrail.checks";
    /** How long each guardrail check took (tags guardrail, stage). */
    public static final String METRIC_GUARDRAIL_DURATION = "caravan.guardrail.duration";
    /** Part of a guardrail's check left undone, the call judged without it (tags guardrail, reason: busy, loading). */
    public static final String METRIC_GUARDRAIL_SKIPPED = "caravan.guardrail.skipped";
    /** Model calls by what the response cache did (tags outcome: hit, semantic-hit, miss, bypass; mode: off, exact, semantic). */
    public static final String METRIC_CACHE_REQUESTS = "caravan.cache.requests";
    /** Shared-cache (Redis) operations the embedded cache served instead (tag operation). */
    public static final String METRIC_CACHE_FALLBACKS = "caravan.cache.fallbacks";
    /** {@code caravan_ledger_lag_seconds}: how old the oldest usage row not yet in the store is. */
    public static final String METRIC_LEDGER_LAG = "caravan.ledger.lag";
    /** Calls refused before any provider was called, by tenant and reason (rpm_limit, budget_exceeded, ...). */
    public static final String METRIC_RATE_LIMITED = "caravan.rate_limited";

    // --- metric tags ----------------------------------------------------------------------------------
    public static final String TAG_ROUTE = "route";
    public static final String TAG_PROVIDER = "provider";
    public static final String TAG_MODEL = "model";
    public static final String TAG_STATUS = "status";
    public static final String TAG_TENANT = "tenant";
    public static final String TAG_TYPE = "type";
    public static final String TAG_ENDPOINT = "endpoint";
    public static final String TAG_STATE = "state";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_GUARDRAIL = "guardrail";
    public static final String TAG_STAGE = "stage";
    public static final String TAG_KIND = "kind";
    public static final String TAG_REASON = "reason";
    public static final String TAG_MODE = "mode";
    public static final String TAG_OPERATION = "operation";

    /**
     * The {@code gen_ai.provider.name} of an attempt: the one its provider endpoint's codec (or route) gave,
     * never the route's own name; {@code unknown} when the attempt failed before reaching a provider endpoint.
     */
    public static String genAiProviderName(String fromProviderEndpoint) {
        return fromProviderEndpoint == null ? "unknown" : fromProviderEndpoint;
    }
}
