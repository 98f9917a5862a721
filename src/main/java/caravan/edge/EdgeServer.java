package caravan.edge;

import java.net.BindException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import caravan.api.Dialect;
import caravan.api.GatewayException;
import caravan.dialect.anthropic.AnthropicDialect;
import caravan.dialect.openai.OpenAiDialect;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.spi.Method;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP listener: one Vert.x {@link io.vertx.core.http.HttpServer} per event loop, all on the
 * same port, sharing one router that the platform-http consumers add their paths to. Binding happens at
 * start and a failure stops the start, so a port already in use never leaves a half-started gateway.
 * Requests that match no route, or that the router itself rejects, get OpenAI-shaped errors.
 */
public final class EdgeServer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeServer.class);
    private static final String ANTHROPIC_PATH = "/v1/messages";
    /** How long a request waits for a reloading route to come back before it is answered 503. */
    private static final long RELOAD_GRACE_MILLIS = 5_000;

    private final Vertx vertx;
    private final String host;
    private final int port;
    private final int instances;
    private final long maxBodyBytes;
    private final long requestTimeoutMs;
    private final Router router;
    private final Map<String, PathSlot> slots = new ConcurrentHashMap<>();
    private String deploymentId;

    public EdgeServer(String host, int port, int instances, long maxBodyBytes, long requestTimeoutMs) {
        this.requestTimeoutMs = requestTimeoutMs;
        // the gateway's one Vert.x: these event loops serve clients and upstream calls alike
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances).setPreferNativeTransport(true));
        this.host = host;
        this.port = port;
        this.instances = instances;
        this.maxBodyBytes = maxBodyBytes;
        this.router = Router.router(vertx);
        router.errorHandler(404, ctx -> sendError(ctx, GatewayException.notFound(
                "Invalid URL (" + ctx.request().method() + " " + ctx.request().path() + ").", null, "unknown_url")));
        router.errorHandler(405, ctx -> sendError(ctx, new GatewayException(405,
                caravan.api.ErrorType.INVALID_REQUEST, "method_not_allowed", null,
                "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path() + ".")));
        router.errorHandler(413, ctx -> sendError(ctx, GatewayException.bodyTooLarge(maxBodyBytes)));
        router.errorHandler(500, ctx -> {
            LOG.error("Unhandled failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
            sendError(ctx, GatewayException.internal("The gateway failed to handle the request.", null));
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
            PathSlot slot = new PathSlot(RELOAD_GRACE_MILLIS);
            Route route = router.route(path);
            if (!methods.equals(Method.getAll())) {
                methods.forEach(method -> route.method(HttpMethod.valueOf(method.name())));
            }
            route.handler(slot);
            return slot;
        });
    }

    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /** The deadline of a request across all its attempts, unless the client asks for less. */
    public long requestTimeoutMs() {
        return requestTimeoutMs;
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
                .setHandle100ContinueAutomatically(true)
                .setCompressionSupported(false);
        DeploymentOptions deployment = new DeploymentOptions().setInstances(instances);
        try {
            deploymentId = vertx.deployVerticle(() -> new Listener(options, router), deployment)
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof BindException || String.valueOf(cause.getMessage()).contains("Address already in use")) {
                throw new PortInUseException(host, port, cause);
            }
            throw e;
        }
        LOG.info("Caravan listening on http://{}:{} ({} event loop{}, {})", host, port, instances,
                instances == 1 ? "" : "s", vertx.isNativeTransportEnabled() ? "epoll" : "NIO");
    }

    @Override
    protected void doStop() throws Exception {
        if (deploymentId != null) {
            vertx.undeploy(deploymentId).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            deploymentId = null;
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * Answers a request no route took (or one the router itself refused) in the dialect of its path:
     * Anthropic's error shape under {@code /v1/messages}, OpenAI's everywhere else.
     */
    static void sendError(RoutingContext ctx, GatewayException error) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        Dialect dialect = ctx.request().path().startsWith(ANTHROPIC_PATH) ? AnthropicDialect.INSTANCE : OpenAiDialect.INSTANCE;
        ctx.response()
                .setStatusCode(error.status())
                .putHeader("Content-Type", "application/json")
                .end(Buffer.buffer(dialect.encodeError(error)));
    }

    /** Thrown at start when the port is taken; {@link caravan.Caravan} turns it into a clear exit. */
    public static final class PortInUseException extends Exception {
        PortInUseException(String host, int port, Throwable cause) {
            super("Port " + port + " on " + host + " is already in use. Stop whatever listens there or set GATEWAY_PORT.",
                    cause);
        }
    }

    /** One server instance; Vert.x runs each instance on its own event loop and shares the port between them. */
    private static final class Listener extends AbstractVerticle {
        private final HttpServerOptions options;
        private final Router router;

        Listener(HttpServerOptions options, Router router) {
            this.options = options;
            this.router = router;
        }

        @Override
        public void start(Promise<Void> started) {
            vertx.createHttpServer(options).requestHandler(router).listen()
                    .<Void>mapEmpty().onComplete(started);
        }
    }
}
