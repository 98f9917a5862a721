package caravan.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The shared limit store: every instance pointed at one Redis enforces one limit. Each operation is one Lua
 * script (one round trip, atomic across instances, on Redis's clock so that instances whose clocks disagree
 * still agree), through a non-blocking client with one pipelined connection per event loop ({@link RedisCalls});
 * a call that cannot finish in time fails with {@link StoreUnavailableException}. Under load the scripts are
 * shared: the admissions a loop makes in one round of I/O are one {@code admit_many} script, and what calls
 * give back when they end waits {@link #FINISH_WINDOW_MILLIS} to leave with others in one {@code finish}.
 * The fire-and-forget returns ({@code finish}, {@code adjust}, {@code leave}, {@code settle}) log their
 * failures at most once a minute.
 */
public final class RedisLimitStore implements LimitStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLimitStore.class);
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    private static final LuaScript TAKE = LuaScript.load("take", "limits/bucket.lua", "limits/take.lua");
    private static final LuaScript ADJUST = LuaScript.load("adjust", "limits/bucket.lua", "limits/adjust.lua");
    private static final LuaScript ENTER = LuaScript.load("enter", "limits/enter.lua");
    private static final LuaScript RESERVE = LuaScript.load("reserve", "limits/budget.lua", "limits/reserve.lua");
    private static final LuaScript SETTLE = LuaScript.load("settle", "limits/budget.lua", "limits/settle.lua");
    private static final LuaScript ADMIT = LuaScript.load("admit", "limits/bucket.lua", "limits/budget.lua",
            "limits/admission.lua", "limits/admit.lua");
    private static final LuaScript ADMIT_MANY = LuaScript.load("admit_many", "limits/bucket.lua", "limits/budget.lua",
            "limits/admission.lua", "limits/admit_many.lua");
    private static final LuaScript FINISH = LuaScript.load("finish", "limits/bucket.lua", "limits/budget.lua", "limits/finish.lua");

    /**
     * How long an ended call's returns wait for others to go with them: a few milliseconds is many calls under
     * load, and nothing a limit or a budget notices.
     */
    static final long FINISH_WINDOW_MILLIS = 2;

    private final Vertx vertx;
    private final RedisCalls calls;
    private final long timeoutMillis;
    private final PendingFinishes pendingFinishes = new PendingFinishes();
    private final String bucketPrefix;
    private final String inFlightPrefix;
    private final String budgetPrefix;
    private final String inFlightStaleMillis = Long.toString(Lifetimes.IN_FLIGHT_STALE.toMillis());
    private final ThrottledWarning adjustFailed = new ThrottledWarning(LOG, "Could not correct a rate-limit bucket in Redis", LOG_EVERY);
    private final ThrottledWarning leaveFailed = new ThrottledWarning(LOG, "Could not end an in-flight request in Redis", LOG_EVERY);
    private final ThrottledWarning settleFailed = new ThrottledWarning(LOG, "Could not settle a budget reservation in Redis", LOG_EVERY);
    private final ThrottledWarning finishFailed = new ThrottledWarning(LOG, "Could not give back what a call held in Redis", LOG_EVERY);

    private RedisLimitStore(Vertx vertx, RedisOptions options, RedisSettings settings) {
        this.vertx = vertx;
        this.timeoutMillis = settings.timeout().toMillis();
        this.calls = new RedisCalls(vertx, options, settings, List.of(TAKE, ADJUST, ENTER, RESERVE, SETTLE, ADMIT, ADMIT_MANY, FINISH));
        this.bucketPrefix = settings.keyPrefix() + "bucket:";
        this.inFlightPrefix = settings.keyPrefix() + "inflight:";
        this.budgetPrefix = settings.keyPrefix() + "budget:";
    }

    /** A store on the Redis at {@code redisUrl} with the default settings ({@link RedisSettings#of}). */
    public static RedisLimitStore connect(Vertx vertx, String redisUrl) {
        return connect(vertx, RedisSettings.of(redisUrl));
    }

    /** Opens no connection yet: a Redis that is down shows in {@link #reachable()} and in each call. */
    public static RedisLimitStore connect(Vertx vertx, RedisSettings settings) {
        RedisOptions options = RedisCalls.options(vertx, settings);
        RedisLimitStore store = new RedisLimitStore(vertx, options, settings);
        store.calls.ping().onComplete(outcome -> LOG.info("Limit store: Redis at {}{}", settings.address(),
                outcome.succeeded() ? "" : ", not reachable yet: " + outcome.cause().getMessage()));
        return store;
    }

    @Override
    public CompletionStage<Take> take(List<BucketRequest> buckets) {
        if (buckets.isEmpty()) {
            return CompletableFuture.completedFuture(new Take(true, new long[0], -1, 0));
        }
        List<String> keys = new ArrayList<>(buckets.size());
        List<String> args = new ArrayList<>(2 * buckets.size());
        for (BucketRequest bucket : buckets) {
            keys.add(bucketPrefix + bucket.key());
            args.add(Long.toString(bucket.limit()));
            args.add(Long.toString(BucketAmounts.toTake(bucket)));
        }
        return calls.run(TAKE, keys, args).map(RedisLimitStore::take).toCompletionStage();
    }

    /** {1, remaining...} when granted, {0, refused index, millis to wait} when not (take.lua). */
    private static Take take(Response reply) {
        if (reply.get(0).toInteger() == 0) {
            return new Take(false, new long[0], reply.get(1).toInteger(), reply.get(2).toLong());
        }
        long[] remaining = new long[reply.size() - 1];
        for (int i = 0; i < remaining.length; i++) {
            remaining[i] = reply.get(i + 1).toLong();
        }
        return new Take(true, remaining, -1, 0);
    }

    @Override
    public CompletionStage<Admitted> admit(List<BucketRequest> buckets, List<ReserveRequest> reservations) {
        List<String> keys = new ArrayList<>(buckets.size() + reservations.size());
        List<String> args = new ArrayList<>(1 + 2 * buckets.size() + 5 * reservations.size());
        args.add(Integer.toString(buckets.size()));
        for (BucketRequest bucket : buckets) {
            keys.add(bucketPrefix + bucket.key());
            args.add(Long.toString(bucket.limit()));
            args.add(Long.toString(BucketAmounts.toTake(bucket)));
        }
        for (ReserveRequest asked : reservations) {
            keys.add(budgetPrefix + asked.account());
            args.add(Long.toString(asked.limitNanoUsd()));
            args.add(Long.toString(asked.amountNanoUsd()));
            args.add(asked.clamp() ? "1" : "0");
            args.add(Long.toString(asked.seedSpentNanoUsd()));
            args.add(forgetAt(asked.expiresAt()));
        }
        int bucketCount = buckets.size();
        // the admissions one loop makes in one round of I/O go to Redis as one script
        return calls.run(ADMIT, ADMIT_MANY, keys, args).map(reply -> admitted(reply, bucketCount, reservations.size()))
                .toCompletionStage();
    }

    /** take.lua's refusal, or {1, remaining of each bucket..., refused account or -1, (reserved, spent) of each account} (admit.lua). */
    private static Admitted admitted(Response reply, int buckets, int accounts) {
        if (reply.get(0).toInteger() == 0) {
            return new Admitted(take(reply), new long[0], -1);
        }
        long[] remaining = new long[buckets];
        for (int i = 0; i < buckets; i++) {
            remaining[i] = reply.get(i + 1).toLong();
        }
        int refused = reply.get(buckets + 1).toInteger();
        long[] reserved = new long[refused < 0 ? accounts : 0];
        for (int i = 0; i < reserved.length; i++) {
            reserved[i] = reply.get(buckets + 2 + 2 * i).toLong();
        }
        return new Admitted(new Take(true, remaining, -1, 0), reserved, refused);
    }

    /**
     * Gathered with the returns of the other calls that end within {@link #FINISH_WINDOW_MILLIS}, then sent
     * as one script ({@link PendingFinishes}).
     */
    @Override
    public void finish(List<Settlement> settlements, List<Correction> corrections, List<String> inFlightKeys, String requestId) {
        List<PendingFinishes.Settlement> settled = new ArrayList<>(settlements.size());
        for (Settlement settlement : settlements) {
            settled.add(new PendingFinishes.Settlement(budgetPrefix + settlement.account(), -settlement.reservedNanoUsd(),
                    settlement.spentNanoUsd(), forgetAt(settlement.expiresAt())));
        }
        List<PendingFinishes.Correction> corrected = new ArrayList<>(corrections.size());
        for (Correction correction : corrections) {
            if (correction.delta() != 0) {
                corrected.add(new PendingFinishes.Correction(bucketPrefix + correction.bucket().key(),
                        correction.bucket().limit(), correction.delta()));
            }
        }
        List<String> inFlight = inFlightKeys.isEmpty() ? List.of() : new ArrayList<>(inFlightKeys.size());
        for (String key : inFlightKeys) {
            inFlight.add(inFlightPrefix + key);
        }
        if (pendingFinishes.add(settled, corrected, inFlight, requestId)) {
            vertx.setTimer(FINISH_WINDOW_MILLIS, timer -> flushFinishes());
        }
    }

    /** Sends what ended calls gave back since the last flush; completes when Redis has taken all of it. */
    private Future<Void> flushFinishes() {
        List<Future<Response>> sent = new ArrayList<>();
        for (PendingFinishes.Call call : pendingFinishes.drain()) {
            sent.add(calls.run(FINISH, call.keys, call.args()).onFailure(finishFailed::warn));
        }
        return Future.join(sent).mapEmpty();
    }

    @Override
    public void adjust(BucketRequest bucket, long delta) {
        if (delta != 0) {
            calls.run(ADJUST, List.of(bucketPrefix + bucket.key()), List.of(Long.toString(bucket.limit()), Long.toString(delta)))
                    .onFailure(adjustFailed::warn);
        }
    }

    @Override
    public CompletionStage<Boolean> enter(String key, int max, String requestId) {
        return calls.run(ENTER, List.of(inFlightPrefix + key), List.of(Integer.toString(max), requestId, inFlightStaleMillis))
                .map(reply -> reply.toInteger() == 1)
                .toCompletionStage();
    }

    @Override
    public void leave(String key, String requestId) {
        // a single ZREM is atomic already: no script needed
        calls.send(Request.cmd(Command.ZREM).arg(inFlightPrefix + key).arg(requestId)).onFailure(leaveFailed::warn);
    }

    @Override
    public CompletionStage<Reservation> reserve(String account, long limitNanoUsd, long amountNanoUsd, boolean clamp,
                                                long seedSpentNanoUsd, Instant expiresAt) {
        return calls.run(RESERVE, List.of(budgetPrefix + account), List.of(Long.toString(limitNanoUsd),
                        Long.toString(amountNanoUsd), clamp ? "1" : "0", Long.toString(seedSpentNanoUsd), forgetAt(expiresAt)))
                .map(reply -> new Reservation(reply.get(0).toInteger() == 1, reply.get(1).toLong(), reply.get(2).toLong()))
                .toCompletionStage();
    }

    @Override
    public void settle(String account, long reservedNanoUsd, long spentNanoUsd, Instant expiresAt) {
        // negated here: a "-" put before "0" in Lua would make "-0", which Redis does not read as an integer
        calls.run(SETTLE, List.of(budgetPrefix + account),
                        List.of(Long.toString(-reservedNanoUsd), Long.toString(spentNanoUsd), forgetAt(expiresAt)))
                .onFailure(settleFailed::warn);
    }

    @Override
    public CompletionStage<Account> account(String account) {
        return calls.send(Request.cmd(Command.HMGET).arg(budgetPrefix + account).arg("spent").arg("reserved"))
                .map(RedisLimitStore::account)
                .toCompletionStage();
    }

    private static Account account(Response reply) {
        if (reply.get(0) == null) {
            return null;
        }
        return new Account(reply.get(0).toLong(), reply.get(1) == null ? 0 : reply.get(1).toLong());
    }

    @Override
    public boolean reachable() {
        return calls.reachable();
    }

    @Override
    public String kind() {
        return "redis";
    }

    /** Gives back what ended calls still hold (waiting up to the store's timeout for Redis to take it), then closes. */
    @Override
    public void close() {
        Future<Void> flushed = flushFinishes();
        if (!Context.isOnEventLoopThread()) {
            try {
                // a connection may have to be opened first (RedisCalls' connect timeout, a second)
                flushed.toCompletionStage().toCompletableFuture().get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
            } catch (Exception notGivenBack) {
                LOG.warn("Closing the limit store before Redis took back what ended calls held: {}", notGivenBack.toString());
            }
        }
        calls.close();
    }

    /** PEXPIREAT's argument: the end of the period plus the grace, or '' for an account kept for good. */
    private static String forgetAt(Instant expiresAt) {
        long millis = Lifetimes.forgetAtMillis(expiresAt);
        return millis == Lifetimes.NEVER ? "" : Long.toString(millis);
    }
}
