package caravan.api;

/**
 * The exchange variables that routes and processors share: the whole contract between the YAML flow and
 * the Java steps. YAML reads them as {@code ${variable.provider}}; Java as
 * {@code exchange.getVariable(Variables.PROVIDER, String.class)}. Nothing passes state through headers or
 * exchange properties; the README's "Exchange variables" table lists every one.
 */
public final class Variables {

    /** {@link CallContext}: the call's deadline, attempts, serving target and clock; made by the edge. */
    public static final String CALL = "call";
    /** {@link ClientStream}: where a streamed answer goes, in the client's dialect; a step may wrap it. */
    public static final String CLIENT = "client";
    /** {@link Caller}: who is calling, as the edge established it from the request's headers before reading its body. */
    public static final String CALLER = "caller";
    /** {@link ChatRequest}: the inbound request, parsed once at the edge. */
    public static final String REQUEST = "request";
    /** {@link Dialect}: the API shape the client spoke; its answer and errors are encoded in it. */
    public static final String DIALECT = "dialect";
    /** String: the tenant the caller's key belongs to. */
    public static final String TENANT = "tenant";
    /** {@code caravan.keys.VirtualKey}: the virtual key the caller presented (absent for the master key): its scope, limits and trusted attributes. */
    public static final String VIRTUAL_KEY = "virtualKey";
    /** {@code caravan.keys.Tenant}: the tenant's settings (limits, budget, trusted attributes), when the store has the tenant. */
    public static final String TENANT_PROFILE = "tenantProfile";
    /** {@code Map<String, ProviderAccount>}: the tenant's own provider accounts by provider name; calls to those providers use them. */
    public static final String PROVIDER_ACCOUNTS = "providerAccounts";
    /** String: the end user limits count against: the request's {@code user}, or {@code x-caravan-user}. */
    public static final String END_USER = "endUser";
    /** {@code caravan.limits.Admission}: what the admit step took from the caller's limits and budgets; the settle step gives back what was not used. */
    public static final String ADMISSION = "admission";
    /** String: the named route (routes/policies) that serves the call; absent when a model was called directly. */
    public static final String ROUTE = "route";
    /** String: the endpoint the request is sent to: a named route's, or {@code model:requested}. */
    public static final String TARGET = "target";
    /** String: the provider the current attempt calls, e.g. {@code openai} (what serves it: {@link CallContext#provider()}). */
    public static final String PROVIDER = "provider";
    /** String: the model name the current attempt asks its provider for, e.g. {@code gpt-4o-mini}. */
    public static final String UPSTREAM_MODEL = "upstreamModel";
    /**
     * String: the OpenTelemetry GenAI name ({@code gen_ai.provider.name}) of the API that answers, as the
     * provider endpoint's codec (or its route) names it: {@code aws.bedrock} for any route using the
     * bedrock codec. Set by the provider endpoint on each attempt.
     */
    public static final String GEN_AI_PROVIDER = "genAiProvider";
    /** {@link ChatResponse}: the provider's whole answer (not set for streams). */
    public static final String RESPONSE = "response";
    /** {@link Usage}: the tokens the current attempt consumed, once known (also what a failed one used); a new attempt clears it. */
    public static final String USAGE = "usage";
    /**
     * {@link CacheOutcome}: what the response cache did for the call (hit, semantic-hit, miss, bypass), set by
     * {@code cacheLookup}; on a hit it names the replayed answer's provider, model and usage. The call recorder
     * passes it on as {@code CallRecord.cache()}.
     */
    public static final String CACHE_OUTCOME = "cacheOutcome";
    /**
     * {@code Boolean.TRUE} when {@code cacheLookup} answered the call from the cache, else unset: what the edge
     * route's filter reads to skip the provider ({@code ${variable.cacheHit} != true}), a plain variable where
     * {@code ${variable.cacheOutcome?.hit}} would have Simple call a method through the bean language, which
     * copies the exchange twice on every request.
     */
    public static final String CACHE_HIT = "cacheHit";
    /**
     * {@code caravan.cache.PendingEntry}: set by {@code cacheLookup} on a miss whose answer may be stored: the
     * key, TTL and settings {@code cacheStore} stores it under, and a stream's captured chunks.
     */
    public static final String CACHE_PENDING = "cachePending";
    /** {@code Map<String, String>}: headers steps add to the answer ({@link ResponseHeaders}). */
    public static final String RESPONSE_HEADERS = "responseHeaders";
    /** {@code caravan.telemetry.CallRecord}: the finished call as the client met it, set once its answer ended. */
    public static final String CALL_RECORD = "callRecord";
    /**
     * {@link GuardrailOutcomes}: every guardrail outcome of the call (passed, warned, redacted, blocked, failed,
     * with score and latency), in the order the checks ended; the {@code x-caravan-guardrails} header and the
     * usage ledger's guardrail outcome are read from it.
     */
    public static final String GUARDRAIL_OUTCOMES = "guardrailOutcomes";
    /**
     * {@code caravan.guardrails.RedactionVault}: the values a reversible redaction replaced in the request, by
     * placeholder; the answer's placeholders are restored from it for the client, and it never leaves the gateway.
     */
    public static final String REDACTIONS = "redactions";
    /**
     * String: what a provider route is asked to do when it is not a chat completion: {@code moderation} (with
     * {@link #MODERATION_REQUEST}; the answer in {@link #MODERATION_RESULT}). Absent for chat completions.
     */
    public static final String OPERATION = "operation";
    /** {@link ModerationRequest}: the texts a moderation call asks about, and the moderation model. */
    public static final String MODERATION_REQUEST = "moderationRequest";
    /** {@link ModerationResult}: what the provider's moderation endpoint said. */
    public static final String MODERATION_RESULT = "moderationResult";
    /** The request's tracing span ({@code caravan.telemetry.GatewaySpan}), when the request is traced: the parent of the gateway's own spans. */
    public static final String REQUEST_SPAN = "requestSpan";

    private Variables() {
    }
}
