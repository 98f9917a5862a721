package caravan.limits;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import caravan.api.CallContext;
import caravan.catalog.Prices;
import caravan.keys.Budget;
import caravan.keys.KeyStore;
import caravan.keys.StorePool;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;

/**
 * Budgets of keys and tenants in US dollars per period, priced by {@link Prices}: reserved in the
 * limit store before an attempt (what the attempt may cost at most) and settled with what it did cost.
 * Amounts are nano-dollars, exact in the store. An account starts, the first time this instance meets it,
 * from the spend the database holds; settled spend goes to the database through the {@link SpendLog}.
 */
public final class Budgets {

    private static final BigDecimal NANOS_PER_USD = BigDecimal.valueOf(1_000_000_000L);

    private final LimitStore store;
    private final KeyStore keyStore;
    private final SpendLog spendLog;
    private final StorePool pool;
    private final Prices prices;
    private static final long SEED_FRESH_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Map<String, Seed> seeds = new ConcurrentHashMap<>();
    /** What calls used lately, rebuilt after each {@link #forgetOld}: deleted keys and ended periods do not pile up. */
    private final Map<String, CurrentAccount> keyAccounts = new ConcurrentHashMap<>();
    private final Map<String, CurrentAccount> tenantAccounts = new ConcurrentHashMap<>();

    /**
     * @param keyStore where settled spend is kept across restarts, or null (nothing is kept)
     * @param pool     runs store work where blocking is allowed
     */
    public Budgets(LimitStore store, KeyStore keyStore, SpendLog spendLog, StorePool pool, Prices prices) {
        this.store = store;
        this.keyStore = keyStore;
        this.spendLog = spendLog;
        this.pool = pool;
        this.prices = prices;
    }

    /** How often the accounts and seeds kept for calls are dropped, to be made again by the calls that still need them. */
    public static final java.time.Duration FORGET_EVERY = java.time.Duration.ofMinutes(10);

    /** Drops the kept accounts and the seed readings old enough to be read again anyway (each costs its next call one rebuild). */
    public void forgetOld() {
        keyAccounts.clear();
        tenantAccounts.clear();
        long now = System.nanoTime();
        seeds.values().removeIf(seed -> now - seed.readAt >= SEED_FRESH_NANOS && seed.value.isDone());
    }

    /** The budgets a call of this key and tenant spends against, in the period {@code now} falls in. */
    public List<BudgetAccount> accountsOf(VirtualKey key, Tenant tenant, Instant now) {
        boolean keyBudget = key != null && key.budget().limited();
        boolean tenantBudget = tenant != null && tenant.budget().limited();
        if (!keyBudget && !tenantBudget) {
            return List.of();
        }
        if (keyBudget && tenantBudget) {
            return List.of(current(keyAccounts, "key", key.id(), key.budget(), now),
                    current(tenantAccounts, "tenant", tenant.id(), tenant.budget(), now));
        }
        return List.of(keyBudget ? current(keyAccounts, "key", key.id(), key.budget(), now)
                : current(tenantAccounts, "tenant", tenant.id(), tenant.budget(), now));
    }

    /**
     * The owner's account for this period, made once per period and budget rather than on every call (its
     * name, limit and period end cost more than the rest of a call's admission).
     */
    private static BudgetAccount current(Map<String, CurrentAccount> accounts, String scope, String owner, Budget budget,
                                         Instant now) {
        CurrentAccount known = accounts.get(owner);
        if (known != null && known.budget == budget && now.isBefore(known.account.expiresAt()) && !now.isBefore(known.startsAt)) {
            return known.account;
        }
        BudgetAccount account = account(scope, owner, budget, now);
        accounts.put(owner, new CurrentAccount(budget, budget.period().start(now), account));
        return account;
    }

    /** @param budget the budget it was made for: a key or tenant changed by the admin API has a new one */
    private record CurrentAccount(Budget budget, Instant startsAt, BudgetAccount account) {
    }

    public static BudgetAccount account(String scope, String owner, Budget budget, Instant now) {
        Instant start = budget.period().start(now);
        return new BudgetAccount(scope, owner, scope + ":" + owner + ":" + budget.period().wireName() + ":"
                + start.getEpochSecond(), budget.limited() ? nanos(budget.usd()) : Long.MAX_VALUE, budget.period().end(now));
    }

    public static long nanos(BigDecimal usd) {
        return usd.multiply(NANOS_PER_USD).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    public static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    }

