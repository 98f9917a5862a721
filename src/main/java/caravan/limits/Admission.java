package caravan.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    /** The reservation of the attempt that ended last and its cost, until they are settled; null when none. */
    private long[] endedHeld;
    private long endedCost;
    /** The first attempt's reservation, made at admission, until that attempt starts; null when none. */
    private Prepared prepared;

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

    /**
     * The reservations of the call's first attempt, made with its admission when that attempt is known: the
     * attempt's most expensive outcome from every budget.
     */
    CompletableFuture<List<LimitStore.ReserveRequest>> firstReservations(String provider, String model) {
        long most = admissions.budgets().estimateNanoUsd(provider, model, inputTokens, outputTokens);
        List<CompletableFuture<LimitStore.ReserveRequest>> asked = new ArrayList<>(budgets.size());
        for (BudgetAccount account : budgets) {
            // without the request's own max_tokens the output cap is only a guess: reserve what room is left
            // rather than refuse a small request for a large default
            asked.add(admissions.budgets().reservation(account, most, !outputCapped));
        }
        if (asked.size() == 1) {
            return asked.get(0).thenApply(List::of);
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenApply(all -> asked.stream().map(CompletableFuture::join).toList());
    }

    /** What the admission reserved for the first attempt, or the index of the budget that refused it. */
    void prepared(String provider, String model, long[] reserved, int refusedAccount) {
        this.prepared = new Prepared(provider, model, refusedAccount < 0 ? reserved : null, refusedAccount);
    }

    @Override
    public void beforeAttempt(String provider, String model, Consumer<GatewayException> decided) {
        settleEndedAttempt();
        Prepared first = prepared;
        prepared = null;
        if (first != null) {
            if (first.provider.equals(provider) && first.model.equals(model)) {
                if (first.reserved == null) {
                    decided.accept(refused(budgets.get(first.refusedAccount)));
                } else {
                    reserved = first.reserved;
                    decided.accept(null);
                }
                return;
            }
            if (first.reserved != null) {
                giveBack(first.reserved, budgets.size());
            }
        }
        releaseReservation();
        if (budgets.isEmpty()) {
            decided.accept(null);
            return;
        }
        Budgets pricing = admissions.budgets();
        long most = pricing.estimateNanoUsd(provider, model, inputTokens, outputTokens);
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
                decided.accept(refused(account));
                return;
            }
            taken[index] = reservation.reserved();
            reserve(index + 1, taken, amount, clamp, decided);
        });
    }

    private GatewayException refused(BudgetAccount account) {
        admissions.rejected("budget_exceeded", tenantId);
        return GatewayException.budgetExceeded(("key".equals(account.scope()) ? "This API key's" : "Your tenant's")
                + " budget is spent for the current period (or has no room for this request); no provider was called.");
    }

    /**
     * The attempt's real cost, settled against what it reserved when the next attempt starts or the call
     * ends, whichever comes first: a fallback's reservation sees the spend of the attempt before it, and a
     * call of one attempt settles everything in one step.
     */
    @Override
    public void attemptEnded(CallContext.Attempt attempt) {
        long[] held = reserved;
        reserved = null;
        if (held == null) {
            return;
        }
        endedHeld = held;
        endedCost = Budgets.costNanoUsd(attempt);
    }

    private void settleEndedAttempt() {
        long[] held = endedHeld;
        endedHeld = null;
        if (held != null) {
            for (int i = 0; i < budgets.size(); i++) {
                admissions.budgets().settle(budgets.get(i), held[i], endedCost);
            }
        }
    }

    /**
     * The call ended: the last attempt's cost settled, a leftover reservation released, tokens corrected to
     * what was used, in-flight slots freed, all in one step of the store.
     */
    public void settle() {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        List<LimitStore.Settlement> settlements = new ArrayList<>(2);
        long[] ended = endedHeld;
        endedHeld = null;
        long[] unused = reserved;
        reserved = null;
        Prepared first = prepared;
        prepared = null;
        for (int i = 0; i < budgets.size(); i++) {
            // only one of these holds anything: an ended attempt, a running one's leftover, or an unused first reservation
            long held = (ended == null ? 0 : ended[i]) + (unused == null ? 0 : unused[i])
                    + (first == null || first.reserved == null ? 0 : first.reserved[i]);
            long spent = ended == null ? 0 : endedCost;
            if (held > 0 || spent > 0) {
                settlements.add(admissions.budgets().settlement(budgets.get(i), held, spent));
            }
        }
        List<LimitStore.Correction> corrections = List.of();
        if (!tokenBuckets.isEmpty()) {
            Usage used = call.paidUsage();
            long delta = (used == null ? 0 : used.inputTokens() + used.outputTokens()) - tokenEstimate;
            if (delta != 0) {
                corrections = new ArrayList<>(tokenBuckets.size());
                for (LimitStore.BucketRequest bucket : tokenBuckets) {
                    corrections.add(new LimitStore.Correction(bucket, delta));
                }
            }
        }
        admissions.store().finish(settlements, corrections, parallelKeys, requestId);
    }

    /** A reservation whose attempt never started (its route could not be called) frees its room. */
    private void releaseReservation() {
        long[] held = reserved;
        reserved = null;
        if (held != null) {
            giveBack(held, budgets.size());
        }
    }

    private record Prepared(String provider, String model, long[] reserved, int refusedAccount) {
    }

    private void giveBack(long[] taken, int count) {
        for (int i = 0; i < count; i++) {
            if (taken[i] > 0) {
                admissions.budgets().settle(budgets.get(i), taken[i], 0);
            }
        }
    }
}
