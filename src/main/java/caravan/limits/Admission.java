package caravan.limits;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import caravan.api.AttemptGate;
import caravan.api.CallContext;
import caravan.api.GatewayException;
import caravan.api.Usage;

/**
 * What one call took from the limits of its key, tenant and end user ({@link Admissions#admit}), and
 * what it gives back: before each provider attempt it reserves the attempt's most expensive outcome from
 * every budget it spends against, and settles it with the attempt's real cost when the attempt ends; when
 * the call ends ({@link #settle}), the token buckets are corrected from the estimate it was admitted on to
 * the tokens it really used, and its in-flight slots are freed. Settling twice does nothing.
 */
public final class Admission implements AttemptGate {

    private final Admissions admissions;
    private final String requestId;
    private final String tenantId;
    private final List<LimitStore.BucketRequest> tokenBuckets;
    private final long tokenEstimate;
    private final List<String> parallelKeys;
    private final List<BudgetAccount> budgets;
    private final long inputTokens;
    private final long outputTokens;
    private final boolean outputCapped;
    private final CallContext call;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** The reservation of the attempt about to run or running, per budget; null when none is held. */
    private long[] reserved;

    Admission(Admissions admissions, String requestId, String tenantId, List<LimitStore.BucketRequest> tokenBuckets, long tokenEstimate,
              List<String> parallelKeys, List<BudgetAccount> budgets, long inputTokens, long outputTokens,
              boolean outputCapped, CallContext call) {
        this.admissions = admissions;
        this.requestId = requestId;
        this.tenantId = tenantId;
        this.tokenBuckets = tokenBuckets;
        this.tokenEstimate = tokenEstimate;
        this.parallelKeys = parallelKeys;
        this.budgets = budgets;
        this.inputTokens = inputTokens;
        this.outputTokens = outputTokens;
        this.outputCapped = outputCapped;
        this.call = call;
    }

    @Override
    public void beforeAttempt(String provider, String model, Consumer<GatewayException> decided) {
        releaseReservation();
        if (budgets.isEmpty()) {
            decided.accept(null);
            return;
        }
        Budgets pricing = admissions.budgets();
        long most = pricing.estimateNanoUsd(provider, model, inputTokens, outputTokens);
        // without the request's own max_tokens the output cap is only a guess: reserve what room is left
        // rather than refuse a small request for a large default
        reserve(0, new long[budgets.size()], most, !outputCapped, decided);
    }

    private void reserve(int index, long[] taken, long amount, boolean clamp, Consumer<GatewayException> decided) {
        if (index == budgets.size()) {
            reserved = taken;
            decided.accept(null);
            return;
        }
        BudgetAccount account = budgets.get(index);
        Admissions.guarded(() -> admissions.budgets().reserve(account, amount, clamp)).whenComplete((reservation, failure) -> {
            if (failure != null) {
                giveBack(taken, index);
                GatewayException closed = admissions.storeDown(failure, tenantId);
                decided.accept(closed);
                return;
            }
            if (!reservation.granted()) {
                giveBack(taken, index);
                admissions.rejected("budget_exceeded", tenantId);
                decided.accept(GatewayException.budgetExceeded(("key".equals(account.scope()) ? "This API key's" : "Your tenant's")
                        + " budget is spent for the current period (or has no room for this request); no provider was called."));
                return;
            }
            taken[index] = reservation.reserved();
            reserve(index + 1, taken, amount, clamp, decided);
        });
    }

    @Override
    public void attemptEnded(CallContext.Attempt attempt) {
        long[] held = reserved;
        reserved = null;
        if (held == null) {
            return;
        }
        long cost = admissions.budgets().costNanoUsd(attempt.provider(), attempt.model(), attempt.usage());
        for (int i = 0; i < budgets.size(); i++) {
            admissions.budgets().settle(budgets.get(i), held[i], cost);
        }
    }

    /** The call ended: tokens corrected to what was used, in-flight slots freed, a leftover reservation released. */
    public void settle() {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        releaseReservation();
        if (!tokenBuckets.isEmpty()) {
            Usage used = call.paidUsage();
            long delta = (used == null ? 0 : used.inputTokens() + used.outputTokens()) - tokenEstimate;
            if (delta != 0) {
                tokenBuckets.forEach(bucket -> admissions.store().adjust(bucket, delta));
            }
        }
        parallelKeys.forEach(key -> admissions.store().leave(key, requestId));
    }

    /** A reservation whose attempt never started (its route could not be called) frees its room. */
    private void releaseReservation() {
        long[] held = reserved;
        reserved = null;
        if (held != null) {
            giveBack(held, budgets.size());
        }
    }

    private void giveBack(long[] taken, int count) {
        for (int i = 0; i < count; i++) {
            if (taken[i] > 0) {
                admissions.budgets().settle(budgets.get(i), taken[i], 0);
            }
        }
    }
}
