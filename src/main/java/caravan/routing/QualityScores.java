package caravan.routing;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A live quality score per model, between 0 and 1: an exponentially weighted average of the feedback
 * posted to {@code /v1/feedback} and of the route's post-checks (1 passed, 0 failed). A model without
 * observations scores {@code prior}.
 */
public final class QualityScores {

    private final double prior;
    private final double weight;
    private final Map<Target, Double> scores = new ConcurrentHashMap<>();

    /** @param weight how much one new observation moves the score (0..1) */
    public QualityScores(double prior, double weight) {
        this.prior = prior;
        this.weight = weight;
    }

    public void observe(Target target, double score) {
        double clamped = Math.max(0, Math.min(1, score));
        scores.merge(target, prior * (1 - weight) + clamped * weight,
                (old, ignored) -> old * (1 - weight) + clamped * weight);
    }

    public double score(Target target) {
        return scores.getOrDefault(target, prior);
    }

    public Map<String, Double> all() {
        Map<String, Double> all = new TreeMap<>();
        scores.forEach((target, score) -> all.put(target.toString(), score));
        return all;
    }
}
