package caravan.limits;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Calls to one Redis, each bounded in time (the settings' timeout for its reply, after the connect timeout
 * when its connection has to be opened first), and what they tell of its reachability. Any failure (refused,
 * timed out, an error reply) fails the call with {@link StoreUnavailableException} and marks Redis
 * unreachable; any success marks it reachable again. While it is unreachable, a PING each second looks for
 * its return, so that a {@code /readyz} that took the instance out of traffic can bring it back.
 *
 * <p>Each Vert.x event loop has a lane of its own: one pipelined connection opened on that loop, so a
 * caller on the loop writes and reads its replies on its own thread (a pool's connections live on the one
 * loop that created the client: every reply, and the request it resumes, would cross to that thread). The
 * calls a loop makes while it handles one round of I/O go out together as one write when the round is
 * over, under one timeout. Callers off the loops (tests, the store pool) share a lane of their own.
 */
public final class RedisCalls {

    private static final long PROBE_EVERY_MILLIS = 1000;

    private final Vertx vertx;
    private final RedisOptions options;
    private final List<LuaScript> scripts;
    private final String address;
    private final long timeoutMillis;
    private final long connectTimeoutMillis;
    private final long probe;
    private final Map<Object, Lane> lanes = new ConcurrentHashMap<>();
    private final Lane offLoop;
    private volatile boolean reachable = true;
    private volatile boolean closed;

    /** @param scripts loaded on every connection as it opens, so that calls can name them by digest */
    RedisCalls(Vertx vertx, RedisOptions options, RedisSettings settings, List<LuaScript> scripts) {
        this.vertx = vertx;
        this.options = options;
        this.scripts = scripts;
        this.address = settings.address();
        this.timeoutMillis = settings.timeout().toMillis();
        this.connectTimeoutMillis = options.getNetClientOptions().getConnectTimeout();
        this.offLoop = new Lane(((VertxInternal) vertx).createEventLoopContext());
        this.probe = vertx.setPeriodic(PROBE_EVERY_MILLIS, timer -> {
            if (!reachable) {
                ping();
            }
        });
    }

    /**
     * Calls to the Redis at {@code settings} for plain commands (no scripts), as the response cache makes
     * them: lanes of its own, so its reachability and its load are its own. Opens no connection yet.
     */
    public static RedisCalls forCommands(Vertx vertx, RedisSettings settings) {
        return new RedisCalls(vertx, options(vertx, settings), settings, List.of());
    }

    /** Long enough for a TLS handshake with a distant Redis to finish and serve the calls after; short enough that calls waiting for a connection to a Redis that is gone are not held long. */
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    /** The client options for {@code settings}: a URL the client cannot read fails here, at start, not on the first call. */
    static RedisOptions options(Vertx vertx, RedisSettings settings) {
        try {
            RedisOptions options = new RedisOptions()
                    .setConnectionString(settings.url())
                    .setMaxWaitingHandlers(settings.maxInFlight());
            options.getNetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            // the client reads the URL as it is made
            Redis.createClient(vertx, options).close();
            return options;
        } catch (RuntimeException unreadable) {
            // no cause: the client's parse errors quote the whole URL, password included ("Malformed escape
            // pair at index 15: redis://:...@host"), and the start failure prints the root cause
            throw new IllegalArgumentException("REDIS_URL cannot be read as a Redis URL (redis://[:password@]host:6379[/db],"
                    + " rediss:// for TLS; %-encode reserved characters and spaces in the password)");
        }
    }

    public Future<Response> ping() {
        return send(Request.cmd(Command.PING));
    }

    public Future<Response> send(Request request) {
        return lane().call(request, () -> request.command().toString().toUpperCase(Locale.ROOT));
    }

    /**
     * Runs a script by its digest. Every connection loads the scripts as it opens, so a Redis that restarted
     * empty (its connections dropped) has them again before any call; one whose scripts were flushed under
     * a live connection fails the calls of that moment and gets them again on the next.
     */
    Future<Response> run(LuaScript script, List<String> keys, List<String> args) {
        return lane().call(script.evalsha(keys, args), () -> "the " + script.name() + " script");
    }

    public boolean reachable() {
        return reachable;
    }

    public void close() {
        closed = true;
        vertx.cancelTimer(probe);
        offLoop.close();
        lanes.values().forEach(Lane::close);
    }

    /** The lane of the caller's event loop, opened on it the first time; the shared one off the loops. */
    private Lane lane() {
        Context current = Vertx.currentContext();
        if (current == null || current.owner() != vertx || !current.isEventLoopContext()) {
            return offLoop;
        }
        ContextInternal context = ((ContextInternal) current).unwrap();
        Lane lane = lanes.get(context.nettyEventLoop());
        return lane != null ? lane : lanes.computeIfAbsent(context.nettyEventLoop(), loop -> new Lane(context));
    }

