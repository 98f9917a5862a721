package caravan.net;

import io.netty.buffer.Unpooled;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * Collects a whole HTTP body (a client's request, an upstream's answer) into one buffer, at most
 * {@code limit} bytes. A body that arrived in one network read is used as it came; a longer one is
 * copied once into a buffer sized from its declared length. (Vert.x's own aggregation copies every read
 * into a buffer that grows by doubling, and Buffer#getBytes copies again.)
 */
public final class BodyCollector {

    private static final Buffer EMPTY = Buffer.buffer(Unpooled.EMPTY_BUFFER);

    private final Promise<Buffer> body = Promise.promise();
    private final long limit;
    private final long declaredLength;
    private Buffer first;
    private Buffer whole;
    private long size;

    private BodyCollector(long declaredLength, long limit) {
        this.declaredLength = declaredLength;
        this.limit = limit;
    }

    /**
     * @param declaredLength the Content-Length, or -1 when the body is chunked
     * @return the body, or a failure with {@link BodyTooLargeException} once it passes the limit
     */
    public static Future<Buffer> collect(ReadStream<Buffer> stream, long declaredLength, long limit) {
        BodyCollector collector = new BodyCollector(declaredLength, limit);
        stream.handler(collector::append);
        stream.endHandler(v -> collector.end());
        stream.exceptionHandler(collector.body::tryFail);
        return collector.body.future();
    }

    /** The declared Content-Length, or -1 when absent or unreadable. */
    public static long declaredLength(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void append(Buffer chunk) {
        if (body.future().isComplete()) {
            return;
        }
        size += chunk.length();
        if (size > limit) {
            first = null;
            whole = null;
            body.tryFail(new BodyTooLargeException(limit));
            return;
        }
        if (first == null) {
            first = chunk;
            return;
        }
        if (whole == null) {
            long expected = Math.max(declaredLength, first.length() + chunk.length());
            whole = Buffer.buffer((int) Math.min(expected, limit)).appendBuffer(first);
        }
        whole.appendBuffer(chunk);
    }

    private void end() {
        body.tryComplete(whole != null ? whole : first != null ? first : EMPTY);
    }

    /** The body passed the limit; reading it any further would only waste memory. */
    public static final class BodyTooLargeException extends RuntimeException {
        private final long limit;

        BodyTooLargeException(long limit) {
            super("body larger than " + limit + " bytes", null, false, false);
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** Wraps bytes the gateway owns as a Buffer without copying them (Buffer.buffer(byte[]) copies). */
    public static Buffer wrap(byte[] bytes) {
        return Buffer.buffer(Unpooled.wrappedBuffer(bytes));
    }
}
