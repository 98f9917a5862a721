package caravan.cache;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import caravan.limits.RedisCalls;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;

/**
 * Semantic entries shared through Redis: each instance appends the entries it stores to one Redis stream
 * ({@code XADD ... MAXLEN ~ <max>}: the tenant, the context digest, the exact key, the expiry and the vector)
 * and follows the stream ({@code XREAD} every {@value #FOLLOW_EVERY_MILLIS} ms from the last entry it read,
 * at once again after a full batch; from the start of the stream when it starts), indexing what the others
 * stored. So a question cached by one
 * instance is a semantic hit on another within a second, while every instance searches its own in-memory
 * index. Calls go through the cache's non-blocking Redis lanes; a Redis that is down costs the sharing of
 * entries, never a call, and the following resumes where it stopped.
 */
final class SemanticFeed {

    static final long FOLLOW_EVERY_MILLIS = 250;
    private static final int READ_BATCH = 1000;

    private final RedisCalls calls;
    private final String stream;
    private final long maxLength;
    private final String origin = UUID.randomUUID().toString();
    private final Vertx vertx;
    private final long timer;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile String lastId = "0";

    /** What to do with another instance's entry (on the indexer, never on an event loop). */
    interface Receiver {
        void received(String tenant, String context, float[] vector, String key, long expiresAtMillis);
    }

    SemanticFeed(Vertx vertx, RedisCalls calls, String stream, long maxLength, Executor indexer, Receiver receiver) {
        this.vertx = vertx;
        this.calls = calls;
        this.stream = stream;
        this.maxLength = maxLength;
        this.timer = vertx.setPeriodic(FOLLOW_EVERY_MILLIS, id -> follow(indexer, receiver));
    }

    void publish(String tenant, String context, float[] vector, String key, long expiresAtMillis) {
        calls.send(Request.cmd(Command.XADD).arg(stream).arg("MAXLEN").arg("~").arg(maxLength).arg("*")
                .arg("origin").arg(origin).arg("tenant").arg(tenant == null ? "" : tenant).arg("context").arg(context)
                .arg("key").arg(key).arg("expires").arg(expiresAtMillis).arg("vector").arg(Buffer.buffer(bytes(vector))));
    }

    private void follow(Executor indexer, Receiver receiver) {
        if (!reading.compareAndSet(false, true)) {
            return;
        }
        calls.send(Request.cmd(Command.XREAD).arg("COUNT").arg(READ_BATCH).arg("STREAMS").arg(stream).arg(lastId))
                .onComplete(reply -> {
                    if (reply.failed() || reply.result() == null) {
                        reading.set(false);
                        return;
                    }
                    Response entries = entriesOf(reply.result());
                    if (entries == null || entries.size() == 0) {
                        reading.set(false);
                        return;
                    }
                    lastId = entries.get(entries.size() - 1).get(0).toString();
                    // a full batch says more is waiting (a starting instance catching up): read on at once
                    boolean more = entries.size() >= READ_BATCH;
                    indexer.execute(() -> {
                        try {
                            for (Response entry : entries) {
                                receive(entry.get(1), receiver);
                            }
                        } finally {
                            reading.set(false);
                            if (more) {
                                vertx.runOnContext(v -> follow(indexer, receiver));
                            }
                        }
                    });
                });
    }

    /** The entries of the one stream read: RESP3 answers a map of streams, RESP2 an array of [name, entries]. */
    private Response entriesOf(Response reply) {
        if (reply.type() == ResponseType.MULTI && reply.size() > 0 && reply.containsKey(stream)) {
            return reply.get(stream);
        }
        Response first = reply.size() > 0 ? reply.get(0) : null;
        return first != null && first.size() > 1 ? first.get(1) : null;
    }

    private void receive(Response fields, Receiver receiver) {
        String entryOrigin = null;
        String tenant = null;
        String context = null;
        String key = null;
        long expires = 0;
        float[] vector = null;
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            Response value = fields.get(i + 1);
            switch (fields.get(i).toString()) {
                case "origin" -> entryOrigin = value.toString();
                case "tenant" -> tenant = value.toString();
                case "context" -> context = value.toString();
                case "key" -> key = value.toString();
                case "expires" -> expires = Long.parseLong(value.toString());
                case "vector" -> vector = vector(value.toBytes());
                default -> {
                    // a field a later version adds
                }
            }
        }
        // this instance indexed its own entries as it stored them
        if (!origin.equals(entryOrigin) && context != null && key != null && vector != null
                && expires > System.currentTimeMillis()) {
            receiver.received(tenant, context, vector, key, expires);
        }
    }

    private static byte[] bytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer.array();
    }

    private static float[] vector(byte[] bytes) {
        float[] vector = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    void close() {
        vertx.cancelTimer(timer);
    }
}
