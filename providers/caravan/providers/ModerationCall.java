package caravan.providers;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.ModerationRequest;
import caravan.api.Variables;
import caravan.net.BodyCollector;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;

/**
 * One call to a provider's moderation endpoint (the {@code moderation} operation of a provider route), made
 * for a guardrail: the codec encodes it, the Vert.x client sends it without blocking, and the codec reads
 * the answer into {@code moderationResult}, or its error into the exchange's exception. The exchange is
 * completed exactly once.
 */
final class ModerationCall {

    /** A moderation answer is a few kilobytes; anything near this is not one. */
    private static final long MAX_ANSWER_BYTES = 1024 * 1024;

    private final Exchange exchange;
    private final AsyncCallback callback;
    private final ProviderCodec codec;
    private final String provider;
    private final long timeoutMs;
    private final AtomicBoolean completed = new AtomicBoolean();

    ModerationCall(Exchange exchange, AsyncCallback callback, ProviderCodec codec, String provider, long timeoutMs) {
        this.exchange = exchange;
        this.callback = callback;
        this.codec = codec;
        this.provider = provider;
        this.timeoutMs = timeoutMs;
    }

    void start(HttpClient http, UpstreamSettings upstream) {
        ModerationRequest asked = exchange.getVariable(Variables.MODERATION_REQUEST, ModerationRequest.class);
        UpstreamRequest request = asked == null ? null : codec.encodeModeration(asked, upstream);
        if (request == null) {
            fail(new GatewayException(400, ErrorType.INVALID_REQUEST, "moderation_unsupported", null,
                    "Provider '" + provider + "' has no moderation endpoint."));
            return;
        }
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(request.url())
                .setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
        request.headers().forEach(options::putHeader);
        http.request(options).onComplete(connected -> {
            if (connected.failed()) {
                fail(unavailable(connected.cause()));
                return;
            }
            connected.result().send(BodyCollector.wrap(request.body())).onComplete(answered -> {
                if (answered.failed()) {
                    fail(unavailable(answered.cause()));
                } else {
                    onResponse(answered.result());
                }
            });
        });
    }

    private void onResponse(HttpClientResponse response) {
        int status = response.statusCode();
        BodyCollector.collect(response, MAX_ANSWER_BYTES).onComplete(body -> {
            if (body.failed()) {
                fail(unavailable(body.cause()));
            } else if (status >= 300) {
                fail(codec.decodeError(status, body.result(), response.getHeader("Retry-After")));
            } else {
                try {
                    exchange.setVariable(Variables.MODERATION_RESULT, codec.decodeModeration(body.result()));
                    done();
                } catch (GatewayException e) {
                    fail(e);
                }
            }
        });
    }

    private GatewayException unavailable(Throwable failure) {
        if (failure instanceof GatewayException gateway) {
            return gateway;
        }
        if (failure instanceof TimeoutException || failure instanceof io.netty.channel.ConnectTimeoutException) {
            return GatewayException.upstreamTimeout("Provider '" + provider + "' did not answer the moderation call within "
                    + timeoutMs + " ms.");
        }
        return GatewayException.upstreamUnavailable("The moderation call to provider '" + provider + "' failed.", failure);
    }

    private void fail(GatewayException error) {
        if (completed.compareAndSet(false, true)) {
            exchange.setException(error);
            callback.done(false);
        }
    }

    private void done() {
        if (completed.compareAndSet(false, true)) {
            callback.done(false);
        }
    }
}
