package caravan.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import caravan.api.CallContext;
import caravan.api.Caller;
import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.ClientStream;
import caravan.api.Dialect;
import caravan.api.GatewayException;
import caravan.api.GuardrailOutcomes;
import caravan.api.ResponseHeaders;
import caravan.api.Usage;
import caravan.api.Variables;
import caravan.dialect.openai.OpenAiDialect;
import caravan.net.BodyCollector;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The client's side of one HTTP call: the answer written exactly once, in the dialect the client spoke.
 * A stream chunk by chunk while a provider produces it ({@link ClientStream}); or, when the route
 * completes, the message body or the error the exchange failed with. Every answer carries the
 * {@code x-caravan-*} headers, read from the call's {@link CallContext}, and the headers steps added
 * ({@link ResponseHeaders}).
 */
final class HttpClientStream implements ClientStream {

    static final String PROVIDER_HEADER = "x-caravan-provider";
    static final String MODEL_HEADER = "x-caravan-model";
    static final String OVERHEAD_HEADER = "x-caravan-overhead-ms";
    static final String ROUTE_HEADER = "x-caravan-route";
    static final String ATTEMPTS_HEADER = "x-caravan-attempts";
    static final String REQUEST_ID_HEADER = "x-caravan-request-id";
    static final String GUARDRAILS_HEADER = "x-caravan-guardrails";

    private final HttpServerResponse response;
    private final Exchange exchange;
    private final CallContext call;
    private int status;
    private Dialect.StreamEncoder streamEncoder;
    private boolean ended;
    private List<Runnable> goneListeners;

    HttpClientStream(HttpServerResponse response, Exchange exchange, CallContext call) {
        this.response = response;
        this.exchange = exchange;
        this.call = call;
    }

    /** The status the client got, 0 while nothing was sent. */
    int status() {
        return status;
    }

    @Override
    public boolean committed() {
        return response.headWritten();
    }

    @Override
    public void sendChunk(ChatChunk chunk) {
        if (ended) {
            return;
        }
        call.streamed(chunk);
        byte[] event = streamEncoder().encode(chunk);
        if (event != null) {
            call.firstChunkSent();
            writeStreamHead();
            response.write(BodyCollector.wrap(event));
        }
    }

    @Override
    public void completeStream(Usage usage) {
        if (ended) {
            return;
        }
        writeStreamHead();
        ended = true;
        response.end(BodyCollector.wrap(streamEncoder().end(usage)));
    }

    @Override
    public void failStream(GatewayException error) {
        if (ended) {
            return;
        }
        if (!response.headWritten()) {
            sendError(error);
            return;
        }
        ended = true;
        response.end(BodyCollector.wrap(streamEncoder().error(error)));
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable resume) {
        response.drainHandler(v -> resume.run());
    }

    @Override
    public synchronized void onClientGone(Runnable listener) {
        if (goneListeners == null) {
            goneListeners = new ArrayList<>(2);
            response.closeHandler(v -> clientClosed());
        }
        goneListeners.add(listener);
    }

