package caravan.providers;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

import caravan.api.AnswerTokens;
import caravan.api.CallContext;
import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.ClientGoneException;
import caravan.api.ClientStream;
import caravan.api.GatewayException;
import caravan.api.TokenTables;
import caravan.api.Usage;
import caravan.api.UsageEstimate;
import caravan.api.Variables;
import caravan.net.BodyCollector;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call to an HTTP provider, from connect to the last byte, completing its exchange exactly once.
 * A whole answer is decoded into {@code response}; a stream is decoded chunk by chunk straight into the
 * {@link ClientStream}, pausing the upstream while the client reads slower, and cancelled when the
 * client goes away. Failures become {@link GatewayException}s: refused or broken connections 502,
 * timeouts 504, upstream errors as the codec maps them; after the first streamed byte, an error event.
 * Whatever usage arrived is kept in {@code usage}, a cut stream's too: it was paid for; an answer whose
 * provider reported none is counted by the gateway ({@link UsageEstimate}), every streamed chunk being
 * counted as it passes; the first such count of a process waits for the token tables off the event loop
 * ({@link TokenTables}), the call completing once they are in memory. The wait for the provider is the call's upstream time
 * ({@link CallContext#upstreamStarted}), never past its deadline.
 */
final class UpstreamCall {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamCall.class);

    /** A whole (non-streamed) answer larger than this is refused rather than held in memory. */
    private static final long MAX_ANSWER_BYTES = 64L * 1024 * 1024;

    private final Exchange exchange;
    private final AsyncCallback callback;
    private final CallContext call;
    /** Where a stream goes; null for a call nobody streams to (a mirror) */
    private final ClientStream client;
    private final ProviderCodec codec;
    /** The model the request was encoded for: the codec names the answer with it when the provider does not. */
    private final String upstreamModel;
    private final String provider;
    /** The tenant whose own account the call is made with, or null for the gateway's. */
    private final String tenantAccount;
    private final long timeoutMs;
    /** The timeout is the request's remaining time: when it fires, the whole request is out of time. */
    private final boolean deadlineBound;
    private final Vertx vertx;
    private final TokenTables tables;
    private final AtomicBoolean completed = new AtomicBoolean();
    private volatile HttpClientRequest request;
    private long wholeCallTimer = -1;
    private long idleTimer = -1;
    private volatile long lastChunkAt;
    private StreamDecoder decoder;
    /** What the stream's chunks wrote, counted as they pass: the output when the provider reports none. */
    private AnswerTokens streamed;

    UpstreamCall(Exchange exchange, AsyncCallback callback, CallContext call, ClientStream client, ProviderCodec codec,
                 String upstreamModel, UpstreamSettings account, long timeoutMs, Vertx vertx, TokenTables tables) {
        this.exchange = exchange;
        this.callback = callback;
        this.call = call;
        this.client = client;
        this.codec = codec;
        this.upstreamModel = upstreamModel;
        this.provider = account.provider();
        this.tenantAccount = account.tenant();
        // never beyond the request's deadline across all its attempts
        long remainingMs = call.remainingNanos() / 1_000_000;
        this.deadlineBound = remainingMs < timeoutMs;
        this.timeoutMs = Math.max(1, Math.min(timeoutMs, remainingMs));
        this.vertx = vertx;
        this.tables = tables;
    }

    void start(HttpClient http, UpstreamRequest upstream, boolean stream) {
        // idle timeout: the wait for the first byte and, for a stream, between chunks
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(upstream.url())
                // waiting for a pooled connection counts too: without this a full pool holds a request past its deadline
                .setConnectTimeout(timeoutMs)
                .setIdleTimeout(timeoutMs);
        upstream.headers().forEach(options::putHeader);
        call.upstreamStarted();
        if (client != null) {
            client.onClientGone(this::cancelForGoneClient);
        }
        http.request(options).onComplete(connected -> {
            if (connected.failed()) {
                fail(toGatewayException(connected.cause()));
                return;
            }
            request = connected.result();
            if (completed.get()) {
                request.reset();
                return;
            }
            if (!stream) {
                wholeCallTimer = vertx.setTimer(timeoutMs, id -> request.reset(0,
                        new TimeoutException("whole call")));
            }
            request.send(BodyCollector.wrap(upstream.body())).onComplete(answered -> {
                if (answered.failed()) {
                    fail(toGatewayException(answered.cause()));
                } else {
                    onResponse(answered.result(), stream);
                }
            });
        });
    }

    private void onResponse(HttpClientResponse response, boolean stream) {
        int status = response.statusCode();
        if (status >= 300) {
            String retryAfter = response.getHeader("Retry-After");
            wholeBody(response).onComplete(body -> fail(body.succeeded()
                    ? clientFacing(codec.decodeError(status, body.result(), retryAfter))
                    : toGatewayException(body.cause())));
        } else if (!stream || client == null) {
            wholeBody(response).onComplete(this::onWholeBody);
        } else {
            relayStream(response);
        }
    }

    /**
     * A provider's "unauthenticated" is about the key the call was made with (the gateway's, or the tenant's
     * own account's), never the key the client presented to the gateway: it must not reach the client as 401.
     */
    private GatewayException clientFacing(GatewayException error) {
        return error.status() == 401 ? ProviderCredentials.rejected(provider, tenantAccount) : error;
    }

    private static Future<byte[]> wholeBody(HttpClientResponse response) {
        return BodyCollector.collect(response, MAX_ANSWER_BYTES);
    }

    private void onWholeBody(AsyncResult<byte[]> body) {
        if (body.failed()) {
            fail(toGatewayException(body.cause()));
            return;
        }
        ChatResponse decoded;
        try {
            decoded = codec.decodeResponse(body.result(), upstreamModel);
        } catch (GatewayException e) {
            fail(e);
            return;
        }
        // claimed before anything is written: an answer that comes after the call ended (its client gone, its
        // deadline passed) must not land on an exchange the edge has finished with
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        finishTiming();
        exchange.setVariable(Variables.RESPONSE, decoded);
        if (decoded.usage() != null) {
            // the usual answer: nothing to count, nothing allocated for the case that has to
            exchange.setVariable(Variables.USAGE, decoded.usage());
            callback.done(false);
            return;
        }
        afterTokenTables(true, () -> {
            setUsage(() -> UsageEstimate.ofWhole(chatRequest(), decoded));
            callback.done(false);
        });
    }

    private void relayStream(HttpClientResponse response) {
        decoder = codec.newStreamDecoder(chatRequest(), upstreamModel);
        streamed = new AnswerTokens();
        // the client first: counting never delays a chunk
        Consumer<ChatChunk> relay = chunk -> {
            client.sendChunk(chunk);
            streamed.add(chunk);
        };
        lastChunkAt = System.nanoTime();
        watchForSilence();
        response.handler(bytes -> {
            if (completed.get()) {
                return;
            }
            lastChunkAt = System.nanoTime();
            try {
                decoder.decode(BodyCollector.bytesOf(bytes), relay);
            } catch (GatewayException e) {
                failStream(e);
                return;
            }
            if (client.writeQueueFull()) {
                response.pause();
                client.onDrain(response::resume);
            }
        });
        response.exceptionHandler(t -> failStream(toGatewayException(t)));
        response.endHandler(v -> {
            if (completed.get()) {
                // the call ended already (its client gone, a silent stream cut): nothing more goes to the client
                return;
            }
            try {
                decoder.finish(relay);
            } catch (GatewayException e) {
                failStream(e);
                return;
            }
            if (!decoder.endOfStream()) {
                failStream(GatewayException.upstreamUnavailable(
                        "The stream from provider '" + provider + "' ended before the answer was complete.", null));
                return;
            }
            if (completed.compareAndSet(false, true)) {
                finishTiming();
                Usage reported = decoder.usage();
                afterTokenTables(UsageEstimate.counts(reported, true, streamed), () -> {
                    setUsage(() -> UsageEstimate.ofStream(chatRequest(), reported, true, streamed));
                    client.completeStream(reported);
                    callback.done(false);
                });
            }
        });
    }

    /**
     * The client's idle timeout stops guarding once the response head arrived, so a stream that falls
     * silent is watched here: one timer per window, re-armed from the time of the last chunk.
     */
    private void watchForSilence() {
        long silentNanos = System.nanoTime() - lastChunkAt;
        long remainingMs = timeoutMs - silentNanos / 1_000_000;
        if (remainingMs <= 0) {
            failStream(deadlineBound ? GatewayException.deadlineExceeded()
                    : GatewayException.upstreamTimeout("Provider '" + provider + "' sent nothing for " + timeoutMs
                    + " ms in the middle of a stream."));
            return;
        }
        idleTimer = vertx.setTimer(remainingMs, id -> {
            if (!completed.get()) {
                watchForSilence();
            }
        });
    }

    /** A failed stream: an error event if the client already got bytes; otherwise a plain failure (failover may still help). */
    private void failStream(GatewayException error) {
        // claimed first: resetting the upstream below fires its exception handler synchronously
        if (!completed.compareAndSet(false, true)) {
            return;
        }
        finishTiming();
        afterTokenTables(cutStreamCounts(), () -> {
            keepCutStreamUsage();
            if (client.committed()) {
                client.failStream(error);
            }
            if (request != null) {
                request.reset();
            }
            exchange.setException(error);
            callback.done(false);
        });
    }

    private void cancelForGoneClient() {
        if (completed.compareAndSet(false, true)) {
            finishTiming();
            afterTokenTables(cutStreamCounts(), () -> {
                keepCutStreamUsage();
                if (request != null) {
                    request.reset();
                }
                exchange.setException(ClientGoneException.INSTANCE);
                callback.done(false);
            });
        }
    }

    /**
     * What a stream cut before its end used was paid for: the usage that arrived, completed by what the
     * client got when the usage had not (yet) come. Nothing when the stream never started, or was cut
     * before the provider sent anything of the answer.
     */
    private void keepCutStreamUsage() {
        if (decoder != null) {
            setUsage(() -> UsageEstimate.ofStream(chatRequest(), decoder.usage(), false, streamed));
        }
    }

    private boolean cutStreamCounts() {
        return decoder != null && UsageEstimate.counts(decoder.usage(), false, streamed);
    }

    /**
     * Runs the call's last step, which counts tokens when {@code counts}: at once when it does not or the o200k
     * tables are in memory, else back on this call's context once a worker has loaded them, so that the first
     * estimate of a process never holds the event loop and every connection on it (0.3 to 0.9 s).
     */
    private void afterTokenTables(boolean counts, Runnable last) {
        if (!counts || tables.inMemory()) {
            last.run();
            return;
        }
        tables.ready(vertx).onComplete(loaded -> last.run());
    }

    /** The call's usage; a count that cannot be made (the tables failed to load) leaves it unknown rather than the call unanswered. */
    private void setUsage(Supplier<Usage> usage) {
        try {
            exchange.setVariable(Variables.USAGE, usage.get());
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Could not count the tokens of an answer from provider '{}' whose usage it did not report: {}", provider,
                    e.toString());
        }
    }

    private ChatRequest chatRequest() {
        return exchange.getVariable(Variables.REQUEST, ChatRequest.class);
    }

    private void fail(GatewayException error) {
        if (completed.compareAndSet(false, true)) {
            finishTiming();
            exchange.setException(error);
            callback.done(false);
        }
    }

    private void finishTiming() {
        call.upstreamFinished();
        if (wholeCallTimer >= 0) {
            vertx.cancelTimer(wholeCallTimer);
        }
        if (idleTimer >= 0) {
            vertx.cancelTimer(idleTimer);
        }
    }

    private GatewayException toGatewayException(Throwable failure) {
        if (failure instanceof GatewayException gateway) {
            return gateway;
        }
        if (failure instanceof io.netty.channel.ConnectTimeoutException) {
            return GatewayException.upstreamTimeout("Timed out connecting to provider '" + provider + "'.");
        }
        if (failure instanceof TimeoutException) {
            return deadlineBound ? GatewayException.deadlineExceeded()
                    : GatewayException.upstreamTimeout("Provider '" + provider + "' did not answer within " + timeoutMs + " ms.");
        }
        if (failure instanceof ConnectException) {
            return GatewayException.upstreamUnavailable("Could not connect to provider '" + provider + "' (connection refused).",
                    failure);
        }
        if (failure instanceof UnknownHostException) {
            return GatewayException.upstreamUnavailable("Could not resolve the host of provider '" + provider + "'.", failure);
        }
        return GatewayException.upstreamUnavailable("The connection to provider '" + provider
                + "' failed before the answer was complete.", failure);
    }
}
