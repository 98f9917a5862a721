package caravan.cache;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

import caravan.api.CanonicalExtensions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The digest (SHA-256) of what makes two requests ask the same question of the same model: the tenant, the
 * resolved route or model, and the canonical request's fields that change the answer. The tree is fed to
 * the digest in one canonical form, so the order of JSON keys, {@code 1} against {@code 1.0}, a text written
 * as one text part, and prompt-cache marks make no difference; and the fields that do not change the answer
 * ({@link #IGNORED}) are left out. The canonical request is the same whichever dialect the client spoke, so
 * {@code /v1/chat/completions} and {@code /v1/messages} share entries.
 */
public final class RequestDigest {

    /**
     * Top-level fields that do not change the answer: how it is delivered ({@code stream},
     * {@code stream_options}), who asked ({@code user}, {@code metadata}), whether OpenAI keeps it
     * ({@code store}), and {@code model}, which the resolved target replaces (so a bare name and its
     * {@code provider/model} share entries).
     */
    static final Set<String> IGNORED = Set.of("model", "stream", "stream_options", "user", "metadata", "store");

    private static final byte OBJECT = 1;
    private static final byte ARRAY = 2;
    private static final byte TEXT = 3;
    private static final byte NUMBER = 4;
    private static final byte TRUE = 5;
    private static final byte FALSE = 6;
    private static final byte NULL = 7;
    private static final byte END = 8;
    private static final byte FIELD = 9;

    /**
     * One SHA-256 per thread, reset for each key: looking the algorithm up through the security providers
     * cost more than hashing a request.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    });

    /**
     * The canonical form, gathered here and hashed once in {@link #finish}: one update of the whole form
     * instead of four per string (each update pays the digest's own bookkeeping).
     */
    private byte[] form = new byte[1024];
    private int length;

    private RequestDigest() {
    }

    /** A digest started with the call's namespace: its tenant and what serves it. */
    public static RequestDigest of(String tenant, String target) {
        RequestDigest digest = new RequestDigest();
        digest.text(tenant == null ? "" : tenant);
        digest.text(target);
        return digest;
    }

    /** The exact key of a request: the namespace and every field of the body that changes the answer. */
    public static String exact(String tenant, String target, ObjectNode request) {
        RequestDigest digest = of(tenant, target);
        digest.fields(request, IGNORED);
        return digest.finish();
    }

    /** Adds the top-level fields of {@code request}, but those in {@code skipped} and in {@link #IGNORED}. */
    public RequestDigest fields(ObjectNode request, Set<String> skipped) {
        String[] names = sortedNames(request);
        put(OBJECT);
        for (String name : names) {
            if (!IGNORED.contains(name) && !skipped.contains(name)) {
                field(name, request.get(name));
            }
        }
        put(END);
        return this;
    }

    /** Adds one value in canonical form. */
    public RequestDigest value(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            put(NULL);
        } else if (value.isObject()) {
            put(OBJECT);
            for (String name : sortedNames(value)) {
                if (!CanonicalExtensions.CACHE_CONTROL.equals(name)) {
                    field(name, value.get(name));
                }
            }
            put(END);
        } else if (value.isArray()) {
            JsonNode single = singleText(value);
            if (single != null) {
                value(single);
                return this;
            }
            put(ARRAY);
            for (JsonNode item : value) {
                value(item);
            }
            put(END);
        } else if (value.isTextual()) {
            text(value.textValue());
        } else if (value.isNumber()) {
            put(NUMBER);
            BigDecimal number = value.decimalValue().stripTrailingZeros();
            text(number.toPlainString());
        } else if (value.isBoolean()) {
            put(value.booleanValue() ? TRUE : FALSE);
        } else {
            text(value.asText());
        }
        return this;
    }

    /**
     * Adds {@code messages} as {@link #value} would add them with the last message's {@code content} field
     * removed (the semantic cache's context: everything but the question itself), without copying them.
     */
    public RequestDigest conversationWithoutLastContent(ArrayNode messages) {
        put(ARRAY);
        int last = messages.size() - 1;
        for (int i = 0; i < last; i++) {
            value(messages.get(i));
        }
        if (last >= 0) {
            JsonNode message = messages.get(last);
            put(OBJECT);
            for (String name : sortedNames(message)) {
                if (!"content".equals(name) && !CanonicalExtensions.CACHE_CONTROL.equals(name)) {
                    field(name, message.get(name));
                }
            }
            put(END);
        }
        put(END);
        return this;
    }

    /** The digest as a key: 43 characters of URL-safe base64. Ends this digest. */
    public String finish() {
        MessageDigest sha256 = SHA_256.get();
        sha256.reset();
        sha256.update(form, 0, length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha256.digest());
    }

    private void put(byte value) {
        room(1);
        form[length++] = value;
    }

    private void room(int more) {
        if (length + more > form.length) {
            form = Arrays.copyOf(form, Math.max(form.length * 2, length + more));
        }
    }

    private void field(String name, JsonNode value) {
        put(FIELD);
        text(name);
        value(value);
    }

    private void text(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int size = bytes.length;
        room(5 + size);
        form[length++] = TEXT;
        form[length++] = (byte) (size >>> 24);
        form[length++] = (byte) (size >>> 16);
        form[length++] = (byte) (size >>> 8);
        form[length++] = (byte) size;
        System.arraycopy(bytes, 0, form, length, size);
        length += size;
    }

    /** A content array of one text part (prompt-cache marks aside) says what the text alone says. */
    private static JsonNode singleText(JsonNode array) {
        if (array.size() != 1) {
            return null;
        }
        JsonNode part = array.get(0);
        if (!part.isObject() || !"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
            return null;
        }
        for (Iterator<String> names = part.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("type") && !name.equals("text") && !name.equals(CanonicalExtensions.CACHE_CONTROL)) {
                return null;
            }
        }
        return part.get("text");
    }

    private static String[] sortedNames(JsonNode object) {
        String[] names = new String[object.size()];
        int i = 0;
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names[i++] = it.next();
        }
        Arrays.sort(names);
        return names;
    }
}
