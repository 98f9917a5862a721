package caravan.cache;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import caravan.api.CacheOutcome;
import caravan.api.CallContext;
import caravan.api.ChatChunk;
import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.ClientStream;
import caravan.api.Json;
import caravan.api.OnLoop;
import caravan.api.ResponseHeaders;
import caravan.api.Usage;
import caravan.api.Variables;
import caravan.keys.VirtualKey;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;

/**
 * The response cache the {@code cacheLookup} and {@code cacheStore} steps share: which settings apply to a
 * call (its named route's {@link CachePolicy}, or the gateway's defaults), the lookup that answers a hit in
 * the client's dialect and mode without calling a provider, and the store of a whole, successful answer.
 * Every entry is namespaced by the caller's tenant ({@link RequestDigest}).
 */
public final class ResponseCache {

    public static final String CACHE_HEADER = "x-caravan-cache";
    public static final String SIMILARITY_HEADER = "x-caravan-cache-similarity";
    public static final String AGE_HEADER = "age";

    private final CacheSettings defaults;
    private final AnswerStore exact;
    private final SemanticCache semantic;

    /** @param semantic the semantic side, or null when no route may use it */
    public ResponseCache(CacheSettings defaults, AnswerStore exact, SemanticCache semantic) {
        this.defaults = defaults;
        this.exact = exact;
        this.semantic = semantic;
    }

    public SemanticCache semantic() {
        return semantic;
    }

    public CacheSettings defaults() {
        return defaults;
    }

    public AnswerStore exactStore() {
        return exact;
    }

    /** The settings of the exchange's call: its named route's, or the defaults. */
    public CacheSettings settings(Exchange exchange) {
        return settings(exchange.getContext(), exchange.getVariable(Variables.ROUTE, String.class));
    }

    /** The settings of a call to {@code route} (null: a model named directly). */
    public CacheSettings settings(CamelContext context, String route) {
        if (route != null) {
            Route named = context.getRoute(route);
            if (named != null) {
                for (RoutePolicy policy : named.getRoutePolicyList()) {
                    if (policy instanceof CachePolicy cache) {
                        return cache.settings(defaults);
                    }
                }
            }
        }
        return defaults;
    }

    /**
     * Looks the call up. On a hit the answer is given here (a whole answer as {@code response}, for
     * {@code respond} to encode; a stream written to the client); on a miss that may be stored,
     * {@code cachePending} says how. Sets {@code cacheOutcome} and the {@code x-caravan-cache} header either way.
     */
    public CompletionStage<CacheOutcome> lookup(Exchange exchange, CacheSettings settings) {
        if (!settings.enabled()) {
            return CompletableFuture.completedFuture(decided(exchange, CacheOutcome.of(CacheOutcome.Result.BYPASS,
                    settings.mode().wireName())));
        }
        CacheDirectives directives = CacheDirectives.of(exchange.getMessage(),
                exchange.getVariable(Variables.VIRTUAL_KEY, VirtualKey.class));
        String mode = settings.mode().wireName();
        if (directives.noStore()) {
            return CompletableFuture.completedFuture(decided(exchange, CacheOutcome.of(CacheOutcome.Result.BYPASS, mode)));
        }
        ChatRequest request = exchange.getVariable(Variables.REQUEST, ChatRequest.class);
        String tenant = exchange.getVariable(Variables.TENANT, String.class);
        String target = target(exchange);
        String key = RequestDigest.exact(tenant, target, request.json());
        long ttlMillis = 1000 * (directives.ttlSeconds() > 0 ? directives.ttlSeconds() : settings.ttlSeconds());
        SemanticCache.Question question = settings.mode() == CacheMode.SEMANTIC && semantic != null
                ? SemanticCache.question(request, settings, tenant, target) : null;
        if (directives.noCache()) {
            return CompletableFuture.completedFuture(miss(exchange, request, key, ttlMillis, settings, question, null,
                    CacheOutcome.Result.MISS));
        }
        return exact.get(key).thenCompose(found -> {
            if (found != null) {
                return CompletableFuture.completedFuture(hit(exchange, request, found, CacheOutcome.Result.HIT, Double.NaN, mode));
            }
            if (question == null) {
                return CompletableFuture.completedFuture(miss(exchange, request, key, ttlMillis, settings, null, null,
                        CacheOutcome.Result.MISS));
            }
            return semanticLookup(exchange, request, key, ttlMillis, settings, question);
        });
    }

