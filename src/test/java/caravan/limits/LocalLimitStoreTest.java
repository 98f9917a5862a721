package caravan.limits;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LocalLimitStoreTest extends LimitStoreContractTest {

    private static final long DOLLAR = 1_000_000_000L;

    @Override
    protected LimitStore newStore() {
        return new LocalLimitStore();
    }

    private LocalLimitStore local() {
        return (LocalLimitStore) store;
    }

    @Test
    void aSweepForgetsOnlyTheBucketsThatAreFullAgain() {
        take(bucket("rpm:key:quick", 600, 1));
        take(bucket("rpm:key:slow", 10, 5));

        // the quick one is full again after a tenth of a second; the slow one needs half a minute
        await().until(() -> {
            local().sweep();
            return local().held() == 1;
        });

        assertThat(take(bucket("rpm:key:slow", 10, 0)).remaining()).containsExactly(5);
    }

    @Test
    void aSweepForgetsEndedAndIdleAccountsButNotOnesWithReservations() {
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        answer(store.reserve("budget:key:idle:day", 10 * DOLLAR, DOLLAR, false, 0, tomorrow));
        store.settle("budget:key:idle:day", DOLLAR, DOLLAR, tomorrow);
        answer(store.reserve("budget:key:busy:day", 10 * DOLLAR, DOLLAR, false, 0, tomorrow));

        local().sweep(System.currentTimeMillis());
        assertThat(local().held()).as("nothing idle yet").isEqualTo(2);

        local().sweep(System.currentTimeMillis() + Duration.ofMinutes(11).toMillis());
        assertThat(answer(store.account("budget:key:idle:day"))).isNull();
        assertThat(answer(store.account("budget:key:busy:day"))).isNotNull();

        local().sweep(System.currentTimeMillis() + Duration.ofDays(3).toMillis());
        assertThat(local().held()).isZero();
    }

    @Test
    void aLostLeaveStopsCountingOnceStale() {
        LocalInFlight inFlight = new LocalInFlight(Duration.ofMillis(200));
        assertThat(inFlight.enter("par:key:a", 1, "crashed")).isTrue();
        assertThat(inFlight.enter("par:key:a", 1, "next")).isFalse();

        await().until(() -> inFlight.enter("par:key:a", 1, "next"));
    }

    @Test
    void theLastLeaveForgetsTheKey() {
        enter("par:key:a", 1, "r1");

        store.leave("par:key:a", "r1");

        assertThat(local().held()).isZero();
    }
}
