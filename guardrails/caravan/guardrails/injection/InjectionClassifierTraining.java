package caravan.guardrails.injection;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import caravan.embedding.EmbeddingPool;
import caravan.guardrails.Source;
import caravan.guardrails.injection.InjectionClassifier.Window;
import caravan.guardrails.injection.InjectionExamples.Example;
import dev.langchain4j.model.embedding.EmbeddingModel;

/**
 * Trains the injection classifier on the training part of the labelled set (never on the held-back
 * quarter) and writes its weights: the regularisation is the one that scores best (F1 at 0.5) in a 5-fold
 * cross-validation within the training part, then the weights are fitted on all of it. Deterministic: the
 * same data gives the same weights, up to the embedding model's floating point on another CPU. Embeddings
 * are kept in {@code target/injection-embeddings.tsv} (by the text's SHA-256), so a retraining after a few
 * examples were added embeds only those.
 *
 * <pre>
 * mvn -o -q compile && java -cp target/classes:target/caravan.jar caravan.guardrails.injection.InjectionClassifierTraining
 * </pre>
 * writes {@code src/main/resources/guardrails/injection-classifier.json} (or the path given as argument).
 */
public final class InjectionClassifierTraining {

    private static final double[] L2 = {3e-5, 1e-4, 3e-4, 1e-3};
    private static final double[] SWEEP = {0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7};
    private static final int FOLDS = 5;
    static final Path EMBEDDINGS = Path.of("target/injection-embeddings.tsv");

    private InjectionClassifierTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/main/resources/" + InjectionClassifier.RESOURCE);
        InjectionExamples examples = InjectionExamples.load();
        List<Example> training = examples.training();
        Data data = Data.of(training, EMBEDDINGS);
        double bestF1 = -1;
        double bestL2 = L2[0];
        for (double l2 : L2) {
            double[] scores = crossValidated(data, l2);
            Counts counts = counts(data, scores, 0.5);
            System.out.printf(Locale.ROOT, "l2 %.5f: cross-validated at 0.5 %s%n", l2, counts);
            // on a tie the stronger regularisation: the simpler model
            if (counts.f1() >= bestF1) {
                bestF1 = counts.f1();
                bestL2 = l2;
            }
        }
        double[] scores = crossValidated(data, bestL2);
        for (double threshold : SWEEP) {
            System.out.printf(Locale.ROOT, "  l2 %.5f cross-validated at %.2f: %s%n", bestL2, threshold, counts(data, scores, threshold));
        }
        InjectionClassifier classifier = LogisticRegression.fit(data.windows, data.thirdParty, data.injection, bestL2,
                examples.digest());
        classifier.write(out);
        System.out.printf(Locale.ROOT, "trained on %d examples (l2 %.5f), weights in %s%n", training.size(), bestL2, out);
    }

    /** Each example's score from the fit on the folds it is not in. */
    static double[] crossValidated(Data all, double l2) {
        double[] scores = new double[all.windows.size()];
        for (int fold = 0; fold < FOLDS; fold++) {
            Data fit = all.fold(fold, false);
            InjectionClassifier classifier = LogisticRegression.fit(fit.windows, fit.thirdParty, fit.injection, l2, "");
            for (int i = fold; i < scores.length; i += FOLDS) {
                scores[i] = classifier.score(all.windows.get(i), all.thirdParty[i] ? Source.THIRD_PARTY : Source.USER);
            }
        }
        return scores;
    }

    static Counts counts(Data data, double[] scores, double threshold) {
        Counts counts = new Counts();
        for (int i = 0; i < scores.length; i++) {
            counts.add(data.injection[i], scores[i] >= threshold);
        }
        return counts;
    }

    /** Examples as the fit reads them: each one's window (a labelled text is one window). */
    record Data(List<Window> windows, boolean[] thirdParty, boolean[] injection) {

        static Data of(List<Example> examples, Path cache) throws IOException {
            Map<String, float[]> kept = read(cache);
            int before = kept.size();
            EmbeddingModel model = null;
            List<Window> windows = new ArrayList<>();
            boolean[] thirdParty = new boolean[examples.size()];
            boolean[] injection = new boolean[examples.size()];
            for (int i = 0; i < examples.size(); i++) {
                Example example = examples.get(i);
                List<String> texts = TextWindows.of(example.text());
                if (texts.size() != 1) {
                    throw new IllegalArgumentException("a labelled text must fit one window (" + TextWindows.WHOLE_CHARS
                            + " characters): " + example.text().substring(0, 60) + "...");
                }
                String key = HexFormat.of().formatHex(InjectionExamples.sha256(texts.get(0).getBytes(StandardCharsets.UTF_8)));
                float[] embedding = kept.get(key);
                if (embedding == null) {
                    model = model == null ? EmbeddingPool.bgeSmall() : model;
                    embedding = model.embed(texts.get(0)).content().vector();
                    kept.put(key, embedding);
                }
                windows.add(new Window(embedding, LexicalFeatures.of(texts.get(0))));
                thirdParty[i] = example.source() == Source.THIRD_PARTY;
                injection[i] = example.injection();
            }
            if (kept.size() > before) {
                write(cache, kept);
            }
            return new Data(windows, thirdParty, injection);
        }

        /** The examples of fold {@code fold} (every FOLDS-th), or all the others. */
        Data fold(int fold, boolean in) {
            List<Window> foldWindows = new ArrayList<>();
            List<Boolean> foldThirdParty = new ArrayList<>();
            List<Boolean> foldInjection = new ArrayList<>();
            for (int i = 0; i < windows.size(); i++) {
                if ((i % FOLDS == fold) == in) {
                    foldWindows.add(windows.get(i));
                    foldThirdParty.add(thirdParty[i]);
                    foldInjection.add(injection[i]);
                }
            }
            boolean[] tp = new boolean[foldWindows.size()];
            boolean[] inj = new boolean[foldWindows.size()];
            for (int i = 0; i < tp.length; i++) {
                tp[i] = foldThirdParty.get(i);
                inj[i] = foldInjection.get(i);
            }
            return new Data(foldWindows, tp, inj);
        }
    }

    /** Kept embeddings: one line a text, its SHA-256, the model and the vector (float32, little-endian, base64). */
    private static Map<String, float[]> read(Path cache) throws IOException {
        Map<String, float[]> kept = new HashMap<>();
        if (Files.exists(cache)) {
            for (String line : Files.readAllLines(cache)) {
                String[] fields = line.split("\t");
                if (fields.length == 3 && fields[1].equals(InjectionClassifier.EMBEDDING_MODEL)) {
                    ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(fields[2])).order(ByteOrder.LITTLE_ENDIAN);
                    float[] vector = new float[bytes.remaining() / 4];
                    bytes.asFloatBuffer().get(vector);
                    kept.put(fields[0], vector);
                }
            }
        }
        return kept;
    }

    private static void write(Path cache, Map<String, float[]> kept) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Map.Entry<String, float[]> entry : kept.entrySet()) {
            ByteBuffer bytes = ByteBuffer.allocate(entry.getValue().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(entry.getValue());
            lines.append(entry.getKey()).append('\t').append(InjectionClassifier.EMBEDDING_MODEL).append('\t')
                    .append(Base64.getEncoder().encodeToString(bytes.array())).append('\n');
        }
        Files.createDirectories(cache.toAbsolutePath().getParent());
        Files.writeString(cache, lines);
    }
}
