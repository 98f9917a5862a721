package caravan.guardrails.injection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import caravan.api.Json;
import caravan.guardrails.Source;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

/**
 * The trained classifier: logistic regression over a window of text read two ways, its bge-small-en-v1.5
 * embedding (what it is about) and its hashed words and character n-grams ({@link LexicalFeatures}: how it
 * is worded), with weights of its own for what users type and for third-party text. Its score is the
 * probability it gives the text of being an injection, so the guardrail's {@code threshold} (0.5 by
 * default) is the point where it thinks an injection more likely than not. A text scores as its highest
 * window ({@link TextWindows}): a short text is one window, one embedding; a long one at most
 * {@value TextWindows#MAX_WINDOWS}. The weights ({@value #RESOURCE}, little-endian float32 in base64) are made
 * by {@link InjectionClassifierTraining} from the training part of {@link InjectionExamples}, whose digest
 * they carry.
 */
public final class InjectionClassifier {

    public static final String RESOURCE = "guardrails/injection-classifier.json";
    /** What the weights were trained on: the embedding model they read. */
    static final String EMBEDDING_MODEL = "bge-small-en-v1.5-q";

    private final Weights user;
    private final Weights thirdParty;
    private final String trainedOn;

    /** One source's weights: the probability is the logistic of {@code embedding . e + lexical . l + bias}. */
    record Weights(float[] embedding, float[] lexical, double bias) {

        double probability(float[] vector, LexicalFeatures words) {
            double logit = bias + words.dot(lexical);
            for (int i = 0; i < embedding.length; i++) {
                logit += embedding[i] * vector[i];
            }
            return 1 / (1 + Math.exp(-logit));
        }
    }

    /** A window as the classifier reads it. */
    record Window(float[] embedding, LexicalFeatures words) {
    }

    InjectionClassifier(Weights user, Weights thirdParty, String trainedOn) {
        this.user = user;
        this.thirdParty = thirdParty;
        this.trainedOn = trainedOn;
    }

    /** The classifier shipped in the jar. */
    public static InjectionClassifier load() {
        try (InputStream in = InjectionClassifier.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            JsonNode json = Json.MAPPER.readTree(in);
            if (!EMBEDDING_MODEL.equals(json.path("embedding_model").asText())
                    || json.path("lexical_buckets").asInt() != LexicalFeatures.BUCKETS
                    || json.path("cue_features").asInt() != Cues.COUNT) {
                throw new IllegalStateException(RESOURCE + " was trained on " + json.path("embedding_model").asText()
                        + " embeddings, " + json.path("lexical_buckets").asInt() + " lexical buckets and "
                        + json.path("cue_features").asInt() + " cues, not " + EMBEDDING_MODEL + ", "
                        + LexicalFeatures.BUCKETS + " and " + Cues.COUNT);
            }
            return new InjectionClassifier(weights(json.get("user")), weights(json.get("third_party")),
                    json.path("trained_on").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Weights weights(JsonNode json) {
        return new Weights(floats(json.get("embedding").asText()), floats(json.get("lexical").asText()),
                json.get("bias").asDouble());
    }

    private static float[] floats(String base64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(values);
        return values;
    }

    private static String base64(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return Base64.getEncoder().encodeToString(bytes.array());
    }

    /** The SHA-256 of the labelled set the weights were trained on. */
    public String trainedOn() {
        return trainedOn;
    }

    /** The probability of one window read as text from {@code source}. */
    double score(Window window, Source source) {
        return (source == Source.THIRD_PARTY ? thirdParty : user).probability(window.embedding(), window.words());
    }

    /** The probability for a text, its windows embedded by {@code model} on the calling thread: its highest window's. */
    public double score(EmbeddingModel model, String text, Source source) {
        double highest = 0;
        for (Window window : windows(model, text)) {
            highest = Math.max(highest, score(window, source));
        }
        return highest;
    }

    /** The text's windows, embedded in one call of the model. */
    static List<Window> windows(EmbeddingModel model, String text) {
        List<String> texts = TextWindows.of(text);
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = new ArrayList<>();
        for (String window : texts) {
            segments.add(TextSegment.from(window));
        }
        var embeddings = texts.size() == 1 ? List.of(model.embed(segments.get(0)).content())
                : model.embedAll(segments).content();
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            windows.add(new Window(embeddings.get(i).vector(), LexicalFeatures.of(texts.get(i))));
        }
        return windows;
    }

    void write(Path file) throws IOException {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("embedding_model", EMBEDDING_MODEL);
        json.put("lexical_buckets", LexicalFeatures.BUCKETS);
        json.put("cue_features", Cues.COUNT);
        json.put("trained_on", trainedOn);
        json.set("user", json(user));
        json.set("third_party", json(thirdParty));
        Files.writeString(file, Json.MAPPER.writeValueAsString(json) + "\n");
    }

    private static ObjectNode json(Weights weights) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("bias", weights.bias());
        json.put("embedding", base64(weights.embedding()));
        json.put("lexical", base64(weights.lexical()));
        return json;
    }
}
