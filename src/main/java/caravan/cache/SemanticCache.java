package caravan.cache;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import caravan.api.ChatRequest;
import caravan.embedding.EmbeddingPool;
import caravan.limits.RedisCalls;
import io.vertx.core.Vertx;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The semantic side of the response cache: which requests may be answered by meaning, and the lookup and
 * storing of their questions. Similarity is judged on the last user message only; everything else the
 * answer depends on (the earlier conversation with its system prompt, the tools, the parameters, the
 * tenant and what serves the call) must match exactly, as one digest stored with the entry. Conversations
 * longer than the route's {@code maxMessages}, requests sampled hotter than its {@code maxTemperature}, and
 * questions that are not plain text skip it. Questions are embedded as {@link QuestionText} writes them, on the
 * gateway's bounded {@link EmbeddingPool} (declined when it is busy), searches on the embedding thread, index
 * writes on one thread of their own.
 */
public final class SemanticCache {

    private static final Logger LOG = LoggerFactory.getLogger(SemanticCache.class);
    /** Longer questions are rarely asked twice in other words, and would cost the pool more than they save. */
    static final int MAX_QUESTION_CHARS = 4096;
    private static final long UPKEEP_EVERY_SECONDS = 10;

    /** A request's question: its last user message's text and the digest of everything else it depends on. */
    public record Question(String tenant, String context, String text) {
    }

    /** What a lookup found: the question's embedding (kept to store the answer) and the match, or null. */
    public record Lookup(float[] vector, SemanticIndex.Match match) {
    }

    private final EmbeddingPool embeddings;
    private final SemanticIndex index;
    private final ScheduledExecutorService indexer;
    private volatile SemanticFeed feed;

    public SemanticCache(EmbeddingPool embeddings, SemanticIndex index, ScheduledExecutorService indexer) {
        this.embeddings = embeddings;
        this.index = index;
        this.indexer = indexer;
        indexer.scheduleWithFixedDelay(this::upkeep, UPKEEP_EVERY_SECONDS, UPKEEP_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    /** Shares entries with the other instances through the Redis stream {@code stream}, at most {@code maxLength} long. */
    public void shareThrough(Vertx vertx, RedisCalls calls, String stream, long maxLength) {
        this.feed = new SemanticFeed(vertx, calls, stream, maxLength, indexer, index::add);
    }

    public EmbeddingPool embeddings() {
        return embeddings;
    }

    SemanticIndex index() {
        return index;
    }

    /** The request's question, or null when it skips the semantic cache. */
    public static Question question(ChatRequest request, CacheSettings settings, String tenant, String target) {
        ObjectNode json = request.json();
        ArrayNode messages = request.messages();
        if (messages.size() > settings.maxMessages()) {
            return null;
        }
        JsonNode temperature = json.get("temperature");
        if (temperature != null && temperature.isNumber() && temperature.asDouble() > settings.maxTemperature()) {
            return null;
        }
        JsonNode last = messages.get(messages.size() - 1);
        if (!"user".equals(last.path("role").asText())) {
            return null;
        }
        String text = text(last.get("content"));
        if (text == null || text.isBlank() || text.length() > MAX_QUESTION_CHARS) {
            return null;
        }
        // the last message's other fields (a name, say) still have to match: the conversation is digested
        // with its last message's content left out, read in place rather than from a copy of the messages
        String context = RequestDigest.of(tenant, target).fields(json, Set.of("messages"))
                .conversationWithoutLastContent(messages).finish();
        return new Question(tenant, context, text);
    }

    /** Plain text, or text parts only; anything else (an image, audio) is no question to match by meaning. */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!"text".equals(part.path("type").asText())) {
                return null;
            }
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    /**
     * Looks the question up: completes (on the embedding thread) with its embedding and the closest stored
     * question at least {@code minSimilarity} alike, or none. Null when the pool declined: skip the lookup.
     */
    public CompletableFuture<Lookup> lookup(Question question, double minSimilarity) {
        String text = QuestionText.normalize(question.text());
        // the search runs on the pool under the embedding's permit: both are the lookup's work
        return embeddings.tryRun(model -> {
            float[] vector = EmbeddingPool.vector(model, text);
            return new Lookup(vector, index.search(question.tenant(), question.context(), vector, minSimilarity));
        });
    }

    /**
     * Stores the question of an answer stored under {@code key}: indexed here and shared with the other
     * instances. Without its embedding (the lookup was skipped) it is embedded first, if the pool has room.
     */
    public void store(Question question, float[] vector, String key, long expiresAtMillis) {
        if (vector == null) {
            CompletableFuture<float[]> embedded = embeddings.tryEmbed(QuestionText.normalize(question.text()));
            if (embedded != null) {
                embedded.thenAccept(later -> store(question, later, key, expiresAtMillis));
            }
            return;
        }
        indexer.execute(() -> {
            try {
                index.add(question.tenant(), question.context(), vector, key, expiresAtMillis);
            } catch (RuntimeException e) {
                LOG.warn("Semantic cache: could not index an entry: {}", e.getMessage());
            }
        });
        SemanticFeed shared = feed;
        if (shared != null) {
            shared.publish(question.tenant(), question.context(), vector, key, expiresAtMillis);
        }
    }

    private void upkeep() {
        try {
            index.upkeep();
        } catch (RuntimeException e) {
            LOG.warn("Semantic cache: upkeep failed: {}", e.getMessage());
        }
    }

    public void close() {
        SemanticFeed shared = feed;
        if (shared != null) {
            shared.close();
        }
        indexer.shutdownNow();
        index.close();
    }
}
