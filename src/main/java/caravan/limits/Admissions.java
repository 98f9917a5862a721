package caravan.limits;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import caravan.api.CallContext;
import caravan.api.ChatRequest;
import caravan.api.GatewayException;
import caravan.api.TokenCount;
import caravan.keys.Limits;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a call against the rate limits of its key, its tenant and its end user, all at once in the
 * limit store (one round trip): requests and tokens per minute, then in-flight requests. Tokens are
 * admitted on an estimate (the input counted with JTokkit plus the request's {@code max_tokens}, or the
 * default output cap) and corrected when the call ends. A call over a limit gets a 429 with
 * {@code Retry-After} and no provider is called. A call without any limit or budget costs nothing here.
 * When the store cannot be reached, the call is let through ({@code open}) or refused with a 503
 * ({@code closed}), as {@code GATEWAY_LIMITS_ON_STORE_DOWN} says; that is logged once per outage.
 */
public final class Admissions {

    private static final Logger LOG = LoggerFactory.getLogger(Admissions.class);

    private final LimitStore store;
    private final Budgets budgets;
    private final boolean failOpen;
    private final long defaultOutputTokens;
    private final BiConsumer<String, String> rejections;
    private final AtomicBoolean down = new AtomicBoolean();

    /**
     * @param defaultOutputTokens the output a request without {@code max_tokens} is admitted for
     * @param rejections          told the reason ({@code rpm_limit}, ...) and tenant of every refusal, for the metrics
     */
    public Admissions(LimitStore store, Budgets budgets, boolean failOpen, long defaultOutputTokens,
                      BiConsumer<String, String> rejections) {
        this.store = store;
        this.budgets = budgets;
        this.failOpen = failOpen;
        this.defaultOutputTokens = defaultOutputTokens;
        this.rejections = rejections;
    }

    LimitStore store() {
        return store;
    }

    Budgets budgets() {
        return budgets;
    }

    /**
     * Whether the limit store answers (for {@code /readyz}), as the store itself knows it: a Redis store
     * probes its Redis while it is gone. Not the outage flag here, which only a call through the limits
     * clears: an instance failing closed, taken out of traffic by its 503 {@code /readyz}, gets no such
     * call and would stay unready after Redis came back.
     */
    public boolean storeReachable() {
        return store.reachable();
    }

    public String storeKind() {
        return store.kind();
    }

    public boolean failOpen() {
        return failOpen;
    }

    /**
     * Whether admitting a call of this key, tenant and end user counts its input tokens (a token limit or a
     * budget applies): for a caller that must have the token tables in memory first.
     */
    public boolean countsTokens(VirtualKey key, Tenant tenant, String endUser, Instant now) {
        Limits keyLimits = key == null ? Limits.NONE : key.limits();
        Limits tenantLimits = tenant == null ? Limits.NONE : tenant.limits();
        return countsTokens(keyLimits, tenantLimits, endUser, budgets.accountsOf(key, tenant, now));
    }

    private static boolean countsTokens(Limits keyLimits, Limits tenantLimits, String endUser, List<BudgetAccount> accounts) {
        return keyLimits.tpm() != null || tenantLimits.tpm() != null
                || endUser != null && userTpm(keyLimits, tenantLimits) != null || !accounts.isEmpty();
    }

    private static Long userTpm(Limits keyLimits, Limits tenantLimits) {
        return keyLimits.userTpm() != null ? keyLimits.userTpm() : tenantLimits.userTpm();
    }

    /**
     * The call's admission, or null when no limit or budget applies to it; fails with the 429 (or, failing
     * closed, the 503) that refuses it.
     *
     * @param endUser the request's end user, or null
     * @param headers receives the {@code x-ratelimit-*} headers of the tightest limits that apply
     */
    public CompletionStage<Admission> admit(CallContext call, ChatRequest request, VirtualKey key, Tenant tenant,
                                           String tenantId, String endUser, Instant now, RateLimitHeaders headers) {
        return admit(call, request, key, tenant, tenantId, endUser, null, null, now, headers);
    }