    private void outcome(boolean succeeded) {
        if (reachable != succeeded) {
            reachable = succeeded;
        }
    }

    private StoreUnavailableException unavailable(Throwable failure, String what) {
        if (failure instanceof TimeoutException) {
            return new StoreUnavailableException(
                    "Redis at " + address + " did not answer " + what + " within " + timeoutMillis + " ms", failure);
        }
        return new StoreUnavailableException("Redis at " + address + " failed " + what + ": " + failure.getMessage(), failure);
    }

    /** One event loop's connection and the calls waiting for the end of the loop's current round. */
    private final class Lane {

        private final ContextInternal context;
        private Redis client;
        /** The connection, open or opening; null when there is none (not yet, or it broke). */
        private Future<RedisConnection> connection;
        private List<Pending> pending = new ArrayList<>();
        private boolean flushScheduled;

        Lane(ContextInternal context) {
            this.context = context;
        }

        Future<Response> call(Request request, Supplier<String> what) {
            Promise<Response> promise = Promise.promise();
            if (context.inThread()) {
                enqueue(new Pending(request, what, promise));
            } else {
                context.execute(() -> enqueue(new Pending(request, what, promise)));
            }
            return promise.future();
        }

        /** On the lane's loop: the call waits for the round to end, then leaves with the others. */
        private void enqueue(Pending call) {
            if (closed) {
                call.promise.fail(unavailable(new IllegalStateException("the Redis client is closed"), call.what.get()));
                return;
            }
            pending.add(call);
            if (!flushScheduled) {
                flushScheduled = true;
                context.runOnContext(v -> flush());
            }
        }

        private void flush() {
            flushScheduled = false;
            List<Pending> batch = pending;
            pending = new ArrayList<>();
            List<Request> requests = new ArrayList<>(batch.size());
            for (Pending call : batch) {
                requests.add(call.request);
            }
            connection().compose(open -> open.batch(requests).onFailure(failure -> scriptsLost(open, failure))
                            .timeout(timeoutMillis, TimeUnit.MILLISECONDS))
                    .onComplete(replies -> {
                        outcome(replies.succeeded());
                        for (int i = 0; i < batch.size(); i++) {
                            Pending call = batch.get(i);
                            if (replies.succeeded()) {
                                call.promise.complete(replies.result().get(i));
                            } else {
                                call.promise.fail(unavailable(replies.cause(), call.what.get()));
                            }
                        }
                    });
        }

        /** The open connection, or one being opened on this loop with the scripts loaded. */
        private Future<RedisConnection> connection() {
            if (connection == null) {
                if (client == null) {
                    // created on this loop's context, so that its connections are this loop's
                    context.dispatch(() -> client = Redis.createClient(vertx, options));
                }
                Future<RedisConnection> connecting = client.connect();
                Future<RedisConnection> opening = connecting.map(open -> {
                    // one connection answers in order: the scripts are loaded before any call that follows names them
                    List<Request> loads = new ArrayList<>(scripts.size());
                    scripts.forEach(script -> loads.add(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source())));
                    open.batch(loads).onFailure(failure -> open.close());
                    return open;
                }).timeout(connectTimeoutMillis, TimeUnit.MILLISECONDS);
                // a connection that opens after its wait was given up is not kept
                opening.onFailure(late -> connecting.onSuccess(RedisConnection::close));
                connection = opening;
                opening.onComplete(open -> {
                    if (open.failed()) {
                        forget(opening);
                    } else {
                        // a broken socket ends the connection: the next round opens another
                        open.result().exceptionHandler(failure -> forget(opening)).endHandler(end -> forget(opening));
                    }
                });
            }
            return connection;
        }

        /** A Redis whose scripts were flushed under a live connection: the connection is dropped, the next one loads them. */
        private void scriptsLost(RedisConnection open, Throwable failure) {
            if (failure.getMessage() != null && failure.getMessage().contains("NOSCRIPT")) {
                connection = null;
                open.close();
            }
        }

        private void forget(Future<RedisConnection> broken) {
            if (connection == broken) {
                connection = null;
            }
        }

        void close() {
            context.execute(() -> {
                if (client != null) {
                    client.close();
                }
                for (Pending call : pending) {
                    call.promise.tryFail(unavailable(new IllegalStateException("the Redis client is closed"), call.what.get()));
                }
                pending.clear();
            });
        }
    }

    /** @param what names the call in errors, built only when one happens */
    private record Pending(Request request, Supplier<String> what, Promise<Response> promise) {
    }
}
