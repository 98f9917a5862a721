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
import java.util.IdentityHashMap;
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
            // pair at index 15: redis://:...@host"), and the start failure may print any message in the chain
            throw new IllegalArgumentException("REDIS_URL cannot be read as a Redis URL (redis://[:password@]host:6379[/db],"
                    + " rediss:// for TLS; %-encode reserved characters and spaces in the password)");
        }
    }

    public Future<Response> ping() {
        return send(Request.cmd(Command.PING));
    }

    public Future<Response> send(Request request) {
        return lane().call(request, () -> request.command().toString().toUpperCase(Locale.ROOT), null);
    }

    /**
     * Runs a script by its digest. Every connection loads the scripts as it opens, so a Redis that restarted
     * empty (its connections dropped) has them again before any call; one whose scripts were flushed under
     * a live connection fails the calls of that moment and gets them again on the next.
     */
    Future<Response> run(LuaScript script, List<String> keys, List<String> args) {
        return lane().call(script.evalsha(keys, args), () -> "the " + script.name() + " script", null);
    }

    /**
     * Runs a script by its digest, or, when other calls of it are made in the same round of the loop, as one
     * call of {@code many} with theirs: {@code many} takes how many calls, each one's numbers of keys and of
     * arguments, then every call's arguments in order, with every call's keys in order, and answers each
     * call's reply in order. One call of a script that handles a batch costs Redis (and the connection) far
     * less than one per call.
     */
    Future<Response> run(LuaScript script, LuaScript many, List<String> keys, List<String> args) {
        // its own request is made only if no other call of the script comes in the round
        return lane().call(null, () -> "the " + script.name() + " script", new Combinable(script, many, keys, args));
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

        Future<Response> call(Request request, Supplier<String> what, Combinable combinable) {
            Promise<Response> promise = Promise.promise();
            Pending call = new Pending(request, what, promise, combinable);
            if (context.inThread()) {
                enqueue(call);
            } else {
                context.execute(() -> enqueue(call));
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
            Round round = Round.of(batch);
            connection().compose(open -> open.batch(round.requests).onFailure(failure -> scriptsLost(open, failure))
                            .timeout(timeoutMillis, TimeUnit.MILLISECONDS))
                    .onComplete(replies -> {
                        outcome(replies.succeeded());
                        for (int i = 0; i < batch.size(); i++) {
                            Pending call = batch.get(i);
                            if (replies.succeeded()) {
                                Response reply = replies.result().get(round.request[i]);
                                call.promise.complete(round.part[i] < 0 ? reply : reply.get(round.part[i]));
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

    /**
     * @param what       names the call in errors, built only when one happens
     * @param request    the call's own request; null for a combinable call, whose request the round makes
     * @param combinable how the call joins others of its script in one request, or null when it cannot
     */
    private record Pending(Request request, Supplier<String> what, Promise<Response> promise, Combinable combinable) {
    }

    /** A script call that can go as part of one call of {@code many} (see {@link #run(LuaScript, LuaScript, List, List)}). */
    private record Combinable(LuaScript script, LuaScript many, List<String> keys, List<String> args) {
    }

    /**
     * What one round sends: each call's own request, except that the combinable calls of one script, when
     * there are several, go as one request of its batch script, placed where the first of them was.
     *
     * @param request for each call, the index of the request that carries it
     * @param part    for each call, its element of that request's reply, or -1 for the whole reply
     */
    private record Round(List<Request> requests, int[] request, int[] part) {

        static Round of(List<Pending> batch) {
            List<Request> requests = new ArrayList<>(batch.size());
            int[] request = new int[batch.size()];
            int[] part = new int[batch.size()];
            Map<LuaScript, List<Integer>> groups = null;
            for (int i = 0; i < batch.size(); i++) {
                Combinable combinable = batch.get(i).combinable;
                if (combinable != null) {
                    if (groups == null) {
                        groups = new IdentityHashMap<>(2);
                    }
                    groups.computeIfAbsent(combinable.many, many -> new ArrayList<>()).add(i);
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                Combinable combinable = batch.get(i).combinable;
                List<Integer> group = combinable == null ? null : groups.get(combinable.many);
                if (group == null || group.size() == 1) {
                    request[i] = requests.size();
                    part[i] = -1;
                    requests.add(combinable == null ? batch.get(i).request
                            : combinable.script.evalsha(combinable.keys, combinable.args));
                } else if (group.get(0) == i) {
                    int at = requests.size();
                    for (int member = 0; member < group.size(); member++) {
                        request[group.get(member)] = at;
                        part[group.get(member)] = member;
                    }
                    requests.add(combined(combinable.many, group, batch));
                }
            }
            return new Round(requests, request, part);
        }

        private static Request combined(LuaScript many, List<Integer> group, List<Pending> batch) {
            List<String> keys = new ArrayList<>();
            List<String> args = new ArrayList<>();
            args.add(Integer.toString(group.size()));
            for (int index : group) {
                Combinable call = batch.get(index).combinable;
                args.add(Integer.toString(call.keys.size()));
                args.add(Integer.toString(call.args.size()));
            }
            for (int index : group) {
                Combinable call = batch.get(index).combinable;
                keys.addAll(call.keys);
                args.addAll(call.args);
            }
            return many.evalsha(keys, args);
        }
    }
}
