package caravan.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * o200k token counts in bounded memory and time. JTokkit counts a text in one pass whose memory grows with
 * its longest run without a word break (16 MB of one letter exhausts a 200 MB heap), so a text is counted
 * in slices of at most {@value #SLICE_CHARS} characters, cut at a space where there is one: the
 * tokenizer never merges across a space, so the sum is the exact count for ordinary text. Past
 * {@value #EXACT_CHARS} characters the rest is estimated at four characters a token ({@link RunningTokenCount}
 * does the slicing, for whole texts and streamed ones alike). Used where a count must be made without a
 * provider: the echo provider's usage, the token estimate a request is admitted on, and the usage of an
 * answer whose provider reported none ({@link UsageEstimate}).
 */
public final class TokenCount {

    static final int SLICE_CHARS = 8 * 1024;
    static final int EXACT_CHARS = 256 * 1024;
    /** Whether {@link #loadInBackground()} started the tables' load. */
    private static final AtomicBoolean LOADING = new AtomicBoolean();
    /** Set once the tables are in memory, whoever loaded them. */
    private static volatile boolean loaded;

    private TokenCount() {
    }

    public static int of(String text) {
        if (text.length() <= SLICE_CHARS) {
            return exact(text);
        }
        // one slicing for whole texts and streamed ones, so both count alike
        return (int) new RunningTokenCount().add(text).total();
    }

    /** JTokkit's count of one slice (at most {@value #SLICE_CHARS} characters). */
    static int exact(String slice) {
        return Tokenizer.ENCODING.countTokens(slice);
    }

    /**
     * Loads the o200k tables on a daemon thread of their own, once, and returns at once: for a gateway that
     * knows its calls will be counted (a key with token limits or a budget), so that its first such call does
     * not load them on the event loop it runs on (about half a second of a cold JVM, every call on that loop
     * waiting). A count asked for meanwhile waits for the load, as it would have loaded them itself.
     */
    public static void loadInBackground() {
        if (LOADING.compareAndSet(false, true)) {
            Thread loader = new Thread(TokenCount::load, "caravan-token-tables");
            loader.setDaemon(true);
            loader.start();
        }
    }

    /** Whether the tables are in memory, so that a count takes microseconds rather than a load. */
    public static boolean loaded() {
        return loaded;
    }

    /** Loads the tables on the calling thread, or waits for a load under way: never on an event loop. */
    public static void load() {
        Tokenizer.ENCODING.countTokens("");
    }

    /** Loaded on first use: the o200k tables take a moment and some memory that a gateway without echo never needs. */
    private static final class Tokenizer {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

        static {
            loaded = true;
        }
    }

    /**
     * The input tokens a chat request will likely be billed for: its messages' text (string content and
     * text parts), tools and a few tokens per message for the framing, as OpenAI's own cookbook counts.
     */
    public static long ofRequest(ArrayNode messages, JsonNode tools) {
        long tokens = 3;
        if (messages != null) {
            for (JsonNode message : messages) {
                tokens += 4 + textTokens(message.get("content"));
            }
        }
        if (tools != null && !tools.isNull()) {
            tokens += (tools.toString().length() + 3) / 4;
        }
        return tokens;
    }

    /**
     * Counts of recent message texts. A chat client resends the whole conversation every turn and most
     * calls repeat a system prompt, so most texts were counted before; counting is about 0.1 ms per KB,
     * a lookup a hash and a compare. Bounded: texts up to {@value #CACHED_CHARS} characters, at most
     * {@value #CACHED_TEXTS} of them (about 4 MB); when full it starts over.
     */
    private static final int CACHED_TEXTS = 1024;
    private static final int CACHED_CHARS = 4096;
    private static final Map<String, Integer> RECENT = new ConcurrentHashMap<>(CACHED_TEXTS * 2);

    static int cached(String text) {
        if (text.length() > CACHED_CHARS || text.length() < 64) {
            return of(text);
        }
        Integer known = RECENT.get(text);
        if (known != null) {
            return known;
        }
        int tokens = of(text);
        if (RECENT.size() >= CACHED_TEXTS) {
            RECENT.clear();
        }
        RECENT.put(text, tokens);
        return tokens;
    }

    private static long textTokens(JsonNode content) {
        if (content == null || content.isNull()) {
            return 0;
        }
        if (content.isTextual()) {
            return cached(content.textValue());
        }
        long tokens = 0;
        if (content.isArray()) {
            for (JsonNode part : content) {
                JsonNode text = part.get("text");
                // an image or audio part costs what its provider says; a few hundred tokens is the usual order
                tokens += text != null && text.isTextual() ? cached(text.textValue()) : 256;
            }
        }
        return tokens;
    }
}
