package caravan.limits;

import caravan.limits.LimitStore.BucketRequest;
import caravan.limits.LimitStore.Reservation;
import caravan.limits.LimitStore.Take;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What every limit store does, whether it keeps its state in this process or in Redis. */
abstract class LimitStoreContractTest {

    private static final Instant TOMORROW = Instant.now().plus(Duration.ofDays(1));
    private static final long DOLLAR = 1_000_000_000L;

    protected LimitStore store;

    /** A store with nothing in it, for one test. */
    protected abstract LimitStore newStore();

    @BeforeEach
    void openStore() {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void takesWithinTheLimitAndRefusesPastIt() {
        for (int expected = 4; expected >= 0; expected--) {
            Take take = take(bucket("rpm:key:a", 5, 1));
            assertThat(take.granted()).isTrue();
            assertThat(take.remaining()).containsExactly(expected);
            assertThat(take.refused()).isEqualTo(-1);
        }

        Take refused = take(bucket("rpm:key:a", 5, 1));

        assertThat(refused.granted()).isFalse();
        assertThat(refused.refused()).isZero();
        // 5 a minute: a token every 12 s
        assertThat(refused.retryAfterMillis()).isBetween(1L, 12_000L);
    }

    @Test
    void aRefusalTakesNothingFromTheOtherBuckets() {
        BucketRequest key = bucket("rpm:key:a", 10, 1);
        BucketRequest tenant = bucket("rpm:tenant:t", 2, 1);
        assertThat(take(key, tenant).remaining()).containsExactly(9, 1);
        assertThat(take(key, tenant).remaining()).containsExactly(8, 0);

        Take refused = take(key, tenant);

        assertThat(refused.granted()).isFalse();
        assertThat(refused.refused()).isEqualTo(1);
        assertThat(refused.retryAfterMillis()).isBetween(1L, 60_000L);
        assertThat(take(bucket("rpm:key:a", 10, 0)).remaining()).containsExactly(8);
    }

    @Test
    void theWaitIsTheTimeTheRefillTakesToCoverTheShortfall() {
        take(bucket("tpm:key:a", 600, 600));

        Take refused = take(bucket("tpm:key:a", 600, 60));

        // 60 tokens at 600 a minute (10 a second) take 6 s, less the little that refilled since
        assertThat(refused.retryAfterMillis()).isBetween(5_000L, 6_000L);
    }

    @Test
    void anEmptyBucketRefillsOverTime() {
        assertThat(take(bucket("rpm:key:a", 600, 600)).granted()).isTrue();
        assertThat(take(bucket("rpm:key:a", 600, 5)).granted()).isFalse();

        // 10 tokens a second
        await().atMost(Duration.ofSeconds(5)).until(() -> take(bucket("rpm:key:a", 600, 5)).granted());
    }

    @Test
    void anAdjustmentUpPutsTheBucketInDebt() {
        take(bucket("tpm:key:a", 10, 1));

        store.adjust(bucket("tpm:key:a", 10, 0), 15);

        // 9 - 15 = -6: 7 tokens short of one, at a token every 6 s
        await().untilAsserted(() -> assertThat(take(bucket("tpm:key:a", 10, 1)).retryAfterMillis()).isGreaterThan(36_000L));
    }

    @Test
    void anAdjustmentDownGivesBackUpToTheLimit() {
        take(bucket("tpm:key:a", 10, 10));
        store.adjust(bucket("tpm:key:a", 10, 0), 15);
        // 16 tokens short at a token every 6 s (adjustments are not awaited: the first must land before the second)
        await().untilAsserted(() -> assertThat(take(bucket("tpm:key:a", 10, 1)).retryAfterMillis()).isGreaterThan(60_000L));

        store.adjust(bucket("tpm:key:a", 10, 0), -100);

        await().untilAsserted(() -> assertThat(take(bucket("tpm:key:a", 10, 0)).remaining()).containsExactly(10));
        assertThat(take(bucket("tpm:key:a", 10, 10)).granted()).isTrue();
        assertThat(take(bucket("tpm:key:a", 10, 1)).granted()).isFalse();
    }

    @Test
    void anAmountAboveTheLimitIsGrantedByAFullBucket() {
        Take take = take(bucket("tpm:key:a", 10, 50));

        assertThat(take.granted()).isTrue();
        assertThat(take.remaining()).containsExactly(0);
        Take next = take(bucket("tpm:key:a", 10, 50));
        assertThat(next.granted()).isFalse();
        assertThat(next.retryAfterMillis()).isBetween(1L, 60_000L);
    }

    @Test
    void aRaisedLimitAppliesOnTheNextTakeAndAddsItsDifference() {
        take(bucket("rpm:key:a", 10, 10));

        Take take = take(bucket("rpm:key:a", 20, 1));

        assertThat(take.granted()).isTrue();
        assertThat(take.remaining()).containsExactly(9);
    }

    @Test
    void atMostMaxRequestsAreInFlight() {
        assertThat(enter("par:key:a", 2, "r1")).isTrue();
        assertThat(enter("par:key:a", 2, "r2")).isTrue();
        assertThat(enter("par:key:a", 2, "r3")).isFalse();
        assertThat(enter("par:key:a", 2, "r1")).as("entering again counts once").isTrue();

        store.leave("par:key:a", "r1");

        await().until(() -> enter("par:key:a", 2, "r3"));
        store.leave("par:key:a", "r1");
        assertThat(enter("par:key:a", 2, "r4")).as("leaving twice frees one place").isFalse();
    }

    @Test
    void concurrentReservationsNeverExceedTheBudget() throws Exception {
        int reservations = 50;
        ExecutorService threads = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Reservation>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < reservations; i++) {
                outcomes.add(CompletableFuture.supplyAsync(() -> {
                    awaitQuietly(start);
                    return answer(store.reserve("budget:tenant:t:day", 10 * DOLLAR, DOLLAR, false, 0, TOMORROW));
                }, threads));
            }
            start.countDown();

            long granted = outcomes.stream().map(CompletableFuture::join).filter(Reservation::granted).count();

            assertThat(granted).isEqualTo(10);
            assertThat(answer(store.account("budget:tenant:t:day"))).isEqualTo(new LimitStore.Account(0, 10 * DOLLAR));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void settlingMovesTheReservationToTheSpend() {
        Reservation reservation = answer(store.reserve("budget:key:a:month", 10 * DOLLAR, 3 * DOLLAR, false, DOLLAR, TOMORROW));
        assertThat(reservation).isEqualTo(new Reservation(true, 3 * DOLLAR, DOLLAR));

        store.settle("budget:key:a:month", 3 * DOLLAR, 2 * DOLLAR, TOMORROW);

        await().untilAsserted(() -> assertThat(answer(store.account("budget:key:a:month")))
                .isEqualTo(new LimitStore.Account(3 * DOLLAR, 0)));
    }

    @Test
    void aClampedReservationTakesTheRoomLeft() {
        Reservation clamped = answer(store.reserve("budget:key:a:day", 10 * DOLLAR, 5 * DOLLAR, true, 8 * DOLLAR, TOMORROW));
        Reservation none = answer(store.reserve("budget:key:a:day", 10 * DOLLAR, 1, true, 0, TOMORROW));

        assertThat(clamped).isEqualTo(new Reservation(true, 2 * DOLLAR, 8 * DOLLAR));
        assertThat(none).isEqualTo(new Reservation(false, 0, 8 * DOLLAR));
    }

    @Test
    void anUnclampedReservationIsAllOrNothing() {
        Reservation refused = answer(store.reserve("budget:key:a:day", 10 * DOLLAR, 5 * DOLLAR, false, 8 * DOLLAR, TOMORROW));

        assertThat(refused).isEqualTo(new Reservation(false, 0, 8 * DOLLAR));
        assertThat(answer(store.account("budget:key:a:day"))).isEqualTo(new LimitStore.Account(8 * DOLLAR, 0));
    }

    @Test
    void theSeedCountsOnlyForAnAccountNotSeenBefore() {
        answer(store.reserve("budget:key:a:total", 10 * DOLLAR, 1, false, 4 * DOLLAR, Instant.MAX));

        Reservation second = answer(store.reserve("budget:key:a:total", 10 * DOLLAR, 1, false, 9 * DOLLAR, Instant.MAX));

        assertThat(second.spent()).isEqualTo(4 * DOLLAR);
        assertThat(answer(store.account("budget:key:a:total"))).isEqualTo(new LimitStore.Account(4 * DOLLAR, 2));
    }

    @Test
    void anAccountWhosePeriodEndedIsForgottenAndSeededAgain() {
        Instant longAgo = Instant.now().minus(Duration.ofDays(3));

        Reservation reservation = answer(store.reserve("budget:key:a:day", 10 * DOLLAR, DOLLAR, false, 2 * DOLLAR, longAgo));

        assertThat(reservation).isEqualTo(new Reservation(true, DOLLAR, 2 * DOLLAR));
        assertThat(answer(store.account("budget:key:a:day"))).isNull();
        assertThat(answer(store.reserve("budget:key:a:day", 10 * DOLLAR, DOLLAR, false, 5 * DOLLAR, longAgo)).spent())
                .isEqualTo(5 * DOLLAR);
    }

    @Test
    void anAdmissionTakesTheBucketsAndReservesEveryAccountAtOnce() {
        LimitStore.Admitted admitted = answer(store.admit(List.of(bucket("rpm:key:a", 5, 1), bucket("tpm:key:a", 1000, 300)),
                List.of(reservation("budget:key:a:day", 10 * DOLLAR, 2 * DOLLAR, 3 * DOLLAR),
                        reservation("budget:tenant:t:day", 100 * DOLLAR, 2 * DOLLAR, 0))));

        assertThat(admitted.take().granted()).isTrue();
        assertThat(admitted.take().remaining()).containsExactly(4, 700);
        assertThat(admitted.refusedAccount()).isEqualTo(-1);
        assertThat(admitted.reserved()).containsExactly(2 * DOLLAR, 2 * DOLLAR);
        assertThat(answer(store.account("budget:key:a:day"))).isEqualTo(new LimitStore.Account(3 * DOLLAR, 2 * DOLLAR));
        assertThat(answer(store.account("budget:tenant:t:day"))).isEqualTo(new LimitStore.Account(0, 2 * DOLLAR));
    }

    @Test
    void anAdmissionWhoseBudgetHasNoRoomReservesFromNoAccountButKeepsItsTake() {
        LimitStore.Admitted admitted = answer(store.admit(List.of(bucket("rpm:key:a", 5, 1)),
                List.of(reservation("budget:tenant:t:day", 100 * DOLLAR, 2 * DOLLAR, 0),
                        reservation("budget:key:a:day", 10 * DOLLAR, 2 * DOLLAR, 9 * DOLLAR))));

        assertThat(admitted.take().granted()).isTrue();
        assertThat(admitted.refusedAccount()).isEqualTo(1);
        assertThat(admitted.reserved()).isEmpty();
        assertThat(take(bucket("rpm:key:a", 5, 1)).remaining()).containsExactly(3);
        await().untilAsserted(() -> assertThat(answer(store.account("budget:tenant:t:day")))
                .isEqualTo(new LimitStore.Account(0, 0)));
        assertThat(answer(store.account("budget:key:a:day"))).isEqualTo(new LimitStore.Account(9 * DOLLAR, 0));
    }

    @Test
    void anAdmissionRefusedByABucketTakesAndReservesNothing() {
        take(bucket("rpm:key:a", 1, 1));

        LimitStore.Admitted admitted = answer(store.admit(List.of(bucket("tpm:key:a", 1000, 10), bucket("rpm:key:a", 1, 1)),
                List.of(reservation("budget:key:a:day", 10 * DOLLAR, DOLLAR, 0))));

        assertThat(admitted.take().granted()).isFalse();
        assertThat(admitted.take().refused()).isEqualTo(1);
        assertThat(take(bucket("tpm:key:a", 1000, 1)).remaining()).containsExactly(999);
        assertThat(answer(store.account("budget:key:a:day"))).satisfiesAnyOf(
                account -> assertThat(account).isNull(),
                account -> assertThat(account.reservedNanoUsd()).isZero());
    }

    @Test
    void finishingSettlesCorrectsAndLeavesInOneStep() {
        answer(store.admit(List.of(bucket("tpm:key:a", 1000, 400)), List.of(reservation("budget:key:a:day", 10 * DOLLAR, 3 * DOLLAR, 0))));
        assertThat(enter("parallel:key:a", 1, "r1")).isTrue();

        store.finish(List.of(new LimitStore.Settlement("budget:key:a:day", 3 * DOLLAR, DOLLAR, TOMORROW)),
                List.of(new LimitStore.Correction(bucket("tpm:key:a", 1000, 400), -300)), List.of("parallel:key:a"), "r1");

        await().untilAsserted(() -> assertThat(answer(store.account("budget:key:a:day")))
                .isEqualTo(new LimitStore.Account(DOLLAR, 0)));
        assertThat(enter("parallel:key:a", 1, "r2")).isTrue();
        // 1000 - 400 + 300 given back, less the 1 taken now (and a refill of at most a few tokens meanwhile)
        assertThat(take(bucket("tpm:key:a", 1000, 1)).remaining()[0]).isBetween(899L, 999L);
    }

    @Test
    void anAccountNotSeenIsNull() {
        assertThat(answer(store.account("budget:key:nobody:day"))).isNull();
    }

    private static LimitStore.ReserveRequest reservation(String account, long limit, long amount, long seed) {
        return new LimitStore.ReserveRequest(account, limit, amount, false, seed, TOMORROW);
    }

    protected Take take(BucketRequest... buckets) {
        return answer(store.take(List.of(buckets)));
    }

    protected boolean enter(String key, int max, String requestId) {
        return answer(store.enter(key, max, requestId));
    }

    protected static BucketRequest bucket(String key, long limit, long amount) {
        return new BucketRequest(key, limit, amount);
    }

    protected static <T> T answer(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the store did not answer: " + e, e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
