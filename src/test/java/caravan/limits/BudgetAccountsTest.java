package caravan.limits;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import caravan.keys.Budget;
import caravan.keys.BudgetPeriod;
import caravan.keys.Limits;
import caravan.keys.VirtualKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget accounts a call spends against: made once per key and period, made again when either changes. */
class BudgetAccountsTest {

    private final LocalLimitStore store = new LocalLimitStore();
    // no database, pool or prices: an account needs none of them
    private final Budgets budgets = new Budgets(store, null, new SpendLog(null), null, null);

    @AfterEach
    void close() {
        store.close();
    }

    static VirtualKey key(Budget budget) {
        return new VirtualKey("key_a", "digest", "ck-aaaaa", "a", "t", null, null, List.of(), Limits.NONE, budget, null,
                null, Instant.EPOCH, Instant.EPOCH, null);
    }

    @Test
    void aKeysAccountIsTheSameWithinAPeriodAndANewOneInTheNext() {
        VirtualKey key = key(new Budget(new BigDecimal("5"), BudgetPeriod.DAY));
        Instant morning = Instant.parse("2026-12-06T08:00:00Z");

        BudgetAccount first = budgets.accountsOf(key, null, morning).get(0);
        BudgetAccount evening = budgets.accountsOf(key, null, Instant.parse("2026-12-06T23:59:59Z")).get(0);
        BudgetAccount nextDay = budgets.accountsOf(key, null, Instant.parse("2026-12-07T00:00:00Z")).get(0);

        assertThat(evening).isSameAs(first);
        assertThat(first.account()).endsWith(":" + Instant.parse("2026-12-06T00:00:00Z").getEpochSecond());
        assertThat(nextDay.account()).endsWith(":" + Instant.parse("2026-12-07T00:00:00Z").getEpochSecond());
        assertThat(nextDay.expiresAt()).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
        // a clock that steps back gets its own period again, not the later one
        assertThat(budgets.accountsOf(key, null, morning).get(0).account()).isEqualTo(first.account());
    }

    @Test
    void aChangedBudgetIsAppliedOnTheNextCall() {
        Instant now = Instant.parse("2026-12-06T08:00:00Z");
        BudgetAccount five = budgets.accountsOf(key(new Budget(new BigDecimal("5"), BudgetPeriod.MONTH)), null, now).get(0);

        BudgetAccount seven = budgets.accountsOf(key(new Budget(new BigDecimal("7"), BudgetPeriod.MONTH)), null, now).get(0);

        assertThat(five.limitNanoUsd()).isEqualTo(5_000_000_000L);
        assertThat(seven.limitNanoUsd()).isEqualTo(7_000_000_000L);
        assertThat(budgets.accountsOf(key(Budget.NONE), null, now)).isEmpty();
    }

    @Test
    void forgettingKeepsNothingACallCannotMakeAgain() {
        VirtualKey key = key(new Budget(new BigDecimal("5"), BudgetPeriod.TOTAL));
        Instant now = Instant.now();
        BudgetAccount before = budgets.accountsOf(key, null, now).get(0);

        budgets.forgetOld();

        BudgetAccount after = budgets.accountsOf(key, null, now).get(0);
        assertThat(after).isNotSameAs(before).isEqualTo(before);
    }
}
