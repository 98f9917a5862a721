package caravan.guardrails.injection;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import caravan.embedding.EmbeddingPool;
import caravan.guardrails.Source;
import caravan.guardrails.injection.InjectionExamples.Example;
import dev.langchain4j.model.embedding.EmbeddingModel;

/**
 * Trains the injection classifier on the training part of the labelled set (never on the held-back
 * quarter) and writes its weights: the regularisation is the one that scores best (F1 at 0.5) in a 5-fold
 * cross-validation within the training part, then the weights are fitted on all of it. Deterministic: the
 * same data gives the same weights, up to the embedding model's floating point on another CPU.
 *
 * <pre>
 * mvn -o -q compile exec:java -Dexec.mainClass=caravan.guardrails.injection.InjectionClassifierTraining
 * </pre>
 * writes {@code src/main/resources/guardrails/injection-classifier.json} (or the path given as argument).
 */
public final class InjectionClassifierTraining {

    private static final double[] L2 = {0.03, 0.1, 0.3, 1, 3};
    private static final int FOLDS = 5;

    private InjectionClassifierTraining() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src/main/resources/" + InjectionClassifier.RESOURCE);
        InjectionExamples examples = InjectionExamples.load();
        List<Example> training = examples.training();
        Embedded embedded = Embedded.of(EmbeddingPool.bgeSmall(), training);
        double bestF1 = -1;
        double bestL2 = L2[0];
        for (double l2 : L2) {
            double f1 = crossValidated(embedded, l2);
            System.out.printf(Locale.ROOT, "l2 %.3f: cross-validated F1 %.3f%n", l2, f1);
            // on a tie the stronger regularisation: the simpler model
            if (f1 >= bestF1) {
                bestF1 = f1;
                bestL2 = l2;
            }
        }
        InjectionClassifier classifier = LogisticRegression.fit(embedded.bags, embedded.thirdParty, embedded.injection, bestL2,
                examples.digest());
        classifier.write(out);
        System.out.printf(Locale.ROOT, "trained on %d examples (l2 %.3f), weights in %s%n", training.size(), bestL2, out);
    }

    /** The mean F1 at 0.5 of FOLDS fits, each measured on the fold it was not fitted on. */
    static double crossValidated(Embedded all, double l2) {
        double sum = 0;
        for (int fold = 0; fold < FOLDS; fold++) {
            Embedded fit = all.fold(fold, false);
            Embedded held = all.fold(fold, true);
            InjectionClassifier classifier = LogisticRegression.fit(fit.bags, fit.thirdParty, fit.injection, l2, "");
            Counts counts = new Counts();
            for (int i = 0; i < held.bags.length; i++) {
                counts.add(held.injection[i], classifier.score(held.bags[i],
                        held.thirdParty[i] ? Source.THIRD_PARTY : Source.USER) >= 0.5);
            }
            sum += counts.f1();
        }
        return sum / FOLDS;
    }

    /** Examples as the fit reads them: the embeddings of each one's pieces. */
    record Embedded(float[][][] bags, boolean[] thirdParty, boolean[] injection) {

        static Embedded of(EmbeddingModel model, List<Example> examples) {
            float[][][] bags = new float[examples.size()][][];
            boolean[] thirdParty = new boolean[examples.size()];
            boolean[] injection = new boolean[examples.size()];
            for (int i = 0; i < bags.length; i++) {
                Example example = examples.get(i);
                bags[i] = InjectionClassifier.embed(model, example.text());
                thirdParty[i] = example.source() == Source.THIRD_PARTY;
                injection[i] = example.injection();
            }
            return new Embedded(bags, thirdParty, injection);
        }

        /** The examples of fold {@code fold} (every FOLDS-th), or all the others. */
        Embedded fold(int fold, boolean in) {
            int size = 0;
            for (int i = 0; i < bags.length; i++) {
                size += (i % FOLDS == fold) == in ? 1 : 0;
            }
            float[][][] foldBags = new float[size][][];
            boolean[] foldThirdParty = new boolean[size];
            boolean[] foldInjection = new boolean[size];
            for (int i = 0, k = 0; i < bags.length; i++) {
                if ((i % FOLDS == fold) == in) {
                    foldBags[k] = bags[i];
                    foldThirdParty[k] = thirdParty[i];
                    foldInjection[k++] = injection[i];
                }
            }
            return new Embedded(foldBags, foldThirdParty, foldInjection);
        }
    }
}