    private void clientClosed() {
        List<Runnable> listeners;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            listeners = new ArrayList<>(goneListeners);
        }
        listeners.forEach(Runnable::run);
    }

    /**
     * Writes whatever the completed route left to say (a stream that already ended needs nothing) and
     * returns the error the client got, if any.
     */
    GatewayException finish(Exchange completed) {
        Exception failure = completed.getException();
        GatewayException error = failure instanceof GatewayException gateway ? gateway : null;
        if (!(ended || response.ended() || response.closed())) {
            if (failure != null) {
                error = Errors.toGatewayException(failure, completed);
                failStream(error);
            } else if (response.headWritten()) {
                error = GatewayException.internal("The answer stream stopped before it was complete.", null);
                failStream(error);
            } else {
                sendMessage(completed.getMessage());
            }
        } else if (failure != null && error == null) {
            error = Errors.toGatewayException(failure, completed);
        }
        return error;
    }

    /** Drops the connection when not even an error can be written. */
    void abort() {
        ended = true;
        if (!response.closed()) {
            response.reset();
        }
    }

    private void sendMessage(Message message) {
        String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        status = statusOf(message);
        if (status < 200 || status > 599) {
            // only a route sets this header (the edge never maps a client's Camel* headers); a bad one is a route bug
            sendError(Errors.toGatewayException(new IllegalStateException("A route answered with the status '"
                    + message.getHeader(Exchange.HTTP_RESPONSE_CODE) + "'; use a number from 200 to 599."), exchange));
            return;
        }
        response.setStatusCode(status);
        response.putHeader("Content-Type", contentType == null ? "application/json" : contentType);
        writeGatewayHeaders();
        ended = true;
        Object body = message.getBody();
        if (body == null) {
            response.end();
        } else if (body instanceof byte[] bytes) {
            response.end(BodyCollector.wrap(bytes));
        } else if (body instanceof Buffer buffer) {
            response.end(buffer);
        } else if (body instanceof String text) {
            response.end(text);
        } else {
            response.end(BodyCollector.wrap(message.getBody(byte[].class)));
        }
    }

    /** The status a route set (YAML sets it as text: "201"), 200 when none, -1 when it is not a number. */
    private static int statusOf(Message message) {
        try {
            Integer code = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            return code == null ? 200 : code;
        } catch (RuntimeException notANumber) {
            return -1;
        }
    }

    private void sendError(GatewayException error) {
        ended = true;
        status = error.status();
        response.setStatusCode(status);
        response.putHeader("Content-Type", "application/json");
        if (error.retryAfter() != null) {
            response.putHeader("Retry-After", error.retryAfter());
        }
        writeGatewayHeaders();
        response.end(BodyCollector.wrap(dialect().encodeError(error)));
    }

    private void writeStreamHead() {
        if (response.headWritten()) {
            return;
        }
        status = 200;
        response.setStatusCode(200);
        response.putHeader("Content-Type", "text/event-stream; charset=utf-8");
        response.putHeader("Cache-Control", "no-cache");
        writeGatewayHeaders();
        response.setChunked(true);
    }

    static final String TENANT_HEADER = "x-caravan-tenant";
    static final String KEY_ID_HEADER = "x-caravan-key-id";

    private void writeGatewayHeaders() {
        response.putHeader(REQUEST_ID_HEADER, call.requestId());
        String route = exchange.getVariable(Variables.ROUTE, String.class);
        if (route != null) {
            response.putHeader(ROUTE_HEADER, route);
        }
        if (call.attemptCount() > 0) {
            response.putHeader(ATTEMPTS_HEADER, Integer.toString(call.attemptCount()));
        }
        String provider = call.provider() != null ? call.provider() : exchange.getVariable(Variables.PROVIDER, String.class);
        if (provider != null) {
            response.putHeader(PROVIDER_HEADER, provider);
        }
        String model = call.model() != null ? call.model() : exchange.getVariable(Variables.UPSTREAM_MODEL, String.class);
        if (model != null) {
            // a client named it: printable ASCII goes as it is, anything else percent-encoded (RFC 8187's charset)
            response.putHeader(MODEL_HEADER, HeaderValues.printable(model));
        }
        response.putHeader(OVERHEAD_HEADER, millis(call.overheadNanos()));
        // who called, as authenticate named it: from the variables, not through the response-headers map
        String tenant = exchange.getVariable(Variables.TENANT, String.class);
        if (tenant != null) {
            response.putHeader(TENANT_HEADER, tenant);
        }
        Caller caller = exchange.getVariable(Variables.CALLER, Caller.class);
        if (caller != null && caller.keyId() != null) {
            response.putHeader(KEY_ID_HEADER, caller.keyId());
        }
        // every guardrail the answer waited for, as name=outcome pairs (README "Guardrails")
        GuardrailOutcomes guardrails = exchange.getVariable(Variables.GUARDRAIL_OUTCOMES, GuardrailOutcomes.class);
        if (guardrails != null) {
            String outcomes = guardrails.header();
            if (!outcomes.isEmpty()) {
                response.putHeader(GUARDRAILS_HEADER, outcomes);
            }
        }
        Map<String, String> added = ResponseHeaders.of(exchange);
        if (added != null) {
            added.forEach((name, value) -> response.putHeader(name, HeaderValues.printable(value)));
        }
    }

    private Dialect dialect() {
        Dialect dialect = exchange.getVariable(Variables.DIALECT, Dialect.class);
        return dialect == null ? OpenAiDialect.INSTANCE : dialect;
    }

    private Dialect.StreamEncoder streamEncoder() {
        if (streamEncoder == null) {
            streamEncoder = dialect().newStreamEncoder(exchange.getVariable(Variables.REQUEST, ChatRequest.class));
        }
        return streamEncoder;
    }

    /** Milliseconds with two decimals, without the cost of String.format on every answer. */
    static String millis(long nanos) {
        long hundredths = nanos / 10_000;
        long fraction = hundredths % 100;
        return (hundredths / 100) + (fraction < 10 ? ".0" : ".") + fraction;
    }
}
