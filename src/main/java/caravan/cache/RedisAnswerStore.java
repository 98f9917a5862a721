package caravan.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import caravan.limits.RedisCalls;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact entries shared by every instance through Redis: {@code GET} and {@code SET ... PX <ttl>} (Redis
 * expires them), through the non-blocking client with one pipelined connection per event loop
 * ({@link RedisCalls}), each call bounded by {@code GATEWAY_REDIS_TIMEOUT_MS}. A call that fails (Redis down,
 * slow, or answering errors) is served by the embedded store instead, so an outage costs hits, never
 * errors: each failure is counted ({@code caravan_cache_fallbacks_total}) and the outage is logged when it
 * starts and when it ends.
 */
public final class RedisAnswerStore implements AnswerStore {

    private static final Logger LOG = LoggerFactory.getLogger(RedisAnswerStore.class);

    private final RedisCalls calls;
    private final String prefix;
    private final String address;
    private final LocalAnswerStore fallback;
    private final Consumer<String> onFallback;
    private final AtomicBoolean down = new AtomicBoolean();

    /**
     * @param prefix     put before every key ({@code caravan:cache:e:})
     * @param fallback   where entries go and come from while Redis cannot be reached
     * @param onFallback told the operation ({@code get}, {@code put}) each time the fallback served one
     */
    public RedisAnswerStore(RedisCalls calls, String prefix, String address, LocalAnswerStore fallback,
                            Consumer<String> onFallback) {
        this.calls = calls;
        this.prefix = prefix;
        this.address = address;
        this.fallback = fallback;
        this.onFallback = onFallback;
    }

    @Override
    public CompletionStage<CachedAnswer> get(String key) {
        CompletableFuture<CachedAnswer> found = new CompletableFuture<>();
        calls.send(Request.cmd(Command.GET).arg(prefix + key)).onComplete(reply -> {
            if (reply.failed()) {
                failed("get", reply.cause());
                found.complete(fallback.getNow(key));
                return;
            }
            recovered();
            Response value = reply.result();
            found.complete(value == null ? null : CachedAnswer.fromBytes(value.toBytes()));
        });
        return found;
    }

    @Override
    public void put(String key, CachedAnswer answer) {
        calls.send(Request.cmd(Command.SET).arg(prefix + key).arg(Buffer.buffer(answer.toBytes()))
                .arg("PX").arg(answer.ttlMillis())).onComplete(reply -> {
                    if (reply.failed()) {
                        failed("put", reply.cause());
                        fallback.put(key, answer);
                    } else {
                        recovered();
                    }
                });
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public void close() {
        calls.close();
    }

    private void failed(String operation, Throwable cause) {
        onFallback.accept(operation);
        if (down.compareAndSet(false, true)) {
            LOG.warn("Response cache: Redis at {} cannot be reached ({}); the embedded cache serves until it is back",
                    address, cause.getMessage());
        }
    }

    private void recovered() {
        if (down.compareAndSet(true, false)) {
            LOG.info("Response cache: Redis at {} answers again; entries are shared again", address);
        }
    }
}
