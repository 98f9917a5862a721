package caravan.providers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import caravan.api.ChatRequest;
import caravan.api.CallContext;
import caravan.api.ClientStream;
import caravan.api.ErrorType;
import caravan.api.GatewayException;
import caravan.api.ModerationRequest;
import caravan.api.ProviderAccount;
import caravan.api.TokenTables;
import caravan.api.Variables;
import io.vertx.core.Context;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls an HTTP provider through its codec with the Vert.x client: non-blocking, keep-alive connections
 * pooled per provider. A call of a tenant with its own account at the provider ({@code providerAccounts})
 * is made with that account; any other with the endpoint's settings. A provider that needs a key and has
 * none is answered by echo while the stand-in is enabled, so the gateway can be tried without keys; a
 * tenant's own account is always called.
 */
final class HttpProviderProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(HttpProviderProducer.class);

    private final ProviderEndpoint endpoint;
    private final ProviderCodec codec;
    private final UpstreamSettings settings;
    private final String genAiProvider;
    private EchoProducer standIn;
    private HttpClientOptions clientOptions;
    private PoolOptions poolOptions;
    private final TokenTables tables;
    /** One client per event loop: a pooled connection is then always served by the loop that asks for it. */
    private final Map<Thread, HttpClient> clients = new ConcurrentHashMap<>();
    private static final Thread SHARED = new Thread("caravan-shared-upstream-client");

    HttpProviderProducer(ProviderEndpoint endpoint, ProviderCodec codec, UpstreamSettings settings) {
        this(endpoint, codec, settings, TokenTables.O200K);
    }

    /** With the token tables given, for a test to hold their load. */
    HttpProviderProducer(ProviderEndpoint endpoint, ProviderCodec codec, UpstreamSettings settings, TokenTables tables) {
        super(endpoint);
        this.tables = tables;
        this.endpoint = endpoint;
        this.codec = codec;
        this.settings = settings;
        this.genAiProvider = endpoint.genAiProviderName(codec);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (endpoint.standsInWithEcho(codec, settings)) {
            LOG.warn("Provider '{}' has no credentials: the echo provider answers its calls (x-caravan-provider: echo), "
                    + "except those of tenants with their own account there. Set its key to call the real provider.",
                    settings.provider());
            standIn = new EchoProducer(endpoint);
        }
        // built even for a stand-in: tenants with their own account are called all the same
        clientOptions = new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, endpoint.getConnectTimeoutMs()))
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setVerifyHost(true);
        poolOptions = new PoolOptions().setHttp1MaxSize(endpoint.getMaxConnections());
    }

    @Override
    protected void doStop() throws Exception {
        clients.values().forEach(HttpClient::close);
        clients.clear();
        super.doStop();
    }

    /**
     * A Vert.x client pool hands a free connection to any caller, and a connection made by another event
     * loop answers on that loop, so each answer would cross threads. Keeping one client per loop keeps the
     * client connection, the upstream connection and the route on one thread.
     */
    private HttpClient client() {
        // calls from elsewhere (a wire-tapped mirror on a pool thread) share one client
        Thread owner = Context.isOnEventLoopThread() ? Thread.currentThread() : null;
        return clients.computeIfAbsent(owner == null ? SHARED : owner,
                thread -> endpoint.getComponent().vertx().createHttpClient(clientOptions, poolOptions));
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        try {
            UpstreamSettings upstream = upstreamFor(exchange);
            if (ModerationRequest.OPERATION.equals(exchange.getVariable(Variables.OPERATION, String.class))) {
                return moderate(exchange, callback, upstream);
            }
            CallContext call = exchange.getVariable(Variables.CALL, CallContext.class);
            if (upstream == settings && standIn != null) {
                CallContext.Attempt attempt = call.current();
                if (attempt != null) {
                    attempt.answeredBy("echo", exchange.getVariable(Variables.UPSTREAM_MODEL, String.class));
                }
                return standIn.process(exchange, callback);
            }
            if (!UpstreamSettings.present(upstream.baseUrl())) {
                throw new GatewayException(502, ErrorType.UPSTREAM, "provider_not_configured", null,
                        "Provider '" + settings.provider() + "' is not configured: it has no endpoint.");
            }
            exchange.setVariable(Variables.GEN_AI_PROVIDER, genAiProvider);
            ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
            String model = exchange.getVariable(Variables.UPSTREAM_MODEL, String.class);
            new UpstreamCall(exchange, callback, call, exchange.getVariable(Variables.CLIENT, ClientStream.class), codec,
                    model, upstream, endpoint.getUpstreamTimeoutMs(), endpoint.getComponent().vertx(), tables)
                    .start(client(), codec.encodeRequest(request, model, upstream), request.stream());
            return false;
        } catch (RuntimeException e) {
            exchange.setException(e);
            callback.done(true);
            return true;
        }
    }

    /**
     * A moderation call for a guardrail. Echo standing in has no moderation of its own to give: the call
     * fails, and the guardrail fails open or closed as it is configured.
     */
    private boolean moderate(Exchange exchange, AsyncCallback callback, UpstreamSettings upstream) {
        if (upstream == settings && standIn != null || !UpstreamSettings.present(upstream.baseUrl())) {
            throw new GatewayException(502, ErrorType.UPSTREAM, "provider_not_configured", null,
                    "Provider '" + settings.provider() + "' has no credentials or endpoint for a moderation call.");
        }
        ModerationRequest asked = exchange.getVariable(Variables.MODERATION_REQUEST, ModerationRequest.class);
        long timeoutMs = asked == null ? endpoint.getUpstreamTimeoutMs() : Math.min(asked.timeoutMs(), endpoint.getUpstreamTimeoutMs());
        new ModerationCall(exchange, callback, codec, settings.provider(), Math.max(1, timeoutMs)).start(client(), upstream);
        return false;
    }

    /**
     * The calling tenant's own account at this provider, when it has one, else the endpoint's settings
     * (the same instance, so the common call allocates nothing). The accounts are the exchange's own, set
     * by {@code authenticate} for the caller's key, so a call can only ever use its own tenant's; a
     * mirror's copy of the exchange carries them too.
     */
    private UpstreamSettings upstreamFor(Exchange exchange) {
        Map<?, ?> accounts = exchange.getVariable(Variables.PROVIDER_ACCOUNTS, Map.class);
        if (accounts == null || !(accounts.get(settings.provider()) instanceof ProviderAccount account)
                || !UpstreamSettings.present(account.apiKey()) && !UpstreamSettings.present(account.baseUrl())) {
            return settings;
        }
        return settings.forTenant(exchange.getVariable(Variables.TENANT, String.class), account);
    }
}
