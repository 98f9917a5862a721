package caravan.guardrails.injection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import caravan.api.Json;
import caravan.guardrails.Source;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The labelled set the injection classifier is trained and measured on ({@value #RESOURCE}, one JSON object a
 * line: {@code text}, {@code label} {@code injection} or {@code benign}, {@code source} {@code user} or
 * {@code third_party}, and a {@code kind}). A quarter of it is held back from training, chosen by each
 * text's own digest, so the split never changes when examples are added elsewhere in the file and a text
 * never moves from one side to the other.
 */
public final class InjectionExamples {

    public static final String RESOURCE = "guardrails/injection-examples.jsonl";

    /** One labelled text. */
    public record Example(String text, boolean injection, Source source, String kind) {

        /** Whether it is in the held-back quarter: the first four bytes of the text's SHA-256, as a number, divisible by 4. */
        public boolean heldBack() {
            byte[] digest = sha256(text.getBytes(StandardCharsets.UTF_8));
            return (digest[3] & 0x03) == 0;
        }
    }

    private final List<Example> all;
    private final String digest;

    private InjectionExamples(List<Example> all, String digest) {
        this.all = List.copyOf(all);
        this.digest = digest;
    }

    /** The set shipped in the jar. */
    public static InjectionExamples load() {
        try (InputStream in = InjectionExamples.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InjectionExamples parse(byte[] jsonLines) throws IOException {
        List<Example> examples = new ArrayList<>();
        String[] lines = new String(jsonLines, StandardCharsets.UTF_8).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode line = Json.MAPPER.readTree(lines[i]);
            String label = line.path("label").asText();
            String source = line.path("source").asText();
            if (!line.path("text").isTextual() || !(label.equals("injection") || label.equals("benign"))
                    || !(source.equals("user") || source.equals("third_party"))) {
                throw new IllegalArgumentException(RESOURCE + " line " + (i + 1) + ": needs a text, a label (injection, "
                        + "benign) and a source (user, third_party)");
            }
            examples.add(new Example(line.get("text").asText(), label.equals("injection"),
                    source.equals("user") ? Source.USER : Source.THIRD_PARTY, line.path("kind").asText("")));
        }
        return new InjectionExamples(examples, HexFormat.of().formatHex(sha256(jsonLines)));
    }

    public List<Example> all() {
        return all;
    }

    /** The three quarters a classifier is trained on. */
    public List<Example> training() {
        return all.stream().filter(example -> !example.heldBack()).toList();
    }

    /** The quarter it is measured on. */
    public List<Example> heldBack() {
        return all.stream().filter(Example::heldBack).toList();
    }

    /** The SHA-256 of the file as read: the trained weights name the data they were trained on. */
    public String digest() {
        return digest;
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
