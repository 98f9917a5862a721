package caravan.guardrails.injection;

import java.util.List;
import java.util.Locale;

import caravan.embedding.EmbeddingPool;
import caravan.guardrails.Source;
import caravan.guardrails.injection.InjectionExamples.Example;
import dev.langchain4j.model.embedding.EmbeddingModel;

/**
 * Prints the precision, recall and F1 of the shipped classifier on the held-back quarter of the labelled set,
 * which it was not trained on: at the threshold given (the guardrail's default, 0.5, without one), for each
 * source and for both, for the classifier alone, the rules alone, and the two together as the guardrail
 * runs them; then the classifier at other thresholds.
 *
 * <pre>
 * java -cp target/caravan.jar caravan.guardrails.injection.InjectionClassifierEval [threshold]
 * mvn -o -q compile exec:java -Dexec.mainClass=caravan.guardrails.injection.InjectionClassifierEval
 * </pre>
 */
public final class InjectionClassifierEval {

    private static final double[] SWEEP = {0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};

    private InjectionClassifierEval() {
    }

    /** A held-back example's verdicts. */
    record Judged(Example example, double score, boolean rule) {
    }

    public static void main(String[] args) {
        double threshold = args.length > 0 ? Double.parseDouble(args[0]) : InjectionGuardrail.DEFAULT_THRESHOLD;
        InjectionExamples examples = InjectionExamples.load();
        InjectionClassifier classifier = InjectionClassifier.load();
        if (!classifier.trainedOn().equals(examples.digest())) {
            System.out.println("warning: the weights were trained on another version of the labelled set; retrain them");
        }
        List<Judged> judged = judge(EmbeddingPool.bgeSmall(), classifier, examples.heldBack());
        System.out.printf(Locale.ROOT, "held back: %d of %d examples (%d injections, %d benign)%n", judged.size(),
                examples.all().size(), judged.stream().filter(j -> j.example().injection()).count(),
                judged.stream().filter(j -> !j.example().injection()).count());
        System.out.printf(Locale.ROOT, "at threshold %.2f:%n", threshold);
        for (Source source : new Source[] {Source.USER, Source.THIRD_PARTY, null}) {
            String name = source == null ? "both" : source == Source.USER ? "user" : "third_party";
            System.out.printf(Locale.ROOT, "  %-11s classifier        %s%n", name, counts(judged, source, threshold, true, false));
            System.out.printf(Locale.ROOT, "  %-11s rules             %s%n", name, counts(judged, source, threshold, false, true));
            System.out.printf(Locale.ROOT, "  %-11s rules+classifier  %s%n", name, counts(judged, source, threshold, true, true));
        }
        System.out.println("the classifier alone, both sources, by threshold:");
        for (double t : SWEEP) {
            System.out.printf(Locale.ROOT, "  %.2f  %s%n", t, counts(judged, null, t, true, false));
        }
    }

    static List<Judged> judge(EmbeddingModel model, InjectionClassifier classifier, List<Example> examples) {
        return examples.stream().map(example -> new Judged(example,
                classifier.score(model, example.text(), example.source()),
                InjectionRules.firstFound(example.text(), example.source()) != null)).toList();
    }

    /** The verdicts of one source (or both, for null) at {@code threshold}, by the classifier, the rules, or either. */
    static Counts counts(List<Judged> judged, Source source, double threshold, boolean classifier, boolean rules) {
        Counts counts = new Counts();
        for (Judged one : judged) {
            if (source == null || one.example().source() == source) {
                counts.add(one.example().injection(), classifier && one.score() >= threshold || rules && one.rule());
            }
        }
        return counts;
    }
}
