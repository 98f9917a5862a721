package caravan.edge;

import java.net.BindException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import caravan.api.Authenticator;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.apache.camel.component.platform.http.spi.Method;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP listener: one Vert.x {@link HttpServer} per event loop, all on the same port,
 * sharing one router that the platform-http consumers add their paths to. Each loop watches its own
 * connections ({@link ClientConnections}: timeouts, the connection cap); each request is then taken in by
 * {@link RequestIntake} (caller, then body) before its path's consumer runs the route. HTTP/1.1 only: the
 * cleartext HTTP/2 upgrade is off. Binding happens at start and a failure stops the start, so a port
 * already in use never leaves a half-started gateway. Requests that match no route, or that are not
 * HTTP, get OpenAI-shaped errors.
 */
public final class EdgeServer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
    /** How long a request waits for a reloading route to come back before it is answered 503. */
    private static final long RELOAD_GRACE_MILLIS = 5_000;
    /** After the router's own sequence for routes in the order they were made (0, 1, 2, ...). */
    private static final int PARAMETER_PATHS_ORDER = 1_000_000;

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final int instances;
    private final EdgeLimits limits;
    private final BodyBudget budget;
    private final RequestIntake intake;
    private final Router router;
    private final Map<String, PathSlot> slots = new ConcurrentHashMap<>();
    private String deploymentId;

    public EdgeServer(String host, int port, int instances, EdgeLimits limits, Authenticator authenticator) {
        // the gateway's one Vert.x: these event loops serve clients and upstream calls alike
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances).setPreferNativeTransport(true));
        this.host = host;
        this.port = port;
        this.instances = instances;
        this.limits = limits;
        this.budget = new BodyBudget(limits.bufferedBodyBytes());
        this.intake = new RequestIntake(limits, budget, authenticator);
        this.router = Router.router(vertx);
        router.errorHandler(404, ctx -> Rejections.reject(ctx.request(), GatewayException.notFound(
                "Invalid URL (" + ctx.request().method() + " " + ctx.request().path() + ").", null, "unknown_url")));
        router.errorHandler(405, ctx -> Rejections.reject(ctx.request(), new GatewayException(405,
                ErrorType.INVALID_REQUEST, "method_not_allowed", null,
                "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path() + ".")));
        router.errorHandler(500, ctx -> {
            LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            Rejections.reject(ctx.request(), GatewayException.internal("The gateway failed to handle the request.", null));
        });
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * The router entry for a path and its methods, made once and kept across route reloads; consumers
     * attach to it and detach from it as their routes start and stop.
     */
    PathSlot slot(String path, Set<Method> methods) {
        return slots.computeIfAbsent(path + " " + methods, key -> {
            PathSlot slot = new PathSlot(path, intake, RELOAD_GRACE_MILLIS);
            Route route = router.route(path);
            if (path.indexOf(':') >= 0) {
                // a path with parameters is a regular expression the router runs (a Matcher, a parameters map)
                // on every request it tries it for: tried after every exact path, so an exact path wins and a
                // call to one (the API's own, /v1/chat/completions) never runs one
                route.order(PARAMETER_PATHS_ORDER);
            }
            if (!methods.equals(Method.getAll())) {
                methods.forEach(method -> route.method(HttpMethod.valueOf(method.name())));
            }
            route.handler(slot);
            return slot;
        });
    }

    public EdgeLimits limits() {
        return limits;
    }

    BodyBudget budget() {
        return budget;
    }

    public int port() {
        return port;
    }

    public String host() {
        return host;
    }

    @Override
    protected void doStart() throws Exception {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setTcpNoDelay(true)
                // 100 Continue is sent by the intake once the caller and the declared size are accepted
                .setHandle100ContinueAutomatically(false)
                .setHttp2ClearTextEnabled(false)
                .setCompressionSupported(false);
        DeploymentOptions deployment = new DeploymentOptions().setInstances(instances);
        int perLoop = (limits.maxConnections() + instances - 1) / instances;
        try {
            deploymentId = vertx.deployVerticle(() -> new Listener(options, router, limits, perLoop), deployment)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
                throw new PortInUseException(host, port, cause);
            }
            throw e;
        }
        LOG.info("Caravan listening on http://{}:{} ({} event loop{}, {}; at most {} connections, {} MB of request bodies held)",
                host, port, instances, instances == 1 ? "" : "s", vertx.isNativeTransportEnabled() ? "epoll" : "NIO",
                perLoop * instances, limits.bufferedBodyBytes() >> 20);
    }

    @Override
    protected void doStop() throws Exception {
        if (deploymentId != null) {
            vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            deploymentId = null;
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A request Netty could not read as HTTP: a JSON error, and the connection closes (it cannot be trusted further). */
    static void malformed(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        if (cause instanceof PrematureChannelClosureException) {
            // the client went away half-way through its request head: nobody is left to answer
            ClientFaults.connectionFailed(request.connection(), cause);
            request.connection().close();
            return;
        }
        GatewayException error;
        if (cause instanceof TooLongHttpLineException) {
            error = new GatewayException(414, ErrorType.INVALID_REQUEST, "uri_too_long", null,
                    "The request line is longer than this gateway accepts.");
        } else if (request.version() == null) {
            error = new GatewayException(505, ErrorType.INVALID_REQUEST, "http_version_not_supported", null,
                    "This gateway speaks HTTP/1.1 (and 1.0) in the clear; HTTP/2 needs a TLS-terminating proxy in front.");
        } else if (cause instanceof TooLongHttpHeaderException) {
            error = new GatewayException(431, ErrorType.INVALID_REQUEST, "headers_too_large", null,
                    "The request headers are larger than this gateway accepts.");
        } else {
            error = GatewayException.badRequest("The request is not valid HTTP/1.1.", null, "malformed_request");
        }
        ClientFaults.LOG.info("Answered {} to {}: {}", error.status(), ClientFaults.peer(request.connection()),
                cause == null ? "malformed request" : ClientFaults.describe(cause));
        request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        Rejections.send(request, error);
        request.connection().close();
    }

    /** Thrown at start when the port is taken; {@link caravan.Caravan} turns it into a clear exit. */
    public static final class PortInUseException extends Exception {
        PortInUseException(String host, int port, Throwable cause) {
            super("Port " + port + " on " + host + " is already in use. Stop whatever listens there or set GATEWAY_PORT.",
                    cause);
        }
    }

    /**
     * One server instance; Vert.x runs each instance on its own event loop and shares the port between
     * them. Each one watches the connections of its loop.
     */
    private static final class Listener extends AbstractVerticle {
        private final HttpServerOptions options;
        private final Router router;
        private final EdgeLimits limits;
        private final int connectionCap;

        Listener(HttpServerOptions options, Router router, EdgeLimits limits, int connectionCap) {
            this.options = options;
            this.router = router;
            this.limits = limits;
            this.connectionCap = connectionCap;
        }

        @Override
        public void start(Promise<Void> started) {
            ClientConnections connections = new ClientConnections(connectionCap, limits.headerTimeoutMs(),
                    limits.idleTimeoutMs());
            vertx.setPeriodic(ClientConnections.sweepPeriodMillis(limits.headerTimeoutMs(), limits.idleTimeoutMs()),
                    id -> connections.sweep());
            Handler<HttpServerRequest> requests = request -> {
                if (request.version() == null) {
                    // a request line of another HTTP version (an HTTP/2 preface, say): HTTP/1.1 only here
                    malformed(request);
                    return;
                }
                connections.requestStarted(request);
                router.handle(request);
            };
            vertx.createHttpServer(options)
                    .connectionHandler(connection -> connections.accepted(connection, requests))
                    .invalidRequestHandler(EdgeServer::malformed)
                    .exceptionHandler(cause -> ClientFaults.connectionFailed(null, cause))
                    .requestHandler(requests)
                    .listen()
                    .<Void>mapEmpty().onComplete(started);
        }
    }
}