    /**
     * Reserves up to {@code nanoUsd} of the account (at least one nano-dollar, so a spent budget refuses
     * even a call priced at nothing); {@code clamp} reserves what room is left when that is less.
     */
    public CompletionStage<LimitStore.Reservation> reserve(BudgetAccount account, long nanoUsd, boolean clamp) {
        return reservation(account, nanoUsd, clamp).thenCompose(asked -> store.reserve(asked.account(), asked.limitNanoUsd(),
                asked.amountNanoUsd(), asked.clamp(), asked.seedSpentNanoUsd(), asked.expiresAt()));
    }

    /** The reservation {@link #reserve} would ask, for the store to make together with other work. */
    public CompletableFuture<LimitStore.ReserveRequest> reservation(BudgetAccount account, long nanoUsd, boolean clamp) {
        return seed(account).thenApply(seed -> new LimitStore.ReserveRequest(account.account(), account.limitNanoUsd(),
                Math.max(1, nanoUsd), clamp, seed, account.expiresAt()));
    }

    public void settle(BudgetAccount account, long reservedNanoUsd, long spentNanoUsd) {
        LimitStore.Settlement settled = settlement(account, reservedNanoUsd, spentNanoUsd);
        store.settle(settled.account(), settled.reservedNanoUsd(), settled.spentNanoUsd(), settled.expiresAt());
    }

    /** Records the spend for the database and returns the settlement for the store to make together with other work. */
    public LimitStore.Settlement settlement(BudgetAccount account, long reservedNanoUsd, long spentNanoUsd) {
        spendLog.add(account.account(), spentNanoUsd);
        return new LimitStore.Settlement(account.account(), reservedNanoUsd, spentNanoUsd, account.expiresAt());
    }

    /**
     * The spend so far in the account's period, for the admin API and the dashboard: the limit store's
     * figure where it keeps the account, else the database's plus what this instance has not written yet.
     * Blocking: only on the store's pool.
     */
    public long spentNow(BudgetAccount account) {
        try {
            LimitStore.Account known = store.account(account.account()).toCompletableFuture().get(1, TimeUnit.SECONDS);
            if (known != null) {
                return known.spentNanoUsd();
            }
        } catch (Exception storeDown) {
            // the database's figure is the next best
        }
        return (keyStore == null ? 0 : keyStore.spend(account.account())) + spendLog.unwritten(account.account());
    }

    /** Spend of a call against an account that has no limit: only recorded, never reserved. */
    public void record(BudgetAccount account, long spentNanoUsd) {
        spendLog.add(account.account(), spentNanoUsd);
    }

    /**
     * The most an attempt may cost ({@link caravan.catalog.ModelPrice#most}): its input and its output cap
     * at the model's dearest input and output prices; 0 for a model without a price.
     */
    public long estimateNanoUsd(String provider, String model, long inputTokens, long outputTokens) {
        BigDecimal most = prices.most(provider, model, inputTokens, outputTokens);
        return most == null ? 0 : nanos(most);
    }

    /** What an attempt cost, as its budgets count it: its priced cost, 0 when it used nothing or had no price. */
    public static long costNanoUsd(CallContext.Attempt attempt) {
        return attempt.costUsd() == null ? 0 : nanos(attempt.costUsd());
    }

    /**
     * The spend the database holds for the account plus what this instance has not written yet: where a
     * limit store that has not seen the account (or forgot it while idle) starts it. Read again when the
     * last reading is older than {@link #SEED_FRESH_NANOS}, so a forgotten account never restarts from an
     * old figure; concurrent first calls share one reading.
     */
    private CompletableFuture<Long> seed(BudgetAccount account) {
        if (keyStore == null) {
            return CompletableFuture.completedFuture(spendLog.unwritten(account.account()));
        }
        long now = System.nanoTime();
        Seed fresh = seeds.get(account.account());
        if (fresh != null && now - fresh.readAt < SEED_FRESH_NANOS && !fresh.value.isCompletedExceptionally()) {
            return fresh.value;
        }
        Seed seed = seeds.compute(account.account(), (name, known) ->
                known != null && now - known.readAt < SEED_FRESH_NANOS && !known.value.isCompletedExceptionally()
                        ? known : new Seed(pool.submit(() -> keyStore.spend(name) + spendLog.unwritten(name)), now));
        return seed.value;
    }

    private record Seed(CompletableFuture<Long> value, long readAt) {
    }
}
