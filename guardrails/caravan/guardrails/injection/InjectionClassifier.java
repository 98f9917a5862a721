package caravan.guardrails.injection;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import caravan.api.Json;
import caravan.guardrails.Source;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;

/**
 * The trained classifier: logistic regression over a text's bge-small-en-v1.5 embedding, with weights of
 * its own for what users type and for third-party text (the same model, less the examples' source, reads
 * a tool result's "ignore the user" and a user's "ignore my last message" alike). Its score is the
 * probability it gives the text of being an injection, so the guardrail's {@code threshold} (0.5 by
 * default) is the point where it thinks an injection more likely than not. A text scores as its highest
 * piece: each sentence or so is embedded on its own ({@link TextPieces}), so an instruction planted in a page
 * is judged as itself, not as the page's topic. The weights ({@value #RESOURCE}) are made by
 * {@link InjectionClassifierTraining} from the training part of {@link InjectionExamples}, whose digest they
 * carry.
 */
public final class InjectionClassifier {

    public static final String RESOURCE = "guardrails/injection-classifier.json";
    /** What the weights were trained on: the embedding model they read. */
    static final String EMBEDDING_MODEL = "bge-small-en-v1.5-q";

    private final Weights user;
    private final Weights thirdParty;
    private final String trainedOn;

    /** One source's weights: the probability is the logistic of {@code weights . embedding + bias}. */
    record Weights(float[] weights, double bias) {

        double probability(float[] embedding) {
            double logit = bias;
            for (int i = 0; i < weights.length; i++) {
                logit += weights[i] * embedding[i];
            }
            return 1 / (1 + Math.exp(-logit));
        }
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
            if (!EMBEDDING_MODEL.equals(json.path("embedding_model").asText())) {
                throw new IllegalStateException(RESOURCE + " was trained on " + json.path("embedding_model").asText()
                        + " embeddings, not " + EMBEDDING_MODEL);
            }
            return new InjectionClassifier(weights(json.get("user")), weights(json.get("third_party")),
                    json.path("trained_on").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Weights weights(JsonNode json) {
        JsonNode values = json.get("weights");
        float[] weights = new float[values.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) values.get(i).asDouble();
        }
        return new Weights(weights, json.get("bias").asDouble());
    }

    /** The SHA-256 of the labelled set the weights were trained on. */
    public String trainedOn() {
        return trainedOn;
    }

    /** The probability for a text from {@code source} whose pieces are embedded: its highest piece's. */
    double score(float[][] pieces, Source source) {
        Weights weights = source == Source.THIRD_PARTY ? thirdParty : user;
        double highest = 0;
        for (float[] piece : pieces) {
            highest = Math.max(highest, weights.probability(piece));
        }
        return highest;
    }

    /** The probability for a text, its pieces embedded by {@code model} on the calling thread. */
    public double score(EmbeddingModel model, String text, Source source) {
        return score(embed(model, text), source);
    }

    /** The embeddings of the text's pieces, in one call of the model. */
    static float[][] embed(EmbeddingModel model, String text) {
        List<TextSegment> pieces = new ArrayList<>();
        for (String piece : TextPieces.of(text)) {
            pieces.add(TextSegment.from(piece));
        }
        if (pieces.isEmpty()) {
            return new float[0][];
        }
        List<Embedding> embeddings = model.embedAll(pieces).content();
        float[][] vectors = new float[embeddings.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = embeddings.get(i).vector();
        }
        return vectors;
    }

    void write(Path file) throws IOException {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("embedding_model", EMBEDDING_MODEL);
        json.put("trained_on", trainedOn);
        json.set("user", json(user));
        json.set("third_party", json(thirdParty));
        Files.writeString(file, Json.MAPPER.writeValueAsString(json) + "\n");
    }

    private static ObjectNode json(Weights weights) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("bias", weights.bias());
        ArrayNode values = json.putArray("weights");
        for (float weight : weights.weights()) {
            values.add(weight);
        }
        return json;
    }
}
