package caravan.edge;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import caravan.api.CacheOutcome;
import caravan.api.CallContext;
import caravan.api.Caller;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.GatewayException;
import caravan.api.Variables;
import caravan.telemetry.CallRecord;
import caravan.telemetry.CallRecorder;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Suspendable;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.Method;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@code platform-http} path: for each request the edge admitted (caller known, body read),
 * builds the exchange, with only the request headers some step reads ({@link ClientHeaders}) as message
 * headers, and runs the route asynchronously on the event loop that received the request. When the route
 * completes, its {@link HttpClientStream} writes the answer (unless a stream already did), the body's
 * bytes leave the gateway's budget, and the call recorder learns how the call went, once. The consumer never blocks and never leaves an exchange unanswered.
 */
final class EdgeConsumer extends DefaultConsumer implements PlatformHttpConsumer, Suspendable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeConsumer.class);
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^/}]+)\\}");
    static final String TIMEOUT_HEADER = "x-caravan-timeout-ms";

    /** The API paths whose calls are model calls: telemetry records each one (README: "Observability"). */
    static final Set<String> MODEL_PATHS = java.util.Set.of("/v1/chat/completions", "/v1/messages");

    private final EdgeServer server;
    private PathSlot slot;
    private String modelEndpoint;
    private CallRecorder recorder = CallRecorder.detached();

    EdgeConsumer(PlatformHttpEndpoint endpoint, Processor processor, EdgeServer server) {
        super(endpoint, processor);
        this.server = server;
    }

    @Override
    public PlatformHttpEndpoint getEndpoint() {
        return (PlatformHttpEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        PlatformHttpEndpoint endpoint = getEndpoint();
        modelEndpoint = MODEL_PATHS.contains(endpoint.getPath()) ? endpoint.getPath() : null;
        Registry registry = endpoint.getCamelContext().getRegistry();
        CallRecorder bound = registry.findSingleByType(CallRecorder.class);
        if (bound != null) {
            recorder = bound;
        }
        String path = PATH_PARAMETER.matcher(endpoint.getPath()).replaceAll(":$1");
        if (endpoint.isMatchOnUriPrefix() && !path.endsWith("*")) {
            path += "*";
        }
        slot = server.slot(path, Method.parseList(endpoint.getHttpMethodRestrict()));
        slot.attach(this);
    }

    @Override
    protected void doStop() throws Exception {
        if (slot != null) {
            slot.detach(this);
        }
        super.doStop();
    }

    /** A suspended consumer (a route being reloaded or stopped) takes no new requests: they wait for the next one. */
    @Override
    protected void doSuspend() throws Exception {
        if (slot != null) {
            slot.detach(this);
        }
        super.doSuspend();
    }

    @Override
    protected void doResume() throws Exception {
        super.doResume();
        if (slot != null) {
            slot.attach(this);
        }
    }

    /** Runs the route for an admitted request: builds the exchange once and answers when the route is done. */
    void serve(RoutingContext ctx, Caller caller, RequestIntake.Body body) {
        HttpServerRequest request = ctx.request();
        Exchange exchange = createExchange(false);
        // the edge answers from the exchange's message itself: InOut would only make Camel copy the IN into a
        // new OUT message at the end of every pipeline the call passes through (~1 KB a call)
        exchange.setPattern(ExchangePattern.InOnly);
        CallContext call = new CallContext(exchange.getExchangeId(), modelEndpoint, timeoutMillis(request));
        HttpClientStream client = new HttpClientStream(ctx.response(), exchange, call);
        exchange.setVariable(Variables.CALL, call);
        exchange.setVariable(Variables.CLIENT, client);
        if (caller != null) {
            exchange.setVariable(Variables.CALLER, caller);
        }
        ConnectionWatch watch = ConnectionWatch.of(request);
        if (watch != null) {
            watch.answering(client);
        }
        Completion completion = new Completion(exchange, client, body.held());
        try {
            exchange.setIn(toMessage(ctx, exchange, body.bytes()));
            createUoW(exchange);
        } catch (Exception e) {
            exchange.setException(e);
            completion.done(true);
            return;
        }
        try {
            getAsyncProcessor().process(exchange, completion);
        } catch (Throwable t) {
            // the async contract says process() does not throw; if it does, answer rather than hang. An Error
            // thrown while completing a call the route answered at once lands here too, after its completion:
            // that one is not completed again
            if (!completion.isDone()) {
                exchange.setException(t instanceof Exception e ? e : new RuntimeException(t));
            }
            completion.done(true);
        }
    }

    /**
     * The route's callback: completes the call once, whichever comes first of the route's end and the edge's
     * own handler of a route that threw (a second completion would answer and record the call twice).
     */
    private final class Completion extends AtomicBoolean implements AsyncCallback {
        private final Exchange exchange;
        private final HttpClientStream client;
        private final long heldBodyBytes;

        Completion(Exchange exchange, HttpClientStream client, long heldBodyBytes) {
            this.exchange = exchange;
            this.client = client;
            this.heldBodyBytes = heldBodyBytes;
        }

        boolean isDone() {
            return get();
        }

        @Override
        public void done(boolean doneSync) {
            if (compareAndSet(false, true)) {
                complete(exchange, client, heldBodyBytes);
            }
        }
    }

    /** Writes what is left of the answer, then tells the recorder about the call: exactly once, after its answer ended. */
    private void complete(Exchange exchange, HttpClientStream client, long heldBodyBytes) {
        // given back before the answer goes out: a client that sends its next body as soon as it has read
        // this answer must find the room this one took
        server.budget().release(heldBodyBytes);
        try {
            GatewayException error = client.finish(exchange);
            record(exchange, client, error);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // the edge's last word on the call: logged, and the connection closed rather than left half answered
            LOG.error("Failed to write the answer of {}", exchange.getExchangeId(), e);
            client.abort();
        } finally {
            doneUoW(exchange);
            releaseExchange(exchange, false);
        }
    }

    private void record(Exchange exchange, HttpClientStream client, GatewayException error) {
        CallContext call = exchange.getVariable(Variables.CALL, CallContext.class);
        boolean failed = exchange.getException() != null;
        call.answered(failed ? null : exchange.getVariable(Variables.RESPONSE, ChatResponse.class), failed);
        if (modelEndpoint == null) {
            return;
        }
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        Caller caller = exchange.getVariable(Variables.CALLER, Caller.class);
        CallRecord record = recorder.callEnded(call, exchange.getVariable(Variables.ROUTE, String.class),
                exchange.getVariable(Variables.TENANT, String.class), caller == null ? null : caller.keyId(),
                request == null ? null : request.model(),
                request != null && request.stream(), client.status(), error,
                exchange.getVariable(Variables.CACHE_OUTCOME, CacheOutcome.class));
        exchange.setVariable(Variables.CALL_RECORD, record);
    }

    /** The gateway's request timeout, or less when the client asks for less with {@code x-caravan-timeout-ms}. */
    private long timeoutMillis(HttpServerRequest request) {
        long limit = server.limits().requestTimeoutMs();
        String asked = request.getHeader(TIMEOUT_HEADER);
        if (asked == null || asked.isEmpty() || asked.length() > 12) {
            return limit;
        }
        long millis = 0;
        for (int i = 0; i < asked.length(); i++) {
            char c = asked.charAt(i);
            if (c < '0' || c > '9') {
                return limit;
            }
            millis = millis * 10 + (c - '0');
        }
        return millis > 0 ? Math.min(millis, limit) : limit;
    }

    private static Message toMessage(RoutingContext ctx, Exchange exchange, byte[] body) {
        HttpServerRequest request = ctx.request();
        DefaultMessage message = new DefaultMessage(exchange);
        Map<String, Object> headers = message.getHeaders();
        ClientHeaders.copy(request.headers(), headers);
        for (Map.Entry<String, String> parameter : ctx.pathParams().entrySet()) {
            headers.put(parameter.getKey(), parameter.getValue());
        }
        headers.put(Exchange.HTTP_METHOD, request.method().name());
        headers.put(Exchange.HTTP_PATH, ctx.normalizedPath());
        headers.put(Exchange.HTTP_URI, request.uri());
        if (request.query() != null) {
            headers.put(Exchange.HTTP_QUERY, request.query());
        }
        message.setBody(body.length == 0 ? null : body);
        return message;
    }
}
