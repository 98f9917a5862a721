package caravan.processors;

import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import caravan.api.CallContext;
import caravan.api.ChatRequest;
import caravan.api.OnLoop;
import caravan.api.ResponseHeaders;
import caravan.api.TokenTables;
import caravan.api.Variables;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import caravan.limits.Admission;
import caravan.limits.Admissions;
import caravan.limits.RateLimitHeaders;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * The {@code admit} step: takes the call from its key's, tenant's and end user's rate limits (429 with
 * {@code Retry-After} when one is spent, and no provider is called), adds OpenAI's {@code x-ratelimit-*}
 * headers, and leaves an {@code admission} that checks the budgets before each provider attempt and gives
 * back what the call did not use when it ends ({@code settle}, or the call's end, whichever comes first).
 * The end user is the request's {@code user}, or {@code x-caravan-user}. After {@code resolveTarget}: a
 * call to a model named directly has its first attempt's budget reserved here too. Asynchronous: with
 * Redis, the limits and that reservation are one round trip that never blocks the event loop; a call counted
 * before the token tables are in memory waits for them on a worker ({@link TokenTables}).
 */
public final class Admit extends AsyncProcessorSupport {

    static final String USER_HEADER = "x-caravan-user";

    private final Admissions admissions;
    private final Vertx vertx;
    private final TokenTables tables;

    public Admit(Admissions admissions, Vertx vertx) {
        this(admissions, vertx, TokenTables.O200K);
    }

    /** With the token tables given, for a test to hold their load. */
    Admit(Admissions admissions, Vertx vertx, TokenTables tables) {
        this.admissions = admissions;
        this.vertx = vertx;
        this.tables = tables;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CallContext call = exchange.getVariable(Variables.CALL, CallContext.class);
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        String endUser = request.user();
        if (endUser == null || endUser.isBlank()) {
            endUser = exchange.getMessage().getHeader(USER_HEADER, String.class);
        }
        if (endUser != null && !endUser.isBlank()) {
            exchange.setVariable(Variables.END_USER, endUser);
        } else {
            endUser = null;
        }
        VirtualKey key = exchange.getVariable(Variables.VIRTUAL_KEY, VirtualKey.class);
        Tenant tenant = exchange.getVariable(Variables.TENANT_PROFILE, Tenant.class);
        Instant now = Instant.now();
        // a budget's spend may be read on the store's pool: the route goes on from here, on this loop
        Context loop = OnLoop.current();
        if (vertx != null && !tables.inMemory() && Context.isOnEventLoopThread()
                && admissions.countsTokens(key, tenant, endUser, now)) {
            // a counted call before the tables are in memory (the moment after a start, while the load the key's
            // read started is under way): a worker waits for them, and the admission goes on here after
            String user = endUser;
            tables.ready(vertx).onComplete(loaded -> admit(exchange, callback, call, request, key, tenant, user, now, loop, false));
            return false;
        }
        return admit(exchange, callback, call, request, key, tenant, endUser, now, loop, true);
    }

    private boolean admit(Exchange exchange, AsyncCallback callback, CallContext call, ChatRequest request, VirtualKey key,
                          Tenant tenant, String endUser, Instant now, Context loop, boolean sync) {
        RateLimitHeaders headers = new RateLimitHeaders();
        CompletionStage<Admission> admitted;
        try {
            admitted = admissions.admit(call, request, key, tenant, exchange.getVariable(Variables.TENANT, String.class), endUser,
                    exchange.getVariable(Variables.PROVIDER, String.class), exchange.getVariable(Variables.UPSTREAM_MODEL, String.class),
                    now, headers);
        } catch (RuntimeException | LinkageError e) {
            // an async step that throws instead of calling back would leave the exchange unanswered (a
            // LinkageError: token tables that failed to load)
            exchange.setException(e);
            callback.done(sync);
            return sync;
        }
        admitted.whenComplete((admission, failure) -> OnLoop.run(loop, () -> {
                    if (failure != null) {
                        // a 429 says which limit refused it, as OpenAI's does
                        headers.writeTo((name, value) -> ResponseHeaders.put(exchange, name, value));
                        exchange.setException(failure instanceof CompletionException wrapped && wrapped.getCause() != null
                                ? wrapped.getCause() : failure);
                    } else if (admission != null) {
                        headers.writeTo((name, value) -> ResponseHeaders.put(exchange, name, value));
                        exchange.setVariable(Variables.ADMISSION, admission);
                        call.onEnded(admission::settle);
                    }
                    callback.done(false);
                }));
        return false;
    }
}