    /**
     * As above, for a call whose first attempt is known ({@code provider} and {@code model}, or nulls when a
     * named route decides): its budget reservation is made with the rate limits, in the same round trip.
     */
    public CompletionStage<Admission> admit(CallContext call, ChatRequest request, VirtualKey key, Tenant tenant,
                                           String tenantId, String endUser, String provider, String model, Instant now,
                                           RateLimitHeaders headers) {
        Limits keyLimits = key == null ? Limits.NONE : key.limits();
        Limits tenantLimits = tenant == null ? Limits.NONE : tenant.limits();
        List<BudgetAccount> accounts = budgets.accountsOf(key, tenant, now);
        Long userRpm = keyLimits.userRpm() != null ? keyLimits.userRpm() : tenantLimits.userRpm();
        Long userTpm = userTpm(keyLimits, tenantLimits);
        String user = endUser == null ? null : tenantId + ":" + endUser;
        if (keyLimits.none() && tenantLimits.none() && accounts.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        long input = countsTokens(keyLimits, tenantLimits, endUser, accounts)
                ? TokenCount.ofRequest(request.messages(), request.json().get("tools")) : 0;
        Long asked = maxTokens(request);
        long output = asked != null ? asked : defaultOutputTokens;
        long estimate = input + output;

        List<LimitStore.BucketRequest> buckets = new ArrayList<>(6);
        List<String> kinds = new ArrayList<>(6);
        String keyOwner = key == null ? null : "key:" + key.id();
        addBucket(buckets, kinds, "rpm", keyOwner, keyLimits.rpm(), 1);
        addBucket(buckets, kinds, "rpm", "tenant:" + tenantId, tenantLimits.rpm(), 1);
        if (user != null) {
            addBucket(buckets, kinds, "rpm", "user:" + user, userRpm, 1);
        }
        int firstTokenBucket = buckets.size();
        addBucket(buckets, kinds, "tpm", keyOwner, keyLimits.tpm(), estimate);
        addBucket(buckets, kinds, "tpm", "tenant:" + tenantId, tenantLimits.tpm(), estimate);
        if (user != null) {
            addBucket(buckets, kinds, "tpm", "user:" + user, userTpm, estimate);
        }
        List<LimitStore.BucketRequest> tokenBuckets = List.copyOf(buckets.subList(firstTokenBucket, buckets.size()));
        List<Parallel> parallel = new ArrayList<>(2);
        if (key != null && keyLimits.maxParallel() != null) {
            parallel.add(new Parallel("parallel:key:" + key.id(), keyLimits.maxParallel()));
        }
        if (tenantLimits.maxParallel() != null) {
            parallel.add(new Parallel("parallel:tenant:" + tenantId, tenantLimits.maxParallel()));
        }
        Admission admission = new Admission(this, call.requestId(), tenantId, tokenBuckets, estimate,
                parallel.stream().map(Parallel::key).toList(), accounts, input, output, asked != null, call);
        boolean firstKnown = provider != null && model != null && !accounts.isEmpty();
        if (buckets.isEmpty() && !firstKnown) {
            return enterAll(parallel, 0, call.requestId(), tenantId, buckets, tokenBuckets, estimate).thenApply(entered -> admission);
        }
        CompletionStage<List<LimitStore.ReserveRequest>> reservations = firstKnown
                ? admission.firstReservations(provider, model) : CompletableFuture.completedFuture(List.of());
        CompletionStage<LimitStore.Admitted> admitted = reservations.thenCompose(first -> guarded(() -> store.admit(buckets, first)));
        return admitted.handle((outcome, failure) -> {
            if (failure != null) {
                GatewayException closed = storeDown(failure, tenantId);
                if (closed != null) {
                    throw closed;
                }
                return false;
            }
            storeUp();
            LimitStore.Take take = outcome.take();
            if (!take.granted()) {
                String kind = kinds.get(take.refused());
                String code = kind + "_limit";
                headers.refusedBy(buckets.get(take.refused()), kind);
                rejected(code, tenantId);
                throw GatewayException.rateLimited(code, "Rate limit reached for " + describe(buckets.get(take.refused()), kind)
                        + ". Try again in " + seconds(take.retryAfterMillis()) + " s.", seconds(take.retryAfterMillis()));
            }
            headers.from(buckets, kinds, take.remaining());
            if (firstKnown) {
                admission.prepared(provider, model, outcome.reserved(), outcome.refusedAccount());
            }
            return true;
        }).thenCompose(admittedThrough -> !admittedThrough ? CompletableFuture.completedFuture(null)
                : enterAll(parallel, 0, call.requestId(), tenantId, buckets, tokenBuckets, estimate).thenApply(entered -> admission));
    }

    private CompletionStage<Void> enterAll(List<Parallel> parallel, int index, String requestId, String tenantId,
                                           List<LimitStore.BucketRequest> buckets,
                                           List<LimitStore.BucketRequest> tokenBuckets, long estimate) {
        if (index == parallel.size()) {
            return CompletableFuture.completedFuture(null);
        }
        Parallel slot = parallel.get(index);
        return guarded(() -> store.enter(slot.key, slot.max, requestId)).handle((entered, failure) -> {
            if (failure != null) {
                GatewayException closed = storeDown(failure, tenantId);
                if (closed != null) {
                    undo(parallel, index, requestId, buckets, tokenBuckets, estimate);
                    throw closed;
                }
                return true;
            }
            if (!entered) {
                undo(parallel, index, requestId, buckets, tokenBuckets, estimate);
                rejected("parallel_limit", tenantId);
                throw GatewayException.rateLimited("parallel_limit", "Too many requests in flight for this "
                        + (slot.key.startsWith("parallel:key:") ? "API key" : "tenant") + " (max_parallel " + slot.max
                        + "). Try again when one has finished.", 1);
            }
            return true;
        }).thenCompose(entered -> enterAll(parallel, index + 1, requestId, tenantId, buckets, tokenBuckets, estimate));
    }

    /** A refused in-flight slot gives back what the request took before it. */
    private void undo(List<Parallel> parallel, int entered, String requestId, List<LimitStore.BucketRequest> buckets,
                      List<LimitStore.BucketRequest> tokenBuckets, long estimate) {
        for (int i = 0; i < entered; i++) {
            store.leave(parallel.get(i).key, requestId);
        }
        for (LimitStore.BucketRequest bucket : buckets) {
            store.adjust(bucket, -Math.min(bucket.amount(), bucket.limit()));
        }
    }

    /** The store failed: null to go on without limits (fail open), or the 503 that refuses the call. */
    GatewayException storeDown(Throwable failure, String tenant) {
        if (down.compareAndSet(false, true)) {
            LOG.warn("The limit store ({}) cannot be reached: {}; rate limits and budgets fail {} until it answers",
                    store.kind(), rootMessage(failure), failOpen ? "open (calls go through)" : "closed (calls are refused)");
        }
        rejected(failOpen ? "store_down_open" : "store_down_closed", tenant);
        return failOpen ? null : GatewayException.limitsUnavailable();
    }

    private void storeUp() {
        if (down.compareAndSet(true, false)) {
            LOG.info("The limit store ({}) answers again", store.kind());
        }
    }

    void rejected(String reason, String tenant) {
        rejections.accept(reason, tenant);
    }

    private static void addBucket(List<LimitStore.BucketRequest> buckets, List<String> kinds, String kind, String owner,
                                  Long limit, long amount) {
        if (limit != null && owner != null) {
            buckets.add(new LimitStore.BucketRequest(kind + ":" + owner, limit, amount));
            kinds.add(kind);
        }
    }

    private static String describe(LimitStore.BucketRequest bucket, String kind) {
        String owner = bucket.key().substring(kind.length() + 1);
        String who = owner.startsWith("key:") ? "this API key" : owner.startsWith("tenant:") ? "your tenant" : "this end user";
        return (kind.equals("rpm") ? "requests" : "tokens") + " per minute of " + who + ": limit " + bucket.limit();
    }

    /** A store call that throws (a bug, a bad limit) fails its stage like any store failure, never the caller's thread. */
    static <T> CompletionStage<T> guarded(java.util.function.Supplier<CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    private static Long maxTokens(ChatRequest request) {
        for (String field : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = request.json().get(field);
            if (value != null && value.canConvertToLong() && value.asLong() > 0) {
                return value.asLong();
            }
        }
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private record Parallel(String key, int max) {
    }
}
