package caravan.guardrails;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a content part keeps its text, read and written back in one place. A {@code text} part is what its
 * message's author wrote. Other parts that carry text are documents handed to the model, which nobody in the
 * conversation wrote (third-party text, judged for indirect injection as tool results are): a document part
 * with a plain-text source ({@code {"type":"document","source":{"type":"text","data":...}}}), a file part
 * whose data is a text file ({@code {"type":"file","file":{"file_data":"data:text/plain;base64,..."}}}), and any
 * other part with a {@code text} field. Images, audio and binary files carry no text to read.
 */
final class PartText {

    private static final String BASE64 = ";base64,";

    private PartText() {
    }

    /** The part's text, or null when it carries none. */
    static String read(JsonNode part) {
        JsonNode text = part.get("text");
        if (text != null && text.isTextual()) {
            return text.asText();
        }
        JsonNode source = part.path("source");
        if ("text".equals(source.path("type").asText()) && source.path("data").isTextual()) {
            return source.get("data").asText();
        }
        String data = part.path("file").path("file_data").asText(null);
        if (data != null && textDataUrl(data)) {
            try {
                return new String(Base64.getDecoder().decode(data.substring(data.indexOf(BASE64) + BASE64.length())),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                // a file the provider will refuse anyway; there is no text to judge
                return null;
            }
        }
        return null;
    }

    /** Whether the part is what its message's author wrote, rather than a document handed in. */
    static boolean authored(JsonNode part) {
        String type = part.path("type").asText();
        return type.equals("text") || type.equals("input_text") || type.equals("refusal");
    }

    /** Puts {@code text} where {@link #read} found the part's text. */
    static void write(ObjectNode part, String text) {
        if (part.path("text").isTextual()) {
            part.put("text", text);
        } else if (part.path("source").path("data").isTextual()) {
            ((ObjectNode) part.get("source")).put("data", text);
        } else {
            String data = part.get("file").get("file_data").asText();
            ((ObjectNode) part.get("file")).put("file_data", data.substring(0, data.indexOf(BASE64) + BASE64.length())
                    + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** A data URL of a text file: {@code data:text/...;base64,}, JSON, XML, YAML or CSV. */
    private static boolean textDataUrl(String data) {
        int base64 = data.indexOf(BASE64);
        if (!data.startsWith("data:") || base64 < 0) {
            return false;
        }
        String mediaType = data.substring(5, base64);
        return mediaType.startsWith("text/") || mediaType.equals("application/json") || mediaType.equals("application/xml")
                || mediaType.equals("application/yaml") || mediaType.equals("application/x-yaml");
    }
}
