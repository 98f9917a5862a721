package caravan.api;

import java.io.IOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The one Jackson configuration of the gateway; ObjectMappers are costly to build and safe to share. */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // "{...} trailing" is not a JSON body; reject it rather than read the first value
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // money (budgets, spend) is written as a plain decimal, never as 1E-9
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    public static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Reads one value inside a document being parsed; the mapper's trailing-token check would reject the rest. */
    private static final ObjectReader EMBEDDED_VALUE = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The value {@code parser} is at, as a tree, leaving the parser after it: for the one field a streaming scan needs whole. */
    public static JsonNode readValueAt(JsonParser parser) throws IOException {
        return EMBEDDED_VALUE.readTree(parser);
    }

    /** A JSON number a double can hold: 1e309 parses as infinity, which serialises as the string "Infinity". */
    public static boolean isFiniteNumber(JsonNode value) {
        return value.isNumber() && Double.isFinite(value.asDouble());
    }

    /**
     * The JSON object {@code bytes} hold; null when they are empty, another JSON value or no JSON at all.
     * For what an upstream wrote, which may be an HTML page from a proxy in front of it.
     */
    public static ObjectNode objectOrNull(byte[] bytes) {
        try {
            return bytes != null && bytes.length > 0 && MAPPER.readTree(bytes) instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Jackson names its own classes and settings in backticks, sometimes inside parentheses. */
    private static final Pattern INTERNALS = Pattern.compile("\\s*\\([^()]*`[^`]*`[^()]*\\)|`[^`]*`");
    private static final Pattern CLASS_NAME = Pattern.compile("\\b[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*\\.[A-Za-z]");

    /**
     * What is wrong with a JSON body, for a client to read: Jackson's description without the Java class
     * and setting names it quotes, where it happened, and never more than a line.
     */
    public static String parseProblem(JsonProcessingException e) {
        String problem;
        if (e instanceof JsonEOFException) {
            problem = "unexpected end of input";
        } else if (String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
            problem = "unexpected content after the JSON value";
        } else {
            problem = INTERNALS.matcher(String.valueOf(e.getOriginalMessage())).replaceAll("").trim();
            if (e instanceof StreamConstraintsException) {
                problem = "the document is beyond this gateway's limits: " + problem;
            }
            if (problem.isEmpty() || CLASS_NAME.matcher(problem).find()) {
                problem = "invalid JSON";
            }
        }
        if (problem.length() > 200) {
            problem = problem.substring(0, 200) + "...";
        }
        JsonLocation at = e.getLocation();
        return at != null && at.getLineNr() > 0
                ? problem + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"
                : problem;
    }

    private Json() {
    }
}