    /**
     * After an exact miss: the question looked up by meaning on the embedding pool, then the answer it
     * matched read from the exact store, back on the request's event loop. A busy pool skips the lookup
     * ({@code bypass}); the answer is still stored.
     */
    private CompletionStage<CacheOutcome> semanticLookup(Exchange exchange, ChatRequest request, String key, long ttlMillis,
                                                         CacheSettings settings, SemanticCache.Question question) {
        CompletableFuture<SemanticCache.Lookup> looked = semantic.lookup(question, settings.similarity());
        if (looked == null) {
            return CompletableFuture.completedFuture(miss(exchange, request, key, ttlMillis, settings, question, null,
                    CacheOutcome.Result.BYPASS));
        }
        Context loop = OnLoop.current();
        CompletableFuture<CacheOutcome> decided = new CompletableFuture<>();
        looked.whenComplete((lookup, failure) -> OnLoop.run(loop, () -> {
            if (failure != null || lookup.match() == null) {
                decided.complete(miss(exchange, request, key, ttlMillis, settings, question,
                        lookup == null ? null : lookup.vector(), CacheOutcome.Result.MISS));
                return;
            }
            exact.get(lookup.match().key()).whenComplete((found, error) -> {
                if (found != null) {
                    decided.complete(hit(exchange, request, found, CacheOutcome.Result.SEMANTIC_HIT,
                            lookup.match().similarity(), settings.mode().wireName()));
                } else {
                    // the answer it matched was evicted or expired meanwhile
                    decided.complete(miss(exchange, request, key, ttlMillis, settings, question, lookup.vector(),
                            CacheOutcome.Result.MISS));
                }
            });
        }));
        return decided;
    }

    /** What serves the call: its named route, or the provider and model it was resolved to. */
    private static String target(Exchange exchange) {
        String route = exchange.getVariable(Variables.ROUTE, String.class);
        if (route != null) {
            return "route:" + route;
        }
        return exchange.getVariable(Variables.PROVIDER, String.class) + "/"
                + exchange.getVariable(Variables.UPSTREAM_MODEL, String.class);
    }

    private CacheOutcome miss(Exchange exchange, ChatRequest request, String key, long ttlMillis, CacheSettings settings,
                              SemanticCache.Question question, float[] vector, CacheOutcome.Result result) {
        StreamCapture capture = null;
        if (request.stream()) {
            capture = new StreamCapture(exchange.getVariable(Variables.CLIENT, ClientStream.class), settings.maxEntryBytes());
            exchange.setVariable(Variables.CLIENT, capture);
        }
        exchange.setVariable(Variables.CACHE_PENDING, new PendingEntry(key, ttlMillis, settings, capture, question, vector));
        return decided(exchange, CacheOutcome.of(result, settings.mode().wireName()));
    }

    private static CacheOutcome hit(Exchange exchange, ChatRequest request, CachedAnswer answer, CacheOutcome.Result result,
                                    double similarity, String mode) {
        long age = answer.ageSeconds(System.currentTimeMillis());
        CacheOutcome outcome = new CacheOutcome(result, mode, similarity, age, answer.provider(), answer.model(),
                answer.usage());
        decided(exchange, outcome);
        ResponseHeaders.put(exchange, AGE_HEADER, Long.toString(age));
        if (result == CacheOutcome.Result.SEMANTIC_HIT) {
            ResponseHeaders.put(exchange, SIMILARITY_HEADER, similarityText(similarity));
        }
        // the answer's own provider and model, as x-caravan-provider and x-caravan-model say
        exchange.setVariable(Variables.PROVIDER, answer.provider());
        exchange.setVariable(Variables.UPSTREAM_MODEL, answer.model());
        if (request.stream()) {
            StreamReplay.replay(answer, exchange.getVariable(Variables.CLIENT, ClientStream.class));
        } else {
            exchange.setVariable(Variables.RESPONSE, ChatResponse.ofCompletionBytes(answer.completion(), answer.usage()));
        }
        return outcome;
    }

