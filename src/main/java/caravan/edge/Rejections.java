package caravan.edge;

import caravan.api.Dialect;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.dialect.anthropic.AnthropicDialect;
import caravan.dialect.openai.OpenAiDialect;
import caravan.net.BodyCollector;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers a request the edge turns away before any route sees it (unknown path, missing key, body too
 * large, no room, too slow), in the dialect of its path: Anthropic's error shape under
 * {@code /v1/messages}, OpenAI's everywhere else. When the client is still sending a body, the answer
 * says {@code Connection: close} and the rest of the body is drained briefly and dropped before the
 * connection closes, so the client reads the answer instead of a reset.
 */
final class Rejections {

    private static final String ANTHROPIC_PATH = "/v1/messages";

    private Rejections() {
    }

    static void reject(HttpServerRequest request, GatewayException error) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.headWritten() || response.closed()) {
            return;
        }
        boolean bodyComing = !request.isEnded() && expectsBody(request);
        if (bodyComing) {
            response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        }
        send(request, error);
        if (bodyComing) {
            drainThenClose(request);
        }
    }

    /** Writes the error; the connection stays as it is. */
    static void send(HttpServerRequest request, GatewayException error) {
        HttpServerResponse response = request.response();
        if (response.ended() || response.headWritten() || response.closed()) {
            return;
        }
        String path = request.path();
        Dialect dialect = path != null && path.startsWith(ANTHROPIC_PATH) ? AnthropicDialect.INSTANCE : OpenAiDialect.INSTANCE;
        response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (error.retryAfter() != null) {
            response.putHeader("Retry-After", error.retryAfter());
        }
        response.end(BodyCollector.wrap(dialect.encodeError(error)));
    }

    private static void drainThenClose(HttpServerRequest request) {
        ConnectionWatch watch = ConnectionWatch.of(request);
        if (watch == null) {
            request.connection().close();
            return;
        }
        watch.closeAfterDrain();
        request.handler(dropped -> {
        });
        request.exceptionHandler(ignored -> {
        });
        request.endHandler(v -> watch.close());
        request.resume();
    }

    static boolean expectsBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return length != null ? BodyCollector.declaredLength(length) != 0 : request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    }

    static GatewayException overloaded() {
        return new GatewayException(503, ErrorType.API, "overloaded", null,
                "The gateway holds as many request bodies as its memory allows; retry in a moment.", "1", null);
    }

    static GatewayException bodyTimedOut(long idleTimeoutMs) {
        return new GatewayException(408, ErrorType.INVALID_REQUEST, "request_timeout", null,
                "The request body stopped arriving for " + idleTimeoutMs + " ms.", null, null);
    }
}
