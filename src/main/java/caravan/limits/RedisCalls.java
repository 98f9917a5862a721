package caravan.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls to one Redis, each bounded in time, and what they tell of its reachability. Any failure (refused,
 * timed out, an error reply) fails the call with {@link StoreUnavailableException} and marks Redis
 * unreachable; any success marks it reachable again. While it is unreachable, a PING each second looks for
 * its return, so that a {@code /readyz} that took the instance out of traffic can bring it back.
 */
final class RedisCalls {

    private static final long PROBE_EVERY_MILLIS = 1000;

    private final Vertx vertx;
    private final Redis redis;
    private final String address;
    private final long timeoutMillis;
    private final long probe;
    private volatile boolean reachable = true;

    RedisCalls(Vertx vertx, Redis redis, RedisSettings settings) {
        this.vertx = vertx;
        this.redis = redis;
        this.address = settings.address();
        this.timeoutMillis = settings.timeout().toMillis();
        this.probe = vertx.setPeriodic(PROBE_EVERY_MILLIS, timer -> {
            if (!reachable) {
                ping();
            }
        });
    }

    Future<Response> ping() {
        return send(Request.cmd(Command.PING));
    }

    Future<Response> send(Request request) {
        return bounded(redis.send(request), request.command().toString().toUpperCase(Locale.ROOT));
    }

    /** Runs a script by its digest, and by its source when Redis does not have it (it restarted empty). */
    Future<Response> run(LuaScript script, List<String> keys, List<String> args) {
        return bounded(redis.send(script.evalsha(keys, args)).recover(failure -> unknownScript(failure)
                ? redis.send(script.eval(keys, args))
                : Future.failedFuture(failure)), "the " + script.name() + " script");
    }

    boolean reachable() {
        return reachable;
    }

    void close() {
        vertx.cancelTimer(probe);
        redis.close();
    }

    private Future<Response> bounded(Future<Response> call, String what) {
        return call.timeout(timeoutMillis, TimeUnit.MILLISECONDS).transform(outcome -> {
            reachable = outcome.succeeded();
            return outcome.succeeded()
                    ? Future.succeededFuture(outcome.result())
                    : Future.failedFuture(unavailable(outcome.cause(), what));
        });
    }

    private StoreUnavailableException unavailable(Throwable failure, String what) {
        if (failure instanceof TimeoutException) {
            return new StoreUnavailableException(
                    "Redis at " + address + " did not answer " + what + " within " + timeoutMillis + " ms", failure);
        }
        return new StoreUnavailableException("Redis at " + address + " failed " + what + ": " + failure.getMessage(), failure);
    }

    private static boolean unknownScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }
}