    static String similarityText(double similarity) {
        return Double.toString(Math.round(similarity * 10_000) / 10_000.0);
    }

    private static CacheOutcome decided(Exchange exchange, CacheOutcome outcome) {
        exchange.setVariable(Variables.CACHE_OUTCOME, outcome);
        if (outcome.hit()) {
            exchange.setVariable(Variables.CACHE_HIT, Boolean.TRUE);
        }
        ResponseHeaders.put(exchange, CACHE_HEADER, outcome.outcome());
        return outcome;
    }

    /**
     * Stores the call's answer when {@code cacheLookup} left a pending entry and the answer qualifies: whole
     * (a stream that ended cleanly), finished normally, without tool calls unless the route allows them,
     * and no larger than the route's entry size. Returns whether it was stored.
     */
    public boolean store(Exchange exchange) {
        PendingEntry pending = exchange.getVariable(Variables.CACHE_PENDING, PendingEntry.class);
        if (pending == null || exchange.isFailed()) {
            return false;
        }
        exchange.removeVariable(Variables.CACHE_PENDING);
        byte[] bytes;
        ObjectNode completion;
        Usage usage;
        StreamCapture capture = pending.capture();
        if (capture != null) {
            List<ChatChunk> chunks = capture.completedChunks();
            if (chunks == null) {
                return false;
            }
            usage = capture.usage() != null ? capture.usage() : exchange.getVariable(Variables.USAGE, Usage.class);
            completion = StreamedAnswer.assemble(chunks, usage);
            bytes = write(completion);
        } else {
            ChatResponse response = exchange.getVariable(Variables.RESPONSE, ChatResponse.class);
            if (response == null) {
                return false;
            }
            completion = response.json();
            bytes = response.upstreamBytes() != null ? response.upstreamBytes() : write(completion);
            usage = response.usage() != null ? response.usage() : Usage.fromOpenAi(completion.get("usage"));
        }
        if (bytes.length > pending.settings().maxEntryBytes() || !storable(completion, pending.settings())) {
            return false;
        }
        CallContext call = exchange.getVariable(Variables.CALL, CallContext.class);
        long now = System.currentTimeMillis();
        exact.put(pending.key(), new CachedAnswer(bytes, usage, call == null ? null : call.provider(),
                call == null ? null : call.model(), now, pending.ttlMillis()));
        if (pending.question() != null) {
            semantic.store(pending.question(), pending.vector(), pending.key(), now + pending.ttlMillis());
        }
        return true;
    }

    /** One choice that ended normally (stop or length), or tool calls where the route stores them; never a filtered answer. */
    private static boolean storable(ObjectNode completion, CacheSettings settings) {
        JsonNode choices = completion.path("choices");
        if (choices.size() != 1) {
            // a stream replays one choice: n > 1 is answered afresh
            return false;
        }
        String finish = choices.get(0).path("finish_reason").asText("");
        if (hasToolCalls(choices) || finish.equals("tool_calls")) {
            return settings.toolCalls();
        }
        return finish.equals("stop") || finish.equals("length") || finish.equals("end_turn");
    }

    private static boolean hasToolCalls(JsonNode choices) {
        for (JsonNode choice : choices) {
            JsonNode calls = choice.path("message").path("tool_calls");
            if (calls.isArray() && !calls.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static byte[] write(JsonNode json) {
        try {
            return Json.MAPPER.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void close() {
        exact.close();
        if (semantic != null) {
            semantic.close();
        }
    }
}
